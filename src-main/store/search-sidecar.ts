// The search sidecar of one sealed segment (`000001.search`): which blocks (about 64 KiB of
// whole lines, the compressed segment's own blocks) hold each token of its events. A search
// looks its needle's tokens up in the segment's dictionary and reads only the blocks that hold
// all of them, where each event line is checked against the needle (search-text.ts): exact.
//
// File (little-endian): "SYSRCH1\n" | u32 blocks | u32 tokens | f64 logical size | u32 dict
// bytes | u32 posting bytes | f64 block starts [blocks + 1] | u32 token starts [tokens + 1] |
// u32 posting starts [tokens + 1] | dict ("\n" + tokens each followed by "\n", UTF-8) |
// postings (per token: varint gaps between its ascending block numbers) | u32 crc32 of all before.
import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import { forEachToken, isStateLine, type Needle } from './search-text';

const MAGIC = Buffer.from('SYSRCH1\n', 'latin1');
const HEADER = MAGIC.length + 4 + 4 + 8 + 4 + 4;

class U32List {
  a = new Uint32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.a.length) {
      const next = new Uint32Array(this.a.length * 2);
      next.set(this.a);
      this.a = next;
    }
    this.a[this.length++] = v;
  }
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** Writes u32 values little-endian at `o` (one copy of the array on little-endian machines); returns the next offset. */
function putU32s(out: Buffer, o: number, a: Uint32Array): number {
  if (LITTLE_ENDIAN) return o + Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, o);
  for (const v of a) o = out.writeUInt32LE(v, o);
  return o;
}

/** Collects tokens block by block while a sealed segment is read, then encodes the sidecar. */
export class SidecarBuilder {
  private readonly ids = new Map<string, number>();
  private readonly tokens: string[] = [];
  /** Last block each token was seen in (+1; 0 = not yet), so a block lists a token once. */
  private lastBlock = new Uint32Array(1024);
  /** Token ids in block order; `blockEnds[b]` = how many of them blocks 0..b hold. */
  private readonly seen = new U32List();
  private readonly blockStarts: number[] = [];
  private readonly blockEnds: number[] = [];

  /** One block: `data` is whole lines starting at logical offset `start`. */
  addBlock(start: number, data: Buffer): void {
    const block = this.blockStarts.length;
    this.blockStarts.push(start);
    const visit = (token: string) => {
      let id = this.ids.get(token);
      if (id === undefined) {
        id = this.tokens.length;
        this.ids.set(token, id);
        this.tokens.push(token);
        if (id === this.lastBlock.length) {
          const next = new Uint32Array(this.lastBlock.length * 2);
          next.set(this.lastBlock);
          this.lastBlock = next;
        }
      }
      if (this.lastBlock[id] !== block + 1) {
        this.lastBlock[id] = block + 1;
        this.seen.push(id);
      }
    };
    let from = 0;
    while (from < data.length) {
      let nl = data.indexOf(0x0a, from);
      if (nl === -1) nl = data.length;
      const line = data.subarray(from, nl);
      if (!isStateLine(line)) forEachToken(line.toString('utf8').toLowerCase(), visit);
      from = nl + 1;
    }
    this.blockEnds.push(this.seen.length);
  }

  /** The sidecar's bytes for a segment of `logicalSize` bytes. */
  encode(logicalSize: number): Buffer {
    const blocks = this.blockStarts.length;
    const n = this.tokens.length;
    // Postings grouped by token (a counting sort of `seen`), blocks ascending within each.
    const counts = new Uint32Array(n + 1);
    for (let i = 0; i < this.seen.length; i++) counts[this.seen.a[i] + 1]++;
    for (let t = 0; t < n; t++) counts[t + 1] += counts[t];
    const byToken = new Uint32Array(this.seen.length);
    const fill = counts.slice(0, n);
    let b = 0;
    for (let i = 0; i < this.seen.length; i++) {
      while (i >= this.blockEnds[b]) b++;
      byToken[fill[this.seen.a[i]]++] = b;
    }
    const postings = Buffer.allocUnsafe(this.seen.length * 5);
    const postingStarts = new Uint32Array(n + 1);
    let p = 0;
    for (let t = 0; t < n; t++) {
      postingStarts[t] = p;
      let prev = 0;
      for (let i = counts[t]; i < counts[t + 1]; i++) {
        let gap = byToken[i] - prev;
        prev = byToken[i];
        while (gap >= 0x80) {
          postings[p++] = (gap & 0x7f) | 0x80;
          gap >>>= 7;
        }
        postings[p++] = gap;
      }
    }
    postingStarts[n] = p;
    const dict = Buffer.from(`\n${this.tokens.join('\n')}${n ? '\n' : ''}`, 'utf8');
    const tokenStarts = new Uint32Array(n + 1);
    let at = 1;
    for (let t = 0; t < n; t++) {
      tokenStarts[t] = at;
      at += Buffer.byteLength(this.tokens[t], 'utf8') + 1;
    }
    tokenStarts[n] = at;
    const size = HEADER + (blocks + 1) * 8 + (n + 1) * 8 + dict.length + p + 4;
    const out = Buffer.alloc(size);
    MAGIC.copy(out, 0);
    let o = MAGIC.length;
    o = out.writeUInt32LE(blocks, o);
    o = out.writeUInt32LE(n, o);
    o = out.writeDoubleLE(logicalSize, o);
    o = out.writeUInt32LE(dict.length, o);
    o = out.writeUInt32LE(p, o);
    for (let i = 0; i < blocks; i++) o = out.writeDoubleLE(this.blockStarts[i], o);
    o = out.writeDoubleLE(logicalSize, o);
    o = putU32s(out, o, tokenStarts);
    o = putU32s(out, o, postingStarts);
    o += dict.copy(out, o);
    o += postings.copy(out, o, 0, p);
    out.writeUInt32LE(crc32(out.subarray(0, o)), o);
    return out;
  }
}

/** A sidecar read back and checked; read in place (no copy of its arrays). */
export class Sidecar {
  private constructor(
    private readonly buf: Buffer,
    readonly blocks: number,
    private readonly tokens: number,
    readonly logicalSize: number,
    private readonly blockAt: number,
    private readonly tokenAt: number,
    private readonly postingAt: number,
    private readonly dict: Buffer,
    private readonly postings: Buffer,
  ) {}

  /** Bytes held (for a cache's budget). */
  get bytes(): number {
    return this.buf.length;
  }

  /** Checks magic, sizes and checksum; throws on anything else. */
  static decode(buf: Buffer): Sidecar {
    if (buf.length < HEADER + 4 || !MAGIC.equals(buf.subarray(0, MAGIC.length))) throw new Error('not a search sidecar');
    let o = MAGIC.length;
    const blocks = buf.readUInt32LE(o);
    const tokens = buf.readUInt32LE(o + 4);
    const logicalSize = buf.readDoubleLE(o + 8);
    const dictBytes = buf.readUInt32LE(o + 16);
    const postingBytes = buf.readUInt32LE(o + 20);
    o = HEADER;
    const blockAt = o;
    const tokenAt = blockAt + (blocks + 1) * 8;
    const postingAt = tokenAt + (tokens + 1) * 4;
    const dictAt = postingAt + (tokens + 1) * 4;
    const end = dictAt + dictBytes + postingBytes;
    if (end + 4 !== buf.length) throw new Error('search sidecar: sizes do not add up');
    if (buf.readUInt32LE(end) !== crc32(buf.subarray(0, end))) throw new Error('search sidecar: checksum mismatch');
    return new Sidecar(buf, blocks, tokens, logicalSize, blockAt, tokenAt, postingAt, buf.subarray(dictAt, dictAt + dictBytes), buf.subarray(dictAt + dictBytes, end));
  }

  blockStart(b: number): number {
    return this.buf.readDoubleLE(this.blockAt + b * 8);
  }

  private tokenStart(t: number): number {
    return this.buf.readUInt32LE(this.tokenAt + t * 4);
  }

  /** The token whose dictionary bytes hold position `pos`. */
  private tokenAtPos(pos: number): number {
    let lo = 0;
    let hi = this.tokens - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.tokenStart(mid) <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private markPostings(t: number, into: Uint8Array): void {
    const end = this.buf.readUInt32LE(this.postingAt + (t + 1) * 4);
    let p = this.buf.readUInt32LE(this.postingAt + t * 4);
    let block = 0;
    while (p < end) {
      let gap = 0;
      let shift = 0;
      let byte: number;
      do {
        byte = this.postings[p++];
        gap += (byte & 0x7f) * 2 ** shift;
        shift += 7;
      } while (byte & 0x80 && p < end);
      block += gap;
      if (block >= into.length) throw new Error('search sidecar: block out of range');
      into[block] = 1;
    }
  }

  /** Blocks (1 = may hold it) holding a token that contains `nt` as its kind says; null when every block may. */
  private blocksOf(nt: Needle['tokens'][number]): Uint8Array | null {
    const pattern = Buffer.from(nt.kind === 'exact' ? `\n${nt.token}\n` : nt.kind === 'prefix' ? `\n${nt.token}` : nt.kind === 'suffix' ? `${nt.token}\n` : nt.token, 'utf8');
    const out = new Uint8Array(this.blocks);
    let marked = 0;
    for (let at = this.dict.indexOf(pattern, 0); at !== -1; ) {
      const t = this.tokenAtPos(nt.kind === 'exact' || nt.kind === 'prefix' ? at + 1 : at);
      this.markPostings(t, out);
      // A token that is in most blocks narrows nothing: stop looking it up.
      if (++marked % 64 === 0 && out.every((v) => v === 1)) return null;
      if (nt.kind === 'exact') break;
      // On from the next token: each token counts once however often it holds the needle.
      at = t + 1 < this.tokens ? this.dict.indexOf(pattern, this.tokenStart(t + 1) - 1) : -1;
    }
    return out;
  }

  /** Blocks that may hold the needle, newest (highest) first; null = all of them (nothing to narrow by). */
  candidates(needle: Needle): number[] | null {
    // Whole tokens first: cheap, and an empty result ends the search before any scan of the dictionary.
    const order = [...needle.tokens].sort((a, b) => Number(b.kind === 'exact') - Number(a.kind === 'exact'));
    let acc: Uint8Array | null = null;
    for (const nt of order) {
      const blocks = this.blocksOf(nt);
      if (!blocks) continue;
      if (acc) for (let b = 0; b < acc.length; b++) acc[b] &= blocks[b];
      else acc = blocks;
      if (!acc.includes(1)) return [];
    }
    if (!acc) return null;
    const out: number[] = [];
    for (let b = acc.length - 1; b >= 0; b--) if (acc[b]) out.push(b);
    return out;
  }
}
