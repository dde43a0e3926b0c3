// Index snapshot (checkpoint): the event index, the latest state records and the dedup
// keys as of a log position, so that opening the store reads one file and replays only the
// log written after it instead of every segment.
//
// File `events/index.snap`, written to a temp file, fsynced, renamed, directory fsynced:
//   "SYSNAP2\n" | u32 meta length | meta JSON | id words (16 bytes per event) | received_at
//   (f64 per event) | columns (1, 2 or 4 bytes per event each, widths in the meta) | sha256 of all before
// (all little-endian). About 60 bytes per event.
// The meta names every segment the snapshot covers with the bytes covered and a sha256 of
// the last SNAPSHOT_TAIL_BYTES before that point; on open each is checked against the
// segment on disk (a sealed segment must be exactly that long, the last one at least) and a
// snapshot that does not match, or is torn, is discarded: the store then replays everything.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { COLUMNS, type IndexImage, type UintArray } from './event-index';
import { nodeStoreFs, type StoreFile, type StoreFs } from './segment-log';

export const SNAPSHOT_FILE = 'index.snap';
const MAGIC = Buffer.from('SYSNAP2\n', 'latin1');
export const SNAPSHOT_TAIL_BYTES = 4096;
/** Bytes hashed and written per step of a snapshot write (the event loop runs between steps). */
const SNAPSHOT_WRITE_CHUNK = 4 * 1024 * 1024;
/** Rows of room the decoded columns get, so the index adopts them without copying. */
const SNAPSHOT_HEADROOM_ROWS = 65_536;
const HASH_BYTES = 32;

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
  otherIds: [number, string][];
  widths: number[];
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

function bytesOf(a: UintArray | Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Serializes a snapshot (all but the checksum trailer, which writeSnapshot adds as it writes). */
export function encodeSnapshot(s: Snapshot): Buffer[] {
  const meta: Meta = {
    version: 1, covered: s.covered, eventSchema: s.eventSchema, base: s.index.base, count: s.index.count, otherIds: s.index.otherIds,
    widths: COLUMNS.map((c) => s.index.columns[c].BYTES_PER_ELEMENT), dicts: s.index.dicts, receivedExact: s.index.receivedExact, state: s.state, dedup: s.dedup, skipped: s.skipped, corrupt: s.corrupt,
  };
  const metaBuf = Buffer.from(JSON.stringify(meta), 'utf8');
  const parts = [MAGIC, u32(metaBuf.length), metaBuf];
  // Columns are copied: the live index keeps changing while the file is written.
  parts.push(Buffer.from(bytesOf(s.index.idWords)));
  parts.push(Buffer.from(bytesOf(s.index.received)));
  for (const c of COLUMNS) parts.push(Buffer.from(bytesOf(s.index.columns[c])));
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
  if (!Array.isArray(meta.widths) || meta.widths.length !== COLUMNS.length || meta.widths.some((w) => w !== 1 && w !== 2 && w !== 4)) throw new Error('bad column widths');
  const expect = pos + n * 16 + n * 8 + meta.widths.reduce((t, w) => t + w * n, 0);
  if (expect !== body.length) throw new Error('wrong length');
  // Copied into aligned typed arrays (offsets in the file are not aligned), with room to grow:
  // the index adopts them as they are (views of the first n rows of larger buffers).
  const cap = n + SNAPSHOT_HEADROOM_ROWS;
  const idWords = new Uint32Array(cap * 4).subarray(0, n * 4);
  bytesOf(idWords).set(buf.subarray(pos, pos + n * 16));
  pos += n * 16;
  const received = new Float64Array(cap).subarray(0, n);
  bytesOf(received).set(buf.subarray(pos, pos + n * 8));
  pos += n * 8;
  const columns = {} as IndexImage['columns'];
  COLUMNS.forEach((c, i) => {
    const w = meta.widths[i];
    const col = (w === 1 ? new Uint8Array(cap) : w === 2 ? new Uint16Array(cap) : new Uint32Array(cap)).subarray(0, n);
    bytesOf(col).set(buf.subarray(pos, pos + n * w));
    pos += n * w;
    columns[c] = col;
  });
  return {
    covered: meta.covered,
    eventSchema: meta.eventSchema,
    index: { base: meta.base, count: n, idWords, otherIds: meta.otherIds, dicts: meta.dicts, receivedExact: meta.receivedExact, received, columns },
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
    // One buffer of the file's size (no chunk list to concatenate: the file can be ~60 MB per million events).
    const size = (await (fs.stat ?? nodeStoreFs.stat!)(path)).size;
    const buf = Buffer.allocUnsafe(size);
    let pos = 0;
    while (pos < size) {
      const { bytesRead } = await file.read(buf, pos, Math.min(size - pos, 16 * 1024 * 1024), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
    }
    return buf.subarray(0, pos);
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
  // Hashed piece by piece between writes, so a large index never blocks the event loop for the whole sum.
  const hash = createHash('sha256');
  try {
    const put = async (p: Buffer) => {
      let done = 0;
      while (done < p.length) {
        const { bytesWritten } = await file.write(p, done, p.length - done, bytes + done);
        if (bytesWritten <= 0) throw new Error('write made no progress');
        done += bytesWritten;
      }
      bytes += p.length;
    };
    for (const part of parts) {
      for (let at = 0; at < part.length; at += SNAPSHOT_WRITE_CHUNK) {
        const chunk = part.subarray(at, at + SNAPSHOT_WRITE_CHUNK);
        hash.update(chunk);
        await put(chunk);
      }
    }
    await put(hash.digest());
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
