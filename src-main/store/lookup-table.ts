// Rows of a state kind by the hashes of the lookup values they were written with (an
// alert's idempotency key, short id, deduplication values): a chained hash table over
// typed arrays, about 12 bytes per (value, row), so that finding "the alerts of this key"
// among a million costs one chain walk instead of a scan or a Map of strings.

/** (hash, row) entries; per bucket a chain newest first. */
export class LookupTable {
  hashes: Uint32Array;
  rows: Uint32Array;
  private next: Int32Array;
  private heads: Int32Array;
  count = 0;

  constructor(capacity = 256) {
    this.hashes = new Uint32Array(capacity);
    this.rows = new Uint32Array(capacity);
    this.next = new Int32Array(capacity);
    this.heads = new Int32Array(headsFor(capacity)).fill(-1);
  }

  /** Adds (hash, row) unless the row already has that hash. */
  add(hash: number, row: number): void {
    const b = hash & (this.heads.length - 1);
    for (let e = this.heads[b]; e !== -1; e = this.next[e]) if (this.hashes[e] === hash && this.rows[e] === row) return;
    if (this.count === this.hashes.length) this.grow(this.count * 2);
    const e = this.count++;
    this.hashes[e] = hash;
    this.rows[e] = row;
    const b2 = hash & (this.heads.length - 1);
    this.next[e] = this.heads[b2];
    this.heads[b2] = e;
  }

  /** Rows with this hash, highest row (newest record) first, each once. */
  find(hash: number): number[] {
    const out: number[] = [];
    for (let e = this.heads[hash & (this.heads.length - 1)]; e !== -1; e = this.next[e]) if (this.hashes[e] === hash) out.push(this.rows[e]);
    return [...new Set(out)].sort((a, b) => b - a);
  }

  /** Keeps the entries of rows that stay, renumbered by `moved` (old row → new row, -1 = gone). */
  remap(moved: Int32Array): void {
    let n = 0;
    for (let e = 0; e < this.count; e++) {
      const to = moved[this.rows[e]];
      if (to < 0) continue;
      this.hashes[n] = this.hashes[e];
      this.rows[n++] = to;
    }
    this.count = n;
    this.rehash();
  }

  static from(hashes: Uint32Array, rows: Uint32Array): LookupTable {
    const t = new LookupTable(Math.max(256, hashes.length + 1024));
    t.hashes.set(hashes);
    t.rows.set(rows);
    t.count = hashes.length;
    t.rehash();
    return t;
  }

  private grow(capacity: number): void {
    const h = new Uint32Array(capacity);
    h.set(this.hashes);
    this.hashes = h;
    const r = new Uint32Array(capacity);
    r.set(this.rows);
    this.rows = r;
    this.next = new Int32Array(capacity);
    this.heads = new Int32Array(headsFor(capacity));
    this.rehash();
  }

  private rehash(): void {
    if (this.heads.length < headsFor(this.hashes.length)) this.heads = new Int32Array(headsFor(this.hashes.length));
    if (this.next.length < this.hashes.length) this.next = new Int32Array(this.hashes.length);
    this.heads.fill(-1);
    for (let e = 0; e < this.count; e++) {
      const b = this.hashes[e] & (this.heads.length - 1);
      this.next[e] = this.heads[b];
      this.heads[b] = e;
    }
  }
}

/** A power of two at least the capacity: chains of about one entry. */
function headsFor(capacity: number): number {
  let n = 256;
  while (n < capacity) n *= 2;
  return n;
}
