// The search sidecars on disk (`000001.search` beside each sealed segment): which exist,
// reading one on demand (checked, a few kept in a small cache), building one from a segment's
// pieces, and deleting them with their segments. Nothing is loaded at open; a missing,
// corrupt or stale sidecar is reported as absent (the caller scans that segment and asks for
// a rebuild), so a bad sidecar can slow a search but never change its answer.
import { join } from 'node:path';
import { SEARCH_SIDECAR_CACHE_BYTES } from '../limits';
import { Sidecar, SidecarBuilder } from './search-sidecar';
import { nodeStoreFs, PacedWriter, readFully, type StoreFs } from './store-fs';

const NAME = /^(\d{6,})\.search$/;

export function sidecarFileName(segment: number): string {
  return `${String(segment).padStart(6, '0')}.search`;
}

export class SearchSidecars {
  private readonly present = new Set<number>();
  /** Recently used sidecars, least recent first (Map order). */
  private readonly cache = new Map<number, Sidecar>();
  private cachedBytes = 0;

  constructor(
    private readonly dir: string,
    private readonly fs: StoreFs = nodeStoreFs,
    private readonly cacheBytes = SEARCH_SIDECAR_CACHE_BYTES,
  ) {}

  /** Notes which sidecars exist; deletes those whose segment is gone (a crash between the two deletes). */
  async open(segments: Iterable<number>): Promise<void> {
    const live = new Set(segments);
    const unlink = this.fs.unlink ?? nodeStoreFs.unlink!;
    for (const name of await this.fs.readdir(this.dir)) {
      if (name.endsWith('.search.tmp')) await unlink(join(this.dir, name)).catch(() => undefined);
      const m = NAME.exec(name);
      if (!m) continue;
      const n = Number(m[1]);
      if (live.has(n)) this.present.add(n);
      else await unlink(join(this.dir, name)).catch(() => undefined);
    }
  }

  has(segment: number): boolean {
    return this.present.has(segment);
  }

  /** The segment's sidecar if it exists, reads back and describes `logicalSize` bytes; else undefined (and a bad one is deleted). */
  async get(segment: number, logicalSize: number): Promise<Sidecar | undefined> {
    const cached = this.cache.get(segment);
    if (cached) {
      this.cache.delete(segment);
      this.cache.set(segment, cached);
      return cached;
    }
    if (!this.present.has(segment)) return undefined;
    let sidecar: Sidecar;
    try {
      sidecar = Sidecar.decode(await this.readFile(join(this.dir, sidecarFileName(segment))));
      if (sidecar.logicalSize !== logicalSize) throw new Error('search sidecar: built for other bytes');
    } catch {
      await this.forget([segment]);
      return undefined;
    }
    if (!this.present.has(segment)) return undefined; // deleted while it was read
    const raced = this.cache.get(segment); // another search read it meanwhile
    if (raced) return raced;
    this.cache.set(segment, sidecar);
    this.cachedBytes += sidecar.bytes;
    for (const [n, s] of this.cache) {
      if (this.cachedBytes <= this.cacheBytes || this.cache.size === 1) break;
      this.cache.delete(n);
      this.cachedBytes -= s.bytes;
    }
    return sidecar;
  }

  /** Builds a segment's sidecar from its pieces (written aside, then renamed into place). */
  async build(segment: number, logicalSize: number, pieces: AsyncIterable<{ start: number; data: Buffer }>): Promise<void> {
    const builder = new SidecarBuilder();
    for await (const { start, data } of pieces) builder.addBlock(start, data);
    const bytes = builder.encode(logicalSize);
    const path = join(this.dir, sidecarFileName(segment));
    const tmp = `${path}.tmp`;
    const file = await this.fs.open(tmp, 'w', 0o600);
    try {
      // Synced as it goes only to pace its writeback (see PacedWriter): a sidecar torn by a
      // crash fails its checksum and is built again.
      await new PacedWriter(file).write(bytes, 0);
    } finally {
      await file.close();
    }
    await (this.fs.rename ?? nodeStoreFs.rename!)(tmp, path);
    this.present.add(segment);
  }

  /** Deletes the sidecars of these segments (retention, or a bad one). */
  async forget(segments: readonly number[]): Promise<void> {
    const unlink = this.fs.unlink ?? nodeStoreFs.unlink!;
    for (const n of segments) {
      const s = this.cache.get(n);
      if (s) {
        this.cache.delete(n);
        this.cachedBytes -= s.bytes;
      }
      if (!this.present.delete(n)) continue;
      await unlink(join(this.dir, sidecarFileName(n))).catch(() => undefined);
    }
  }

  private async readFile(path: string): Promise<Buffer> {
    const size = (await (this.fs.stat ?? nodeStoreFs.stat!)(path)).size;
    const file = await this.fs.open(path, 'r');
    try {
      return await readFully(file, 0, size);
    } finally {
      await file.close();
    }
  }
}
