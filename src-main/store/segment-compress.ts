// Sealed segments, compressed: a segment that is no longer written is rewritten as
// independently deflated blocks of whole lines plus a block index, so that a record is still
// read by its logical (uncompressed) location with one block read and inflate. Locations in
// every index stay valid; JSON lines of similar records shrink several times over.
//
// File `000001.jsonz`: blocks (raw deflate, each of whole lines, about SEGMENT_BLOCK_BYTES
// before compression) | index: per block f64 logical start, f64 file offset | u32 block count |
// f64 logical size | "SYSEGZ1\n" (little-endian).
import { promisify } from 'node:util';
import { constants, deflateRaw as deflateRawCb, inflateRaw as inflateRawCb } from 'node:zlib';
import { SEGMENT_BLOCK_BYTES } from '../limits';
import { PacedWriter, readFully, type StoreFile } from './store-fs';

const deflateRaw = promisify(deflateRawCb);
const inflateRaw = promisify(inflateRawCb);

const MAGIC = Buffer.from('SYSEGZ1\n', 'latin1');
const TRAILER = 4 + 8 + MAGIC.length;

export interface BlockIndex {
  /** Logical offset each block starts at, ascending. */
  starts: Float64Array;
  /** File offset of each block; one more entry: where the index starts. */
  offsets: Float64Array;
  /** Bytes of the uncompressed segment. */
  logicalSize: number;
}

/** Blocks read, deflated (in parallel on the thread pool) and written per step. */
const BLOCKS_PER_STEP = 64;
/**
 * Deflates in flight at once: as many as the thread pool runs (4 by default). Each holds about
 * 300 KB of zlib state until it ends; all 64 of a step at once held about 20 MB.
 */
const DEFLATES_AT_ONCE = 4;

/** Whole-line blocks of about SEGMENT_BLOCK_BYTES from `chunk`; the unfinished last line is left over. */
function cutBlocks(chunk: Buffer, final: boolean): { blocks: Buffer[]; rest: Buffer } {
  const blocks: Buffer[] = [];
  let from = 0;
  while (from < chunk.length) {
    const limit = Math.min(chunk.length, from + SEGMENT_BLOCK_BYTES);
    let cut = chunk.lastIndexOf(0x0a, limit - 1) + 1;
    if (cut <= from) {
      // A line longer than a block makes a block of its own.
      const nl = chunk.indexOf(0x0a, limit);
      cut = nl === -1 ? (final ? chunk.length : from) : nl + 1;
      if (cut === from) break;
    }
    blocks.push(chunk.subarray(from, cut));
    from = cut;
  }
  return { blocks, rest: chunk.subarray(from) };
}

/**
 * Writes the compressed form of the first `size` bytes of `src` (whole lines) to `dst` and
 * syncs it. A step reads many blocks at once and deflates them in parallel on the thread
 * pool: few turns of a busy event loop per segment, and the loop itself stays free.
 */
export async function compressSegment(src: StoreFile, size: number, dst: StoreFile): Promise<{ diskBytes: number; blocks: number }> {
  const starts: number[] = [];
  const offsets: number[] = [];
  let logical = 0;
  let read = 0;
  let out = 0;
  let carry: Buffer = Buffer.alloc(0);
  const writer = new PacedWriter(dst);
  while (read < size || carry.length > 0) {
    const want = Math.min(SEGMENT_BLOCK_BYTES * BLOCKS_PER_STEP, size - read);
    const fresh = want > 0 ? await readFully(src, read, want) : Buffer.alloc(0);
    read += want;
    const { blocks, rest } = cutBlocks(carry.length ? Buffer.concat([carry, fresh]) : fresh, read >= size);
    // The fastest level: JSON lines of similar records still shrink about 8× and compression keeps up with ingest.
    const packed: Buffer[] = [];
    for (let i = 0; i < blocks.length; i += DEFLATES_AT_ONCE) {
      packed.push(...(await Promise.all(blocks.slice(i, i + DEFLATES_AT_ONCE).map((b) => deflateRaw(b, { level: constants.Z_BEST_SPEED })))));
    }
    blocks.forEach((b, k) => {
      starts.push(logical);
      offsets.push(out + packed.slice(0, k).reduce((n, p) => n + p.length, 0));
      logical += b.length;
    });
    const joined = Buffer.concat(packed);
    await writer.write(joined, out);
    out += joined.length;
    carry = Buffer.from(rest);
    if (blocks.length === 0 && read >= size) break;
  }
  const index = Buffer.alloc(starts.length * 16 + TRAILER);
  starts.forEach((s, i) => {
    index.writeDoubleLE(s, i * 16);
    index.writeDoubleLE(offsets[i], i * 16 + 8);
  });
  index.writeUInt32LE(starts.length, starts.length * 16);
  index.writeDoubleLE(size, starts.length * 16 + 4);
  MAGIC.copy(index, starts.length * 16 + 12);
  await writer.write(index, out);
  await dst.sync();
  return { diskBytes: out + index.length, blocks: starts.length };
}

/** Reads a compressed segment's block index; throws when the file is not one (or torn). */
export async function readBlockIndex(file: StoreFile, fileSize: number): Promise<BlockIndex> {
  if (fileSize < TRAILER) throw new Error('not a compressed segment');
  const tail = await readFully(file, fileSize - TRAILER, TRAILER);
  if (!tail.subarray(12).equals(MAGIC)) throw new Error('not a compressed segment');
  const count = tail.readUInt32LE(0);
  const logicalSize = tail.readDoubleLE(4);
  const indexAt = fileSize - TRAILER - count * 16;
  if (indexAt < 0) throw new Error('bad block index');
  const raw = await readFully(file, indexAt, count * 16);
  const starts = new Float64Array(count);
  const offsets = new Float64Array(count + 1);
  for (let i = 0; i < count; i++) {
    starts[i] = raw.readDoubleLE(i * 16);
    offsets[i] = raw.readDoubleLE(i * 16 + 8);
  }
  offsets[count] = indexAt;
  return { starts, offsets, logicalSize };
}

/** The block holding logical offset `pos`. */
function blockOf(index: BlockIndex, pos: number): number {
  let lo = 0;
  let hi = index.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (index.starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Recently inflated blocks (listing a page reads neighbours): a few per store. */
export class BlockCache {
  private readonly blocks = new Map<string, Buffer>();
  constructor(private readonly max = 8) {}
  get(key: string): Buffer | undefined {
    const b = this.blocks.get(key);
    if (b) {
      this.blocks.delete(key);
      this.blocks.set(key, b);
    }
    return b;
  }
  set(key: string, b: Buffer): void {
    this.blocks.set(key, b);
    if (this.blocks.size > this.max) this.blocks.delete(this.blocks.keys().next().value!);
  }
  forget(prefix: string): void {
    for (const k of [...this.blocks.keys()]) if (k.startsWith(prefix)) this.blocks.delete(k);
  }
}

export async function inflateBlock(file: StoreFile, index: BlockIndex, block: number): Promise<Buffer> {
  const at = index.offsets[block];
  return inflateRaw(await readFully(file, at, index.offsets[block + 1] - at));
}

/** The logical bytes [pos, pos + length) of a compressed segment. */
export async function readLogical(file: StoreFile, index: BlockIndex, segment: number, pos: number, length: number, cache: BlockCache): Promise<Buffer> {
  const parts: Buffer[] = [];
  let at = pos;
  const end = pos + length;
  while (at < end) {
    const block = blockOf(index, at);
    const key = `${segment}:${block}`;
    let data = cache.get(key);
    if (!data) cache.set(key, (data = await inflateBlock(file, index, block)));
    const start = index.starts[block];
    const piece = data.subarray(at - start, Math.min(data.length, end - start));
    if (piece.length === 0) throw new Error(`segment ${segment}: read past its end at ${at}`);
    parts.push(piece);
    at += piece.length;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** Every line of a compressed segment with its logical offset and length, block by block. */
export async function* compressedLines(file: StoreFile, index: BlockIndex): AsyncGenerator<{ line: Buffer; offset: number }> {
  for (let b = 0; b < index.starts.length; b++) {
    const data = await inflateBlock(file, index, b);
    let from = 0;
    for (let nl = data.indexOf(0x0a, from); nl !== -1; nl = data.indexOf(0x0a, from)) {
      yield { line: data.subarray(from, nl), offset: index.starts[b] + from };
      from = nl + 1;
    }
  }
}
