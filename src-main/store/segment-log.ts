// Append-only JSON-lines log over numbered segment files (000001.jsonl, …) with group
// commit: everything appended while one commit is in flight shares the next write and
// fdatasync. The write path only ever appends: its cost does not grow with the log.
import { join } from 'node:path';
import { SEGMENT_BLOCK_BYTES, SEGMENT_MAX_BYTES } from '../limits';
import { BlockCache, compressedLines, compressSegment, inflateBlock, readBlockIndex, readLogical, type BlockIndex } from './segment-compress';
import { StoreUnavailableError } from './errors';
import { nodeStoreFs, readFully, writeFully, type Location, type RangeReader, type StoreFile, type StoreFs } from './store-fs';





export interface SegmentLogOptions {
  dir: string;
  fs?: StoreFs;
  /** Start a new segment when the next batch would pass this size (default SEGMENT_MAX_BYTES). */
  segmentMaxBytes?: number;
  /** Wait this long before a commit to gather more records; 0 (default) = next turn of the event loop. */
  commitDelayMs?: number;
  /** Bytes read per step while scanning segments on open. */
  scanChunkBytes?: number;
  /** Segment files kept open for reads (the one being written is always open). */
  maxReadHandles?: number;
}

/**
 * Where a previous index snapshot left off: the segments it covers (bytes and a hash of the
 * bytes before that point). When every one matches the disk, `apply` runs and only what lies
 * beyond is scanned; otherwise everything is scanned as if there were no snapshot.
 */
export interface ResumePoint {
  covered: { segment: number; bytes: number; tail: string }[];
  /** Called before the tail is scanned, with the lowest covered segment still on disk. */
  apply(firstSegment: number): void;
  /** sha256 (hex) of the (logical) bytes before `end` as the snapshot computed them, given a reader of the segment. */
  tailHash(read: RangeReader, end: number): Promise<string>;
}

export interface ScanReport {
  records: number;
  /** Whether a resume point was used; when it was given and not used, why. */
  resumed?: boolean;
  resumeProblem?: string;
  /** Torn tails (unterminated or unparsable last lines) cut off. */
  tornLinesDiscarded: number;
  /** Unparsable lines in the middle of a segment, skipped. */
  corruptLinesSkipped: number;
}

export interface SegmentLogStats {
  /** Records not yet durable: waiting for a commit or in the one in flight. */
  queueDepth: number;
  bytes: number;
  segments: number;
  tornLinesDiscarded: number;
  corruptLinesSkipped: number;
}

export type RecordVisitor = (record: Record<string, unknown>, location: Location) => void;


interface Waiter {
  /** The caller's records as JSON lines, newline-terminated, in one buffer. */
  buf: Buffer;
  /** Byte length of each line without its newline. */
  lengths: number[];
  bytes: number;
  resolve(locations: Location[]): void;
  reject(err: Error): void;
}

interface ReadHandle {
  file: Promise<StoreFile>;
  users: number;
  /** Set when the handle is on the compressed form of the segment. */
  packed?: BlockIndex;
}

const SEGMENT_NAME = /^(\d{6,})\.(jsonl|jsonz)$/;
const NEWLINE = 0x0a;

export function segmentFileName(n: number, compressed = false): string {
  return `${String(n).padStart(6, '0')}.${compressed ? 'jsonz' : 'jsonl'}`;
}

function parseRecord(line: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Streams one segment line by line in fixed-size chunks (segments can be 64 MiB) and
 * returns the offset to keep: a torn tail (no final newline, or an unparsable last line)
 * lies beyond it. Unparsable lines followed by more lines are skipped and counted.
 */
async function scanSegment(file: StoreFile, segment: number, visit: RecordVisitor, chunkBytes: number, start = 0): Promise<{ keep: number; torn: boolean; records: number; corrupt: number }> {
  const chunk = Buffer.allocUnsafe(chunkBytes);
  let pos = start;
  let lineStart = start;
  let partial: Buffer[] = [];
  let lastBadStart = -1;
  let records = 0;
  let corrupt = 0;
  for (;;) {
    const { bytesRead } = await file.read(chunk, 0, chunkBytes, pos);
    if (bytesRead === 0) break;
    const view = chunk.subarray(0, bytesRead);
    let from = 0;
    for (let nl = view.indexOf(NEWLINE, from); nl !== -1; nl = view.indexOf(NEWLINE, from)) {
      const piece = view.subarray(from, nl);
      const line = partial.length ? Buffer.concat([...partial, piece]) : piece;
      partial = [];
      if (lastBadStart >= 0) corrupt++;
      lastBadStart = -1;
      const record = parseRecord(line);
      if (record) {
        visit(record, { segment, offset: lineStart, length: line.length });
        records++;
      } else {
        lastBadStart = lineStart;
      }
      lineStart = pos + nl + 1;
      from = nl + 1;
    }
    // The chunk buffer is reused: keep a copy of an unfinished line.
    if (from < bytesRead) partial.push(Buffer.from(view.subarray(from)));
    pos += bytesRead;
  }
  if (partial.length) {
    if (lastBadStart >= 0) corrupt++;
    return { keep: lineStart, torn: true, records, corrupt };
  }
  if (lastBadStart >= 0) return { keep: lastBadStart, torn: true, records, corrupt };
  return { keep: pos, torn: false, records, corrupt };
}

export class SegmentLog {
  private readonly dir: string;
  private readonly fs: StoreFs;
  private readonly maxBytes: number;
  private readonly delayMs: number;
  private readonly scanChunkBytes: number;
  private readonly maxReadHandles: number;

  private state: 'new' | 'opening' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | null = null;
  /** Open files by segment number, least recently used first (Map order). */
  private readonly handles = new Map<number, ReadHandle>();
  private current = 0;
  private writer: StoreFile | null = null;
  /** Bytes of the current segment known to be durable; writes go exactly here. */
  private committed = 0;
  /** A failed write may have left bytes past `committed` that a truncate did not remove yet. */
  private needsTruncate = false;
  /** A new segment's directory entry is not known to be durable yet. */
  private needsDirSync = false;

  private pending: Waiter[] = [];
  private pendingRecords = 0;
  private inFlightRecords = 0;
  private scheduled: { cancel(): void; run(): void } | null = null;
  private flushing = false;
  private idleWaiters: (() => void)[] = [];
  private readonly reads = new Set<Promise<unknown>>();
  private readonly fsyncListeners: ((seconds: number) => void)[] = [];
  private readonly sealedListeners: (() => void)[] = [];

  private bytes = 0;
  private segments = 0;
  /** Durable bytes of each segment on disk, by number (ascending insertion). */
  private readonly sizes = new Map<number, number>();
  private torn = 0;
  private corrupt = 0;
  /** Sealed segments rewritten compressed (segment-compress.ts): their block indexes. */
  private readonly compressed = new Map<number, BlockIndex>();
  /** Bytes on disk of each compressed segment (`sizes` holds logical bytes). */
  private readonly diskSizes = new Map<number, number>();
  private readonly blockCache = new BlockCache();

  constructor(opts: SegmentLogOptions) {
    this.dir = opts.dir;
    this.fs = opts.fs ?? nodeStoreFs;
    this.maxBytes = opts.segmentMaxBytes ?? SEGMENT_MAX_BYTES;
    this.delayMs = opts.commitDelayMs ?? 0;
    this.scanChunkBytes = opts.scanChunkBytes ?? 1024 * 1024;
    this.maxReadHandles = Math.max(2, opts.maxReadHandles ?? 64);
  }

  private path(segment: number): string {
    return join(this.dir, segmentFileName(segment, this.compressed.has(segment)));
  }

  /**
   * Scans every segment in order, handing each record to `visit`; cuts a torn tail off.
   * With a resume point that matches the disk, only what lies beyond it is scanned.
   */
  async open(visit: RecordVisitor, resume?: ResumePoint): Promise<ScanReport> {
    if (this.state !== 'new') throw new Error('segment log: open() may be called once');
    this.state = 'opening';
    await this.fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const found = new Map<number, Set<string>>();
    for (const name of await this.fs.readdir(this.dir)) {
      const m = SEGMENT_NAME.exec(name);
      if (!m) continue;
      const n = Number(m[1]);
      found.set(n, (found.get(n) ?? new Set()).add(m[2]));
    }
    const numbers = [...found.keys()].sort((a, b) => a - b);
    for (const n of numbers) {
      if (!found.get(n)!.has('jsonz')) continue;
      // A crash between writing the compressed form and removing the plain one leaves both: the compressed one is complete.
      if (found.get(n)!.has('jsonl')) await (this.fs.unlink ?? nodeStoreFs.unlink!)(join(this.dir, segmentFileName(n))).catch(() => undefined);
      const path = join(this.dir, segmentFileName(n, true));
      const size = await this.statSize(path);
      const file = await this.fs.open(path, 'r');
      try {
        this.compressed.set(n, await readBlockIndex(file, size));
      } catch (err) {
        throw new Error(`segment ${segmentFileName(n, true)}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        await file.close();
      }
      this.diskSizes.set(n, size);
    }
    let records = 0;
    let resumed: boolean | undefined;
    let resumeProblem: string | undefined;
    /** Segment → offset to scan from (segments before the resume point are not scanned). */
    const from = new Map<number, number>();
    if (resume) {
      const check = await this.checkResume(numbers, resume);
      if (typeof check === 'string') {
        resumed = false;
        resumeProblem = check;
      } else {
        resumed = true;
        resume.apply(check.first);
        for (const c of resume.covered) if (numbers.includes(c.segment)) from.set(c.segment, c.bytes);
      }
    }
    const last = numbers[numbers.length - 1];
    for (const n of numbers) {
      const start = from.get(n) ?? 0;
      const packed = this.compressed.get(n);
      if (packed) {
        // Compressed segments are sealed and complete (written aside, then renamed).
        if (!from.has(n)) {
          const file = await this.fs.open(this.path(n), 'r');
          try {
            for await (const { line, offset } of compressedLines(file, packed)) {
              const record = parseRecord(line);
              if (record) {
                visit(record, { segment: n, offset, length: line.length });
                records++;
              } else this.corrupt++;
            }
          } finally {
            await file.close();
          }
        }
        this.sizes.set(n, packed.logicalSize);
        this.bytes += this.diskSizes.get(n)!;
        this.segments++;
        this.current = n;
        this.committed = packed.logicalSize;
        continue;
      }
      if (from.has(n) && n !== last && (await this.sizeOf(n)) === start) {
        // Covered by the snapshot and sealed: checked above, not read again.
        const size = start;
        this.bytes += size;
        this.sizes.set(n, size);
        this.segments++;
        this.current = n;
        this.committed = size;
        continue;
      }
      const file = await this.fs.open(this.path(n), 'r+');
      const scan = await scanSegment(file, n, visit, this.scanChunkBytes, start).catch(async (err: unknown) => {
        await file.close().catch(() => undefined);
        throw err;
      });
      if (scan.torn) {
        await file.truncate(scan.keep);
        this.torn++;
      }
      records += scan.records;
      this.corrupt += scan.corrupt;
      this.bytes += scan.keep;
      this.sizes.set(n, scan.keep);
      this.segments++;
      this.current = n;
      this.committed = scan.keep;
      this.remember(n, file);
    }
    if (numbers.length && !this.compressed.has(this.current)) {
      if (!this.handles.has(this.current)) this.remember(this.current, await this.fs.open(this.path(this.current), 'r+'));
      this.writer = await this.handles.get(this.current)!.file;
    } else await this.startSegment();
    this.state = 'open';
    return { records, resumed, resumeProblem, tornLinesDiscarded: this.torn, corruptLinesSkipped: this.corrupt };
  }

  private async statSize(path: string): Promise<number> {
    return (await (this.fs.stat ?? nodeStoreFs.stat!)(path)).size;
  }

  /** Logical bytes of a segment (a compressed one: as before compression). */
  private async sizeOf(segment: number): Promise<number> {
    const packed = this.compressed.get(segment);
    return packed ? packed.logicalSize : this.statSize(this.path(segment));
  }

  /** Reads logical bytes of a segment (plain or compressed). */
  async readRange(segment: number, position: number, length: number): Promise<Buffer> {
    const file = await this.fs.open(this.path(segment), 'r');
    try {
      const packed = this.compressed.get(segment);
      if (packed) return await readLogical(file, packed, segment, position, length, this.blockCache);
      return await readFully(file, position, length);
    } finally {
      await file.close();
    }
  }

  /**
   * A sealed segment's logical bytes in pieces of whole lines, oldest first: a compressed one
   * block by block (its own blocks), a plain one about SEGMENT_BLOCK_BYTES at a time.
   */
  async *pieces(segment: number): AsyncGenerator<{ start: number; data: Buffer }> {
    const size = this.sizes.get(segment);
    if (size === undefined || segment >= this.current) throw new Error(`segment ${segment} is not sealed`);
    const packed = this.compressed.get(segment);
    const file = await this.fs.open(this.path(segment), 'r');
    try {
      if (packed) {
        for (let b = 0; b < packed.starts.length; b++) yield { start: packed.starts[b], data: await inflateBlock(file, packed, b) };
        return;
      }
      let pos = 0;
      while (pos < size) {
        let want = Math.min(SEGMENT_BLOCK_BYTES, size - pos);
        let data = await readFully(file, pos, want);
        let cut = data.lastIndexOf(NEWLINE) + 1;
        // A line longer than a piece: read on to its end.
        while (cut === 0 && pos + want < size) {
          want = Math.min(want * 2, size - pos);
          data = await readFully(file, pos, want);
          cut = data.lastIndexOf(NEWLINE) + 1;
        }
        if (cut === 0) cut = data.length;
        yield { start: pos, data: data.subarray(0, cut) };
        pos += cut;
      }
    } finally {
      await file.close();
    }
  }

  /** Logical bytes of a segment on disk, or undefined when there is none. */
  logicalSize(segment: number): number | undefined {
    return this.sizes.get(segment);
  }

  isCompressed(segment: number): boolean {
    return this.compressed.has(segment);
  }

  /** Whether the resume point matches the segments on disk: the lowest covered segment present, or the mismatch. */
  private async checkResume(numbers: number[], resume: ResumePoint): Promise<{ first: number } | string> {
    const covered = resume.covered;
    if (covered.length === 0) return 'covers no segment';
    for (let i = 1; i < covered.length; i++) if (covered[i].segment <= covered[i - 1].segment) return 'segments out of order';
    const onDisk = new Set(numbers);
    const present = covered.filter((c) => onDisk.has(c.segment));
    if (present.length === 0) return 'its segments are gone';
    // Retention deletes the oldest segments first: only a prefix of the covered ones may be missing.
    const firstPresent = covered.indexOf(present[0]);
    if (present.length !== covered.length - firstPresent) return 'a covered segment is missing';
    const lastCovered = covered[covered.length - 1].segment;
    const coveredSet = new Set(covered.map((c) => c.segment));
    for (const n of numbers) if (n <= lastCovered && n >= present[0].segment && !coveredSet.has(n)) return `segment ${n} is not covered`;
    for (const n of numbers) if (n < present[0].segment) return `segment ${n} is older than the snapshot`;
    for (const c of present) {
      try {
        const size = await this.sizeOf(c.segment);
        if (c.segment === lastCovered ? size < c.bytes : size !== c.bytes) return `segment ${c.segment} is ${size} bytes, the snapshot covers ${c.bytes}`;
        if ((await resume.tailHash((pos, len) => this.readRange(c.segment, pos, len), c.bytes)) !== c.tail) return `segment ${c.segment} differs from the snapshot`;
      } catch (err) {
        return `segment ${c.segment}: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    return { first: present[0].segment };
  }

  /** Segments on disk and their durable sizes, oldest first; the last one is being written. */
  segmentSizes(): { segment: number; bytes: number; diskBytes: number }[] {
    return [...this.sizes.entries()].sort((a, b) => a[0] - b[0]).map(([segment, bytes]) => ({ segment, bytes, diskBytes: this.diskSizes.get(segment) ?? bytes }));
  }

  get currentSegment(): number {
    return this.current;
  }

  /** Modification time of a segment file (ms), for retention of segments without events. */
  async modifiedMs(segment: number): Promise<number> {
    return (await (this.fs.stat ?? nodeStoreFs.stat!)(this.path(segment))).mtimeMs;
  }


  /** Deletes whole segments numbered `through` and below; never the one being written. */
  async deleteSegmentsThrough(through: number): Promise<{ segment: number; bytes: number }[]> {
    if (this.state !== 'open') throw new StoreUnavailableError(new Error('the event log is not open'));
    if (through >= this.current) throw new Error('retention never deletes the segment being written');
    const unlink = this.fs.unlink ?? nodeStoreFs.unlink!;
    const deleted: { segment: number; bytes: number }[] = [];
    for (const { segment, diskBytes: bytes } of this.segmentSizes()) {
      if (segment > through) break;
      const handle = this.handles.get(segment);
      if (handle && handle.users === 0) {
        this.handles.delete(segment);
        void handle.file.then((f) => f.close()).catch(() => undefined);
      }
      await unlink(this.path(segment)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      this.sizes.delete(segment);
      this.diskSizes.delete(segment);
      this.compressed.delete(segment);
      this.blockCache.forget(`${segment}:`);
      this.bytes -= bytes;
      this.segments--;
      deleted.push({ segment, bytes });
    }
    if (deleted.length) await this.syncDir();
    return deleted;
  }

  /**
   * Rewrites every sealed plain segment compressed (segment-compress.ts): written aside,
   * synced, renamed into place, then the plain file goes. Reads keep working throughout (by
   * logical location); compresses at most `max`, returns how many it did and whether more wait.
   */
  async compressSealed(max = Infinity): Promise<{ done: number; more: boolean }> {
    let done = 0;
    for (const { segment } of this.segmentSizes()) {
      if (this.state !== 'open' || segment >= this.current) break;
      if (done >= max) return { done, more: [...this.sizes.keys()].some((n) => n < this.current && !this.compressed.has(n)) };
      if (this.compressed.has(segment)) continue;
      // Read now, not from the list: the segment may have been the one written when the list was made.
      const bytes = this.sizes.get(segment);
      if (bytes === undefined) continue;
      const plain = join(this.dir, segmentFileName(segment));
      const packedPath = join(this.dir, segmentFileName(segment, true));
      const tmp = `${packedPath}.tmp`;
      const src = await this.fs.open(plain, 'r');
      let index: BlockIndex;
      let diskBytes: number;
      try {
        const dst = await this.fs.open(tmp, 'w', 0o600);
        try {
          diskBytes = (await compressSegment(src, bytes, dst)).diskBytes;
        } finally {
          await dst.close();
        }
        const check = await this.fs.open(tmp, 'r');
        try {
          index = await readBlockIndex(check, diskBytes);
        } finally {
          await check.close();
        }
      } finally {
        await src.close();
      }
      if (index.logicalSize !== bytes || !this.sizes.has(segment)) {
        await (this.fs.unlink ?? nodeStoreFs.unlink!)(tmp).catch(() => undefined);
        continue; // deleted by retention meanwhile
      }
      await (this.fs.rename ?? nodeStoreFs.rename!)(tmp, packedPath);
      await this.syncDir();
      // From here reads open the compressed file; a handle on the plain one is closed once idle.
      const old = this.handles.get(segment);
      this.handles.delete(segment);
      this.compressed.set(segment, index);
      this.diskSizes.set(segment, diskBytes);
      this.bytes += diskBytes - bytes;
      if (old) void this.closeWhenIdle(old);
      await (this.fs.unlink ?? nodeStoreFs.unlink!)(plain).catch(() => undefined);
      done++;
    }
    return { done, more: false };
  }

  private async closeWhenIdle(handle: ReadHandle): Promise<void> {
    while (handle.users > 0) await new Promise((r) => setTimeout(r, 10));
    await handle.file.then((f) => f.close()).catch(() => undefined);
  }

  /**
   * Appends records; resolves with their locations after the fdatasync that covers them.
   * A write or sync failure rejects every caller of that batch with StoreUnavailableError.
   */
  append(records: readonly object[]): Promise<Location[]> {
    if (this.state !== 'open') return Promise.reject(new StoreUnavailableError(new Error('the event log is not open')));
    if (records.length === 0) return Promise.resolve([]);
    let buf: Buffer;
    let lengths: number[];
    try {
      // Each record is serialized once and encoded once, straight into the buffer written
      // (no joined copy of the lines in between).
      const texts = records.map((r) => JSON.stringify(r));
      lengths = texts.map((t) => Buffer.byteLength(t, 'utf8'));
      buf = Buffer.allocUnsafe(lengths.reduce((sum, n) => sum + n + 1, 0));
      let at = 0;
      for (const text of texts) {
        at += buf.write(text, at, 'utf8');
        buf[at++] = 0x0a;
      }
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise<Location[]>((resolve, reject) => {
      this.pending.push({ buf, lengths, bytes: buf.length, resolve, reject });
      this.pendingRecords += lengths.length;
      this.schedule();
    });
  }

  /** Reads one record back by positional read of its byte range. */
  read(location: Location): Promise<Record<string, unknown>> {
    if (this.state !== 'open' && this.state !== 'closing') return Promise.reject(new StoreUnavailableError(new Error('the event log is closed')));
    const p = this.readAt(location);
    this.reads.add(p);
    const done = () => void this.reads.delete(p);
    p.then(done, done);
    return p;
  }

  onFsync(listener: (seconds: number) => void): void {
    this.fsyncListeners.push(listener);
  }

  /** Called after a segment was sealed (a new one started): the time to compress it. */
  onSealed(listener: () => void): void {
    this.sealedListeners.push(listener);
  }

  get queueDepth(): number {
    return this.pendingRecords + this.inFlightRecords;
  }

  stats(): SegmentLogStats {
    return { queueDepth: this.queueDepth, bytes: this.bytes, segments: this.segments, tornLinesDiscarded: this.torn, corruptLinesSkipped: this.corrupt };
  }

  /** Commits what is pending, waits for reads, closes files. Idempotent; appends after it reject. */
  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    if (wasOpen) {
      if (this.scheduled) this.scheduled.run(); // don't sit out a commit delay
      if (this.flushing || this.pending.length) await new Promise<void>((r) => this.idleWaiters.push(r));
      await Promise.allSettled([...this.reads]);
    }
    const files = await Promise.allSettled([...this.handles.values()].map((h) => h.file));
    this.handles.clear();
    this.writer = null;
    await Promise.allSettled(files.map((f) => (f.status === 'fulfilled' ? f.value.close() : undefined)));
    this.state = 'closed';
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    const run = () => {
      if (this.scheduled !== handle) return;
      handle.cancel();
      this.scheduled = null;
      void this.drain();
    };
    let cancel: () => void;
    if (this.delayMs > 0) {
      const t = setTimeout(run, this.delayMs);
      cancel = () => clearTimeout(t);
    } else {
      const i = setImmediate(run);
      cancel = () => clearImmediate(i);
    }
    const handle = { cancel, run };
    this.scheduled = handle;
  }

  /** Commits batches until nothing is pending; records arriving meanwhile join the next batch. */
  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length) await this.commit(this.takeBatch());
    } finally {
      this.flushing = false;
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** Takes whole callers (never splits one) so that a batch fits in one segment. */
  private takeBatch(): { waiters: Waiter[]; rotate: boolean } {
    const rotate = this.committed > 0 && this.committed + this.pending[0].bytes > this.maxBytes;
    const room = this.maxBytes - (rotate ? 0 : this.committed);
    let bytes = 0;
    let n = 0;
    while (n < this.pending.length && (n === 0 || bytes + this.pending[n].bytes <= room)) bytes += this.pending[n++].bytes;
    const waiters = this.pending.splice(0, n);
    const records = waiters.reduce((c, w) => c + w.lengths.length, 0);
    this.pendingRecords -= records;
    this.inFlightRecords += records;
    return { waiters, rotate };
  }

  private async commit({ waiters, rotate }: { waiters: Waiter[]; rotate: boolean }): Promise<void> {
    const records = waiters.reduce((c, w) => c + w.lengths.length, 0);
    try {
      if (rotate) {
        await this.startSegment();
        for (const listener of this.sealedListeners) listener();
      }
      if (this.needsDirSync) await this.syncDir();
      const writer = this.writer!;
      if (this.needsTruncate) {
        await writer.truncate(this.committed);
        this.needsTruncate = false;
      }
      const buf = waiters.length === 1 ? waiters[0].buf : Buffer.concat(waiters.map((w) => w.buf));
      const start = this.committed;
      try {
        await writeFully(writer, buf, start);
        const t0 = process.hrtime.bigint();
        await writer.datasync();
        this.emitFsync(Number(process.hrtime.bigint() - t0) / 1e9);
      } catch (err) {
        // Leave no half record behind; if even the truncate fails, retry it before the next write.
        this.needsTruncate = true;
        await writer.truncate(start).then(() => (this.needsTruncate = false), () => undefined);
        throw err;
      }
      this.committed += buf.length;
      this.bytes += buf.length;
      this.sizes.set(this.current, this.committed);
      let offset = start;
      for (const w of waiters) {
        const locations = w.lengths.map((length) => {
          const loc = { segment: this.current, offset, length };
          offset += length + 1;
          return loc;
        });
        w.resolve(locations);
      }
    } catch (err) {
      const failure = new StoreUnavailableError(err);
      for (const w of waiters) w.reject(failure);
    } finally {
      this.inFlightRecords -= records;
    }
  }

  private emitFsync(seconds: number): void {
    for (const listener of this.fsyncListeners) {
      try {
        listener(seconds);
      } catch {
        // A metrics listener must never fail a commit.
      }
    }
  }

  /** Creates the next segment and makes it the one written. */
  private async startSegment(): Promise<void> {
    const next = this.current + 1;
    const file = await this.fs.open(this.path(next), 'wx+', 0o600);
    this.current = next;
    this.writer = file;
    this.committed = 0;
    this.needsTruncate = false;
    this.segments++;
    this.sizes.set(next, 0);
    this.remember(next, file);
    this.needsDirSync = true;
    await this.syncDir();
  }

  /** fsync of the directory makes a new segment's name durable, not only its content. */
  private async syncDir(): Promise<void> {
    const dir = await this.fs.open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.needsDirSync = false;
  }

  private remember(segment: number, file: StoreFile): void {
    this.handles.set(segment, { file: Promise.resolve(file), users: 0 });
    this.evict();
  }

  private async readAt(loc: Location): Promise<Record<string, unknown>> {
    const record = parseRecord(await this.readBytes(loc));
    if (!record) throw new Error(`segment ${loc.segment}: unreadable record at ${loc.offset}`);
    return record;
  }

  /** Logical bytes [offset, offset + length) of a segment, through the kept read handles (many reads of one segment open it once). */
  readSpan(segment: number, offset: number, length: number): Promise<Buffer> {
    if (this.state !== 'open' && this.state !== 'closing') return Promise.reject(new StoreUnavailableError(new Error('the event log is closed')));
    const p = this.readBytes({ segment, offset, length });
    this.reads.add(p);
    const done = () => void this.reads.delete(p);
    p.then(done, done);
    return p;
  }

  private async readBytes(loc: Location): Promise<Buffer> {
    let handle = this.handles.get(loc.segment);
    if (handle) this.handles.delete(loc.segment);
    else handle = { file: this.fs.open(this.path(loc.segment), 'r'), users: 0, packed: this.compressed.get(loc.segment) };
    this.handles.set(loc.segment, handle); // most recently used goes last
    handle.users++;
    try {
      let file: StoreFile;
      try {
        file = await handle.file;
      } catch (err) {
        // Don't cache a failed open: the next read tries again.
        if (this.handles.get(loc.segment) === handle) this.handles.delete(loc.segment);
        throw err;
      }
      if (handle.packed) return await readLogical(file, handle.packed, loc.segment, loc.offset, loc.length, this.blockCache);
      return await readFully(file, loc.offset, loc.length).catch((err: Error) => {
        throw new Error(`segment ${loc.segment}: ${err.message}`);
      });
    } finally {
      handle.users--;
      this.evict();
    }
  }

  /** Closes least recently used read handles beyond the cap (never the writer, never one in use). */
  private evict(): void {
    if (this.handles.size <= this.maxReadHandles) return;
    for (const [segment, handle] of this.handles) {
      if (this.handles.size <= this.maxReadHandles) break;
      if (segment === this.current || handle.users > 0) continue;
      this.handles.delete(segment);
      void handle.file.then((f) => f.close()).catch(() => undefined);
    }
  }
}
