// Index snapshot (checkpoint): the event index, the latest state records and the dedup
// keys as of a log position, so that opening the store reads one file and replays only the
// log written after it instead of every segment.
//
// File `events/index.snap`, written to a temp file, fsynced, renamed, directory fsynced:
//   "SYSNAP1\n" | u32 meta length | meta JSON | columns (raw little-endian typed arrays) | sha256 of all before
// The meta names every segment the snapshot covers with the bytes covered and a sha256 of
// the last SNAPSHOT_TAIL_BYTES before that point; on open each is checked against the
// segment on disk (a sealed segment must be exactly that long, the last one at least) and a
// snapshot that does not match, or is torn, is discarded: the store then replays everything.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { IndexImage } from './event-index';
import { nodeStoreFs, type StoreFile, type StoreFs } from './segment-log';

export const SNAPSHOT_FILE = 'index.snap';
const MAGIC = Buffer.from('SYSNAP1\n', 'latin1');
export const SNAPSHOT_TAIL_BYTES = 4096;
const HASH_BYTES = 32;
const COLUMN_ORDER = ['segment', 'offset', 'length', 'org', 'source', 'sourceName', 'dialect', 'severity', 'status', 'priority', 'title', 'alert'] as const;

/** A segment as far as the snapshot covers it. */
export interface CoveredSegment {
  segment: number;
  bytes: number;
  /** sha256 (hex) of the SNAPSHOT_TAIL_BYTES (or fewer) bytes before `bytes`. */
  tail: string;
}

export interface SnapshotState {
  kind: string;
  id: string;
  data: unknown;
  /** Segment holding this record (retention carries records forward before deleting one). */
  segment: number;
}

export interface Snapshot {
  covered: CoveredSegment[];
  /** Event format (newest event migration) the index was built with: summaries are migrated. */
  eventSchema: number;
  index: IndexImage;
  state: SnapshotState[];
  /** [organization, dedup_key, event id] */
  dedup: [string, string, string][];
  /** Lines skipped as corrupt or not events in the covered part. */
  skipped: number;
  corrupt: number;
}

interface Meta {
  version: 1;
  covered: CoveredSegment[];
  eventSchema: number;
  base: number;
  count: number;
  ids: string[];
  dicts: IndexImage['dicts'];
  receivedExact: [number, string][];
  state: SnapshotState[];
  dedup: [string, string, string][];
  skipped: number;
  corrupt: number;
}

/** sha256 of the bytes [max(0, end - SNAPSHOT_TAIL_BYTES), end) of an open file. */
export async function tailHash(file: StoreFile, end: number): Promise<string> {
  const start = Math.max(0, end - SNAPSHOT_TAIL_BYTES);
  const buf = Buffer.alloc(end - start);
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await file.read(buf, done, buf.length - done, start + done);
    if (bytesRead === 0) throw new Error('short read');
    done += bytesRead;
  }
  return createHash('sha256').update(buf).digest('hex');
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function bytesOf(a: Uint32Array | Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Serializes a snapshot; synchronous apart from the caller's file writes. */
export function encodeSnapshot(s: Snapshot): Buffer[] {
  const meta: Meta = {
    version: 1, covered: s.covered, eventSchema: s.eventSchema, base: s.index.base, count: s.index.count, ids: s.index.ids.slice(0, s.index.count),
    dicts: s.index.dicts, receivedExact: s.index.receivedExact, state: s.state, dedup: s.dedup, skipped: s.skipped, corrupt: s.corrupt,
  };
  const metaBuf = Buffer.from(JSON.stringify(meta), 'utf8');
  const parts = [MAGIC, u32(metaBuf.length), metaBuf];
  // Columns are copied: the live index keeps growing while the file is written.
  parts.push(Buffer.from(bytesOf(s.index.received)));
  for (const c of COLUMN_ORDER) parts.push(Buffer.from(bytesOf(s.index.columns[c])));
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  parts.push(hash.digest());
  return parts;
}

/** Parses and checksums a snapshot file's bytes; throws with the reason when it is torn or not one. */
export function decodeSnapshot(buf: Buffer): Snapshot {
  if (buf.length < MAGIC.length + 4 + HASH_BYTES || !buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a snapshot');
  const body = buf.subarray(0, buf.length - HASH_BYTES);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(buf.length - HASH_BYTES))) throw new Error('checksum mismatch (torn or damaged)');
  const metaLen = buf.readUInt32LE(MAGIC.length);
  let pos = MAGIC.length + 4;
  const meta = JSON.parse(buf.toString('utf8', pos, pos + metaLen)) as Meta;
  pos += metaLen;
  if (meta.version !== 1) throw new Error(`unknown snapshot version ${String(meta.version)}`);
  const n = meta.count;
  const expect = pos + n * 8 + COLUMN_ORDER.length * n * 4;
  if (expect !== body.length) throw new Error('wrong length');
  // Copy into aligned typed arrays (the file buffer's offsets are not aligned).
  const received = new Float64Array(n);
  bytesOf(received).set(buf.subarray(pos, pos + n * 8));
  pos += n * 8;
  const columns = {} as IndexImage['columns'];
  for (const c of COLUMN_ORDER) {
    const col = new Uint32Array(n);
    bytesOf(col).set(buf.subarray(pos, pos + n * 4));
    pos += n * 4;
    columns[c] = col;
  }
  if (meta.ids.length !== n) throw new Error('id count mismatch');
  return {
    covered: meta.covered,
    eventSchema: meta.eventSchema,
    index: { base: meta.base, count: n, ids: meta.ids, dicts: meta.dicts, receivedExact: meta.receivedExact, received, columns },
    state: meta.state,
    dedup: meta.dedup,
    skipped: meta.skipped,
    corrupt: meta.corrupt,
  };
}

/** Reads a whole file through the store's fs; undefined when it does not exist. */
async function readWhole(fs: StoreFs, path: string): Promise<Buffer | undefined> {
  let file: StoreFile;
  try {
    file = await fs.open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const chunks: Buffer[] = [];
    let pos = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(8 * 1024 * 1024);
      const { bytesRead } = await file.read(chunk, 0, chunk.length, pos);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      pos += bytesRead;
    }
    return Buffer.concat(chunks);
  } finally {
    await file.close();
  }
}

/** The snapshot in `dir`, or why there is none usable (absent, torn, unreadable). */
export async function readSnapshot(dir: string, fs: StoreFs = nodeStoreFs): Promise<{ snapshot?: Snapshot; problem?: string }> {
  try {
    const buf = await readWhole(fs, join(dir, SNAPSHOT_FILE));
    if (!buf) return { problem: 'none' };
    return { snapshot: decodeSnapshot(buf) };
  } catch (err) {
    return { problem: err instanceof Error ? err.message : String(err) };
  }
}

/** Writes a snapshot atomically: temp file, fsync, rename over the old one, fsync of the directory. */
export async function writeSnapshot(dir: string, parts: Buffer[], fs: StoreFs = nodeStoreFs): Promise<number> {
  const tmp = join(dir, `${SNAPSHOT_FILE}.tmp`);
  const rename = fs.rename ?? nodeStoreFs.rename!;
  const file = await fs.open(tmp, 'w', 0o600);
  let bytes = 0;
  try {
    for (const p of parts) {
      let done = 0;
      while (done < p.length) {
        const { bytesWritten } = await file.write(p, done, p.length - done, bytes + done);
        if (bytesWritten <= 0) throw new Error('write made no progress');
        done += bytesWritten;
      }
      bytes += p.length;
    }
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, join(dir, SNAPSHOT_FILE));
  const d = await fs.open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
  return bytes;
}

/** Removes the snapshot (e.g. when it no longer matches the segments); missing is fine. */
export async function removeSnapshot(dir: string, fs: StoreFs = nodeStoreFs): Promise<void> {
  const unlink = fs.unlink ?? nodeStoreFs.unlink!;
  await unlink(join(dir, SNAPSHOT_FILE)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
