// Index snapshot (checkpoint): the event index, where every state record is (live ones with
// their data) and the dedup
// keys as of a log position, so that opening the store reads one file and replays only the
// log written after it instead of every segment.
//
// File `events/index.snap`, written to a temp file (synced every megabyte: see PacedWriter),
// fsynced, renamed, directory fsynced:
//   "SYSNAP4\n" | event id words (16 bytes per event) | received_at (f64 per event) | event
//   columns (1, 2 or 4 bytes per event each, widths in the meta) | per state kind: id words,
//   columns (event and alert id hashes among them), lookup entries | live records (JSON lines) | dedup keys (JSON lines) |
//   meta JSON | u32 meta length | sha256 of all before
// (all little-endian). About 60 bytes per event and 45 per state record, plus live records' JSON.
// No part is one string or buffer the size of the store: the JSON sections are written in
// pieces, and loading reads the file in order in bounded steps (columns straight into the
// index's chunks, sections parsed step by step, the checksum summed as it goes).
// The meta names every segment the snapshot covers with the bytes covered and a sha256 of
// the last SNAPSHOT_TAIL_BYTES before that point; on open each is checked against the
// segment on disk (a sealed segment must be exactly that long, the last one at least) and a
// snapshot that does not match, or is torn, is discarded: the store then replays everything.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CHUNK_ROWS, type UintArray } from './chunked';
import { COLUMNS, type IndexImage } from './event-index';
import { STATE_COLUMNS, type KindImage, type StateKeys } from './state-index';
import { BACKGROUND_SYNC_BYTES, nodeStoreFs, PacedWriter, readFully, readInto, writeFully, type RangeReader, type StoreFile, type StoreFs } from './store-fs';

export const SNAPSHOT_FILE = 'index.snap';
const MAGIC = Buffer.from('SYSNAP4\n', 'latin1');
export const SNAPSHOT_TAIL_BYTES = 4096;
/** Bytes hashed and written per step of a snapshot write (the event loop runs between steps; each is synced: see PacedWriter). */
const SNAPSHOT_WRITE_CHUNK = BACKGROUND_SYNC_BYTES;
/** Bytes of JSON lines stringified per step: 4 MB of them took 60–70 ms of one turn at a million events. */
const SNAPSHOT_JSON_CHUNK = 1024 * 1024;
/** Bytes read per step when a snapshot is loaded: all it holds besides the decoded index. */
export const SNAPSHOT_READ_CHUNK = 4 * 1024 * 1024;
const HASH_BYTES = 32;

/** A segment as far as the snapshot covers it. */
export interface CoveredSegment {
  segment: number;
  bytes: number;
  /** sha256 (hex) of the SNAPSHOT_TAIL_BYTES (or fewer) bytes before `bytes`. */
  tail: string;
}

export interface Snapshot {
  covered: CoveredSegment[];
  /** Event format (newest event migration) the index was built with: summaries are migrated. */
  eventSchema: number;
  index: IndexImage;
  /** Where every state record is, and the live ones' data. */
  state: KindImage[];
  /** [organization, dedup_key, event id] */
  dedup: [string, string, string][];
  /** Lines skipped as corrupt or not events in the covered part. */
  skipped: number;
  corrupt: number;
}

interface KindMeta {
  kind: string;
  count: number;
  otherIds: [number, string][];
  dicts: KindImage['dicts'];
  widths: number[];
  /** Lookup entries (hash, row) after the columns. */
  lookups: number;
  companion: string | null;
}

interface Meta {
  version: 2;
  covered: CoveredSegment[];
  eventSchema: number;
  base: number;
  count: number;
  widths: number[];
  kinds: KindMeta[];
  /** Bytes of each JSON-lines section after the columns, in order (SECTIONS). */
  sections: number[];
  skipped: number;
  corrupt: number;
}

/** sha256 of the (logical) bytes [max(0, end - SNAPSHOT_TAIL_BYTES), end) of a segment. */
export async function tailHash(read: RangeReader, end: number): Promise<string> {
  const start = Math.max(0, end - SNAPSHOT_TAIL_BYTES);
  return createHash('sha256').update(await read(start, end - start)).digest('hex');
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function bytesOf(a: UintArray | Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** A column's width in bytes, from its pieces (any width will do for no rows). */
const widthOf = (pieces: readonly UintArray[]): number => pieces[0]?.BYTES_PER_ELEMENT ?? 1;

/**
 * Lines of JSON, one value each, in buffers of about SNAPSHOT_JSON_CHUNK: no single string
 * holds them all (a million records would pass V8's string limit), and the event loop runs
 * between buffers while the file is written.
 */
function* jsonLines(values: Iterable<unknown>): Generator<Buffer> {
  let lines: string[] = [];
  let size = 0;
  for (const v of values) {
    const line = JSON.stringify(v);
    lines.push(line);
    size += line.length + 1;
    if (size >= SNAPSHOT_JSON_CHUNK) {
      yield Buffer.from(`${lines.join('\n')}\n`, 'utf8');
      lines = [];
      size = 0;
    }
  }
  if (lines.length) yield Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/**
 * Serializes a snapshot (all but the checksum trailer, which writeSnapshot adds as it writes).
 * Columns are written from the live index, a chunk at a time, not copied whole (at a million
 * rows a copy would double the index in memory and stall the event loop): a row that changes
 * meanwhile changes through a record after the covered position, which the next start replays
 * again, so either value is right. The JSON sections are built lazily, piece by piece as the
 * file is written, from values captured now (records are replaced, never mutated). The meta
 * comes last, when the sections' sizes are known.
 */
export function* encodeSnapshot(s: Snapshot): Generator<Buffer> {
  const columns: Buffer[] = [...s.index.idWords.map(bytesOf), ...s.index.received.map(bytesOf)];
  for (const c of COLUMNS) columns.push(...s.index.columns[c].map(bytesOf));
  const kinds: KindMeta[] = [];
  for (const k of s.state) {
    kinds.push({ kind: k.kind, count: k.count, otherIds: k.otherIds, dicts: { org: [...k.dicts.org], status: [...k.dicts.status], group: [...k.dicts.group] }, widths: STATE_COLUMNS.map((c) => widthOf(k.columns[c])), lookups: k.lookupHashes.length, companion: k.companion });
    columns.push(...k.idWords.map(bytesOf));
    for (const c of STATE_COLUMNS) columns.push(...k.columns[c].map(bytesOf));
    columns.push(bytesOf(k.lookupHashes), bytesOf(k.lookupRows));
  }
  // Arrays that grow with the store (titles, ids, live records) go in JSON-lines sections, written in pieces.
  const dictNames = Object.keys(s.index.dicts) as (keyof IndexImage['dicts'])[];
  const dicts = dictNames.map((d) => s.index.dicts[d].slice());
  const sections: Iterable<unknown>[] = [
    (function* () {
      for (let i = 0; i < s.state.length; i++) for (const l of s.state[i].live) yield [i, ...l];
    })(),
    s.dedup,
    s.index.otherIds,
    s.index.receivedExact,
    [dictNames],
    ...dicts,
  ];
  yield MAGIC;
  yield* columns;
  const sizes: number[] = [];
  for (const section of sections) {
    let bytes = 0;
    for (const part of jsonLines(section)) {
      bytes += part.length;
      yield part;
    }
    sizes.push(bytes);
  }
  const meta: Meta = {
    version: 2, covered: s.covered, eventSchema: s.eventSchema, base: s.index.base, count: s.index.count,
    widths: COLUMNS.map((c) => widthOf(s.index.columns[c])), kinds, sections: sizes, skipped: s.skipped, corrupt: s.corrupt,
  };
  const metaBuf = Buffer.from(JSON.stringify(meta), 'utf8');
  yield metaBuf;
  yield u32(metaBuf.length);
}

/**
 * Reads a snapshot's bytes before the checksum trailer front to back, in steps of at most
 * `chunk` bytes, hashing each byte as it is read: columns go straight into their final typed
 * arrays and JSON-lines sections are parsed step by step, so loading holds the decoded index
 * plus one step, never the whole file (hundreds of MB at a million events).
 */
class BodyReader {
  /** Bytes read (and hashed) so far, from the start of the file. */
  pos = 0;
  /** Where the columns and sections end (the meta's offset); set once the meta is read. */
  limit = 0;
  /** The disk failed (not the snapshot's bytes): that error is the problem reported. */
  ioFailed = false;
  private readonly hash = createHash('sha256');
  private readonly chunk: number;
  private readonly scratch: Buffer;

  constructor(private readonly file: StoreFile, readonly end: number, chunk: number) {
    this.chunk = Math.max(1, Math.floor(chunk) || 1);
    this.scratch = Buffer.allocUnsafe(Math.min(this.chunk, end));
  }

  /** Bytes out of order (the trailer, the meta), not hashed: the pass in order hashes them too. */
  async peek(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    await this.io(buf, position);
    return buf;
  }

  private async io(dst: Uint8Array, position: number): Promise<void> {
    try {
      await readInto(this.file, dst, position);
    } catch (err) {
      this.ioFailed = true;
      throw err;
    }
  }

  /** The next piece in order (at most one step), into `dst`. */
  private async next(dst: Uint8Array): Promise<void> {
    await this.io(dst, this.pos);
    this.hash.update(dst);
    this.pos += dst.length;
  }

  /** Fills `dst` with the next dst.length bytes, a step at a time. */
  async into(dst: Uint8Array): Promise<void> {
    if (this.pos + dst.length > this.limit) throw new Error('wrong length');
    for (let at = 0; at < dst.length; at += this.chunk) await this.next(dst.subarray(at, Math.min(dst.length, at + this.chunk)));
  }

  /** A column of n values of `width` bytes, read into an aligned array. */
  async uints(width: number, n: number): Promise<UintArray> {
    const [piece] = await this.rows(width, n, 1, Math.max(1, n));
    return (piece ?? new Uint32Array(0)) as UintArray;
  }

  /**
   * n rows of `perRow` values of `width` bytes (8: f64), in pieces of `chunkRows` rows, each
   * read into an aligned array of a whole chunk (the index adopts them as its chunks).
   */
  async rows(width: number, n: number, perRow = 1, chunkRows = CHUNK_ROWS): Promise<(UintArray | Float64Array)[]> {
    if (width !== 1 && width !== 2 && width !== 4 && width !== 8) throw new Error('bad column widths');
    // Checked before allocating: a damaged meta's count is caught here, not by a huge allocation.
    if (!Number.isSafeInteger(n) || n < 0 || this.pos + n * perRow * width > this.limit) throw new Error('wrong length');
    const pieces: (UintArray | Float64Array)[] = [];
    for (let done = 0; done < n; done += chunkRows) {
      const size = chunkRows * perRow;
      const chunk = width === 1 ? new Uint8Array(size) : width === 2 ? new Uint16Array(size) : width === 4 ? new Uint32Array(size) : new Float64Array(size);
      const piece = chunk.subarray(0, Math.min(chunkRows, n - done) * perRow);
      await this.into(bytesOf(piece));
      pieces.push(piece);
    }
    return pieces;
  }

  /** Calls `each` with every line of a JSON-lines section of `bytes` (lines may span steps). */
  async lines(bytes: number, each: (value: unknown) => void): Promise<void> {
    if (!Number.isSafeInteger(bytes) || bytes < 0 || this.pos + bytes > this.limit) throw new Error('wrong length');
    // The start of a line whose end is in a later step (copied: the scratch buffer is reused).
    let carry: Buffer[] = [];
    for (let left = bytes; left > 0; ) {
      const piece = this.scratch.subarray(0, Math.min(left, this.scratch.length));
      await this.next(piece);
      left -= piece.length;
      let from = 0;
      for (let nl = piece.indexOf(0x0a); nl !== -1; nl = piece.indexOf(0x0a, from)) {
        const text = carry.length ? Buffer.concat([...carry, piece.subarray(from, nl)]).toString('utf8') : piece.toString('utf8', from, nl);
        carry = [];
        each(JSON.parse(text));
        from = nl + 1;
      }
      if (from < piece.length) carry.push(Buffer.from(piece.subarray(from)));
    }
    if (carry.length) throw new Error('torn JSON section');
  }

  /** Reads (and hashes) the rest, up to `end`; then the sha256 of every byte before it. */
  async digest(): Promise<Buffer> {
    while (this.pos < this.end) await this.next(this.scratch.subarray(0, Math.min(this.end - this.pos, this.scratch.length)));
    return this.hash.digest();
  }
}

/** Parses the columns and sections (the meta first); throws with the reason when they do not add up. */
async function decodeBody(r: BodyReader, metaLen: number): Promise<Snapshot> {
  const metaAt = r.end - 4 - metaLen;
  if (metaAt < MAGIC.length) throw new Error('wrong length');
  const meta = JSON.parse((await r.peek(metaAt, metaLen)).toString('utf8')) as Meta;
  r.limit = metaAt;
  await r.into(Buffer.allocUnsafe(MAGIC.length)); // checked already; read again to be hashed in order
  if (meta.version !== 2) throw new Error(`unknown snapshot version ${String(meta.version)}`);
  const n = meta.count;
  if (!Array.isArray(meta.widths) || meta.widths.length !== COLUMNS.length) throw new Error('bad column widths');
  // Read into aligned typed arrays (offsets in the file are not aligned), a chunk of rows
  // each: the index adopts them as its chunks.
  const idWords = (await r.rows(4, n, 4)) as Uint32Array[];
  const received = (await r.rows(8, n)) as Float64Array[];
  const columns = {} as IndexImage['columns'];
  for (const [i, c] of COLUMNS.entries()) columns[c] = (await r.rows(meta.widths[i], n)) as UintArray[];
  const state: KindImage[] = [];
  for (const k of meta.kinds) {
    const kidWords = (await r.rows(4, k.count, 4)) as Uint32Array[];
    const cols = {} as KindImage['columns'];
    for (const [i, c] of STATE_COLUMNS.entries()) cols[c] = (await r.rows(k.widths[i], k.count)) as UintArray[];
    if (!Number.isInteger(k.lookups) || k.lookups < 0) throw new Error('bad lookup entries');
    const lookupHashes = (await r.uints(4, k.lookups)) as Uint32Array;
    const lookupRows = (await r.uints(4, k.lookups)) as Uint32Array;
    state.push({ kind: k.kind, count: k.count, idWords: kidWords, otherIds: k.otherIds, dicts: k.dicts, columns: cols, companion: typeof k.companion === 'string' ? k.companion : null, lookupHashes, lookupRows, live: [] });
  }
  if (!Array.isArray(meta.sections) || meta.sections.length < 5) throw new Error('bad sections');
  const [liveBytes, dedupBytes, otherBytes, exactBytes, namesBytes, ...dictBytes] = meta.sections;
  await r.lines(liveBytes, (line) => {
    const [i, row, data, keys] = line as [number, number, unknown, StateKeys?];
    const k = state[i];
    if (!k || !Number.isInteger(row) || row < 0 || row >= k.count) throw new Error('bad live record');
    k.live.push(keys ? [row, data, keys] : [row, data]);
  });
  const all = async <T>(bytes: number): Promise<T[]> => {
    const values: T[] = [];
    await r.lines(bytes, (v) => values.push(v as T));
    return values;
  };
  const dedup = await all<[string, string, string]>(dedupBytes);
  const otherIds = await all<[number, string]>(otherBytes);
  const receivedExact = await all<[number, string]>(exactBytes);
  const [names] = await all<string[]>(namesBytes);
  if (!Array.isArray(names) || names.length !== dictBytes.length) throw new Error('bad dictionaries');
  const entries: [string, string[]][] = [];
  for (const [i, name] of names.entries()) entries.push([name, await all<string>(dictBytes[i])]);
  const dicts = Object.fromEntries(entries) as IndexImage['dicts'];
  if (r.pos !== metaAt) throw new Error('wrong length');
  return {
    covered: meta.covered,
    eventSchema: meta.eventSchema,
    index: { base: meta.base, count: n, idWords, otherIds, dicts, receivedExact, received, columns },
    state,
    dedup,
    skipped: meta.skipped,
    corrupt: meta.corrupt,
  };
}

/**
 * Parses and checksums a snapshot file of `size` bytes, reading at most `chunk` bytes at a
 * time; throws with the reason when it is torn or not one. The checksum covers every byte, so
 * whatever else went wrong, a damaged file reports 'checksum mismatch' (as when it was checked
 * first); only a file that sums right reports what does not add up in it.
 */
export async function decodeSnapshot(file: StoreFile, size: number, chunk = SNAPSHOT_READ_CHUNK): Promise<Snapshot> {
  if (size < MAGIC.length + 4 + HASH_BYTES || !(await readFully(file, 0, MAGIC.length)).equals(MAGIC)) throw new Error('not a snapshot');
  const r = new BodyReader(file, size - HASH_BYTES, chunk);
  const trailer = await r.peek(r.end - 4, 4 + HASH_BYTES);
  let snapshot: Snapshot | undefined;
  let problem: unknown;
  try {
    snapshot = await decodeBody(r, trailer.readUInt32LE(0));
  } catch (err) {
    if (r.ioFailed) throw err;
    problem = err;
  }
  if (!(await r.digest()).equals(trailer.subarray(4))) throw new Error('checksum mismatch (torn or damaged)');
  if (!snapshot) throw problem;
  return snapshot;
}

/** The snapshot in `dir`, or why there is none usable (absent, torn, unreadable). */
export async function readSnapshot(dir: string, fs: StoreFs = nodeStoreFs, chunk = SNAPSHOT_READ_CHUNK): Promise<{ snapshot?: Snapshot; problem?: string }> {
  const path = join(dir, SNAPSHOT_FILE);
  try {
    let file: StoreFile;
    try {
      file = await fs.open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { problem: 'none' };
      throw err;
    }
    try {
      const size = (await (fs.stat ?? nodeStoreFs.stat!)(path)).size;
      return { snapshot: await decodeSnapshot(file, size, chunk) };
    } finally {
      await file.close();
    }
  } catch (err) {
    return { problem: err instanceof Error ? err.message : String(err) };
  }
}

/** Writes a snapshot atomically: temp file, fsync, rename over the old one, fsync of the directory. */
export async function writeSnapshot(dir: string, parts: Iterable<Buffer>, fs: StoreFs = nodeStoreFs): Promise<number> {
  const tmp = join(dir, `${SNAPSHOT_FILE}.tmp`);
  const rename = fs.rename ?? nodeStoreFs.rename!;
  const file = await fs.open(tmp, 'w', 0o600);
  let bytes = 0;
  // Hashed piece by piece between writes, so a large index never blocks the event loop for the whole sum.
  const hash = createHash('sha256');
  try {
    const writer = new PacedWriter(file);
    // Parts (a column's chunks, JSON pieces) are copied into one staging buffer and written a
    // buffer at a time: columns are written from the live index, which may change while the
    // write waits, and the bytes hashed must be the bytes written.
    const stage = Buffer.allocUnsafe(SNAPSHOT_WRITE_CHUNK);
    let staged = 0;
    const flush = async () => {
      const chunk = stage.subarray(0, staged);
      hash.update(chunk);
      await writer.write(chunk, bytes);
      bytes += staged;
      staged = 0;
    };
    for (const part of parts) {
      for (let at = 0; at < part.length; ) {
        const n = part.copy(stage, staged, at, Math.min(part.length, at + stage.length - staged));
        staged += n;
        at += n;
        if (staged === stage.length) await flush();
      }
    }
    await flush();
    const digest = hash.digest();
    await writeFully(file, digest, bytes);
    bytes += digest.length;
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
