// The index's columns in fixed chunks of CHUNK_ROWS rows. A table grows by one chunk at a
// time: no array is copied to grow (a million-row copy blocked the event loop), and none is
// freed (freed arrays left holes the allocator kept resident: about 55 MB at 300k events).
// A chunk nobody has written anything but 0 into is one array of zeros shared by all.
// Snapshots store a column as its rows' bytes in order: images give them as pieces (one
// view per chunk), and a loaded column adopts chunk-sized pieces as its chunks.

export const CHUNK_SHIFT = 14;
export const CHUNK_ROWS = 1 << CHUNK_SHIFT;
export const CHUNK_MASK = CHUNK_ROWS - 1;
const MASK = CHUNK_MASK;

export type UintArray = Uint8Array | Uint16Array | Uint32Array;
export type Width = 1 | 2 | 4;

export function uintArray(width: Width, length: number): UintArray {
  return width === 1 ? new Uint8Array(length) : width === 2 ? new Uint16Array(length) : new Uint32Array(length);
}

/** Only zeros are ever in these (a chunk of its own is made before anything else is written). */
const ZERO: Record<Width, UintArray> = { 1: uintArray(1, CHUNK_ROWS), 2: uintArray(2, CHUNK_ROWS), 4: uintArray(4, CHUNK_ROWS) };
const MAX: Record<Width, number> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };

const isShared = (c: UintArray): boolean => c === ZERO[1] || c === ZERO[2] || c === ZERO[4];

/** The bytes of the widest zero chunk, to compare pieces with (a native memcmp, not a loop over values). */
const ZERO_BYTES = new Uint8Array(ZERO[4].buffer);

function allZero(a: UintArray): boolean {
  return Buffer.compare(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), ZERO_BYTES.subarray(0, a.byteLength)) === 0;
}

/** Views of the first `rows` rows of chunks (perRow values each), one per chunk. */
function piecesOf<T extends UintArray | Float64Array>(chunks: readonly T[], rows: number, perRow: number, zero: () => T): T[] {
  const out: T[] = [];
  for (let i = 0; i * CHUNK_ROWS < rows; i++) out.push((chunks[i] ?? zero()).subarray(0, Math.min(CHUNK_ROWS, rows - i * CHUNK_ROWS) * perRow) as T);
  return out;
}

/** A piece as a whole chunk: adopted when it is a view of all of one (of the right type), else copied into a new one. */
function asChunk<T extends UintArray | Float64Array>(piece: T, length: number, make: (n: number) => T): T {
  if (piece.constructor === make(0).constructor && piece.byteOffset === 0 && piece.buffer.byteLength === length * piece.BYTES_PER_ELEMENT) {
    return new (piece.constructor as new (b: ArrayBufferLike) => T)(piece.buffer);
  }
  const c = make(length);
  c.set(piece);
  return c;
}

/** A renumbering of rows: `moved` maps each of the first `count` old rows to its new row (-1 = gone; kept rows in order). */
export interface Renumbering {
  moved: Int32Array;
  count: number;
  /** Rows kept. */
  kept: number;
  /**
   * The runs of rows that move down, as flat (from, end, to) triples: rows [from, end) go to
   * start at `to`. A few per dropped row, none for the rows before the first one dropped;
   * found once, applied to every column.
   */
  runs: number[];
}

export function renumbering(moved: Int32Array, count: number): Renumbering {
  const runs: number[] = [];
  let row = 0;
  while (row < count && moved[row] === row) row++;
  let kept = row;
  while (row < count) {
    if (moved[row] < 0) {
      row++;
      continue;
    }
    const from = row;
    const to = moved[row];
    while (row < count && moved[row] === to + (row - from)) row++;
    runs.push(from, row, to);
    kept += row - from;
  }
  return { moved, count, kept, runs };
}

/**
 * A column of unsigned integers, one per row, as narrow as its values allow (at least
 * `minWidth` bytes): every chunk is widened when a value needs it. Rows never written read 0.
 */
export class Column {
  private chunks: UintArray[] = [];
  private w: Width;

  constructor(minWidth: Width = 1) {
    this.w = minWidth;
  }

  get width(): Width {
    return this.w;
  }

  get(row: number): number {
    const c = this.chunks[row >>> CHUNK_SHIFT];
    return c === undefined ? 0 : c[row & MASK];
  }

  set(row: number, v: number): void {
    const i = row >>> CHUNK_SHIFT;
    let c = this.chunks[i];
    if (c === undefined || c === ZERO[this.w]) {
      if (v === 0) return;
      c = this.own(i);
    }
    if (v > MAX[this.w]) {
      this.widen(v > 0xffff ? 4 : 2);
      c = this.chunks[i];
    }
    c[row & MASK] = v;
  }

  /** Chunk i as an array of its own (made, with the shared zeros before it, when it has none). */
  private own(i: number): UintArray {
    const c = this.chunks[i];
    if (c !== undefined && !isShared(c)) return c;
    while (this.chunks.length < i) this.chunks.push(ZERO[this.w]);
    return (this.chunks[i] = uintArray(this.w, CHUNK_ROWS));
  }

  private widen(width: Width): void {
    this.w = width;
    this.chunks = this.chunks.map((c) => {
      if (isShared(c)) return ZERO[width];
      const next = uintArray(width, CHUNK_ROWS);
      next.set(c);
      return next;
    });
  }

  /** Rows [from, end) copied to start at `to` (to < from: retention moving rows down). */
  copyWithin(to: number, from: number, end: number): void {
    while (from < end) {
      const n = Math.min(end - from, CHUNK_ROWS - (from & MASK), CHUNK_ROWS - (to & MASK));
      const src = this.chunks[from >>> CHUNK_SHIFT];
      const i = to >>> CHUNK_SHIFT;
      if (src === undefined || isShared(src)) {
        const dst = this.chunks[i];
        if (dst !== undefined && !isShared(dst)) dst.fill(0, to & MASK, (to & MASK) + n);
      } else {
        this.own(i).set(src.subarray(from & MASK, (from & MASK) + n), to & MASK);
      }
      from += n;
      to += n;
    }
  }

  /** Forgets rows from `rows` on (they read 0 again); chunks past them are freed. */
  truncate(rows: number): void {
    const keep = Math.ceil(rows / CHUNK_ROWS);
    this.chunks.length = Math.min(this.chunks.length, keep);
    const last = this.chunks[keep - 1];
    if (rows & MASK && last !== undefined && !isShared(last)) last.fill(0, rows & MASK);
  }

  /** The first `rows` rows, one view per chunk (what a snapshot writes). */
  pieces(rows: number): UintArray[] {
    return piecesOf(this.chunks, rows, 1, () => ZERO[this.w]);
  }

  /** A column holding the rows of `pieces` (as pieces() gave them; all one width). */
  static load(pieces: readonly UintArray[], minWidth: Width = 1): Column {
    const w = Math.max(minWidth, pieces[0]?.BYTES_PER_ELEMENT ?? 1) as Width;
    const col = new Column(w);
    col.chunks = pieces.map((p) => (allZero(p) ? ZERO[w] : asChunk(p, CHUNK_ROWS, (n) => uintArray(w, n))));
    return col;
  }
}

/**
 * Rows of `perRow` values of one typed-array type (event ids as four 32-bit words, received_at
 * as f64), chunk by chunk. Each chunk is made when its first row is written.
 */
export class Rows<T extends Uint32Array | Float64Array> {
  chunks: T[] = [];
  constructor(
    private readonly make: (n: number) => T,
    readonly perRow: number,
  ) {}

  /** The chunk holding `row` (made if it is the next one); its values start at (row & CHUNK_MASK) * perRow. */
  chunk(row: number): T {
    const i = row >>> CHUNK_SHIFT;
    while (this.chunks.length <= i) this.chunks.push(this.make(CHUNK_ROWS * this.perRow));
    return this.chunks[i];
  }

  /** Rows [from, end) copied to start at `to` (to < from). */
  copyWithin(to: number, from: number, end: number): void {
    const p = this.perRow;
    while (from < end) {
      const n = Math.min(end - from, CHUNK_ROWS - (from & MASK), CHUNK_ROWS - (to & MASK));
      this.chunk(to).set(this.chunks[from >>> CHUNK_SHIFT].subarray((from & MASK) * p, ((from & MASK) + n) * p), (to & MASK) * p);
      from += n;
      to += n;
    }
  }

  /** Frees the chunks past the first `rows` rows. */
  truncate(rows: number): void {
    this.chunks.length = Math.min(this.chunks.length, Math.ceil(rows / CHUNK_ROWS));
  }

  pieces(rows: number): T[] {
    return piecesOf(this.chunks, rows, this.perRow, () => this.make(CHUNK_ROWS * this.perRow));
  }

  load(pieces: readonly T[]): void {
    this.chunks = pieces.map((p) => asChunk(p, CHUNK_ROWS * this.perRow, this.make));
  }
}

