// Rows of a state kind by the hashes of the lookup values they were written with (an
// alert's idempotency key, short id, deduplication values): a chained hash table over
// typed arrays, about 12 bytes per (value, row), so that finding "the alerts of this key"
// among a million costs one chain walk instead of a scan or a Map of strings.

/** Entries re-linked into a growing bucket table per add: it takes over long before chains get long. */
const MIGRATE_STEP = 4;
/** The row of an entry whose row retention dropped: find skips it, images leave it out. */
const GONE = 0xffffffff;

interface Chains {
  heads: Int32Array;
  next: Int32Array;
}

/** (hash, row) entries; per bucket a chain. */
export class LookupTable {
  hashes: Uint32Array;
  rows: Uint32Array;
  private chains: Chains;
  /**
   * Buckets twice as many being linked alongside, a few entries per add, so that growing never
   * re-links a million entries in one go (about 100 ms); lookups use `chains` until it is done.
   */
  private bigger: (Chains & { done: number; upTo: number }) | null = null;
  count = 0;
  /** Entries whose row is GONE: they stay linked until they outnumber the rest. */
  private dead = 0;
  /** Entries [unlinked, count) are the ones from() left unlinked: linked in slices by linkSome, or all by the first add or find. */
  private unlinked = 0;

  constructor(capacity = 256) {
    this.hashes = new Uint32Array(capacity);
    this.rows = new Uint32Array(capacity);
    this.chains = { heads: new Int32Array(bucketsFor(capacity)).fill(-1), next: new Int32Array(capacity) };
  }

  /** Adds (hash, row) unless the row already has that hash. */
  add(hash: number, row: number): void {
    this.linkRest();
    const { heads, next } = this.chains;
    for (let e = heads[hash & (heads.length - 1)]; e !== -1; e = next[e]) if (this.hashes[e] === hash && this.rows[e] === row) return;
    if (this.count === this.hashes.length) this.growStorage(this.count * 2);
    const e = this.count++;
    this.hashes[e] = hash;
    this.rows[e] = row;
    link(this.chains, hash, e);
    this.unlinked = this.count;
    if (this.bigger) {
      if (e >= this.bigger.upTo) link(this.bigger, hash, e);
      this.migrate(this.count > this.chains.heads.length * 2 ? Infinity : MIGRATE_STEP);
    } else if (this.count > this.chains.heads.length) {
      this.bigger = { heads: new Int32Array(this.chains.heads.length * 2).fill(-1), next: new Int32Array(this.hashes.length), done: 0, upTo: this.count };
      this.migrate(MIGRATE_STEP);
    }
  }

  /** Rows with this hash, highest row (newest record) first, each once. */
  find(hash: number): number[] {
    this.linkRest();
    const { heads, next } = this.chains;
    const out: number[] = [];
    for (let e = heads[hash & (heads.length - 1)]; e !== -1; e = next[e]) if (this.hashes[e] === hash && this.rows[e] !== GONE) out.push(this.rows[e]);
    return [...new Set(out)].sort((a, b) => b - a);
  }

  /**
   * Renumbers rows by `moved` (old row → new row, -1 = gone) in place: the entries of gone rows
   * are marked GONE and stay linked (no re-link of a million entries, about 60 ms, per
   * retention round) until they outnumber the others; then one compaction drops them.
   */
  remap(moved: Int32Array): void {
    for (let e = 0; e < this.count; e++) {
      const row = this.rows[e];
      if (row === GONE) continue;
      const to = moved[row];
      if (to >= 0) this.rows[e] = to;
      else {
        this.rows[e] = GONE;
        this.dead++;
      }
    }
    if (this.dead * 2 > this.count) this.dropGone();
  }

  /** The (hash, row) entries without the GONE ones, as a snapshot stores them. */
  entries(): { hashes: Uint32Array; rows: Uint32Array } {
    if (this.dead === 0) return { hashes: this.hashes.subarray(0, this.count), rows: this.rows.subarray(0, this.count) };
    const hashes = new Uint32Array(this.count - this.dead);
    const rows = new Uint32Array(this.count - this.dead);
    for (let e = 0, n = 0; e < this.count; e++) {
      if (this.rows[e] === GONE) continue;
      hashes[n] = this.hashes[e];
      rows[n++] = this.rows[e];
    }
    return { hashes, rows };
  }

  private dropGone(): void {
    const { hashes, rows } = this.entries();
    this.hashes.set(hashes);
    this.rows.set(rows);
    this.count = hashes.length;
    this.dead = 0;
    this.relinkAll();
  }

  static from(hashes: Uint32Array, rows: Uint32Array): LookupTable {
    const t = new LookupTable(Math.max(256, hashes.length + 1024));
    t.hashes.set(hashes);
    t.rows.set(rows);
    t.count = hashes.length;
    t.emptyChains();
    return t;
  }

  /** Links up to n of the entries from() left unlinked; true while some remain. */
  linkSome(n: number): boolean {
    const end = Math.min(this.count, this.unlinked + n);
    for (let e = this.unlinked; e < end; e++) link(this.chains, this.hashes[e], e);
    this.unlinked = end;
    return end < this.count;
  }

  /** Links up to n more of the entries below the bigger table's start; swaps it in when done. */
  private migrate(n: number): void {
    const b = this.bigger!;
    const end = Math.min(b.upTo, b.done + n);
    for (let e = b.done; e < end; e++) link(b, this.hashes[e], e);
    b.done = end;
    if (b.done < b.upTo) return;
    this.chains = { heads: b.heads, next: b.next };
    this.bigger = null;
  }

  /** More room for entries: a copy of the arrays (fast), not a re-link. */
  private growStorage(capacity: number): void {
    const grow = <T extends Uint32Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.hashes = grow(this.hashes, (n) => new Uint32Array(n));
    this.rows = grow(this.rows, (n) => new Uint32Array(n));
    this.chains.next = grow(this.chains.next, (n) => new Int32Array(n));
    if (this.bigger) this.bigger.next = grow(this.bigger.next, (n) => new Int32Array(n));
  }

  /** Links every entry from() left unlinked (before an add or a find: every entry is found at every moment). */
  private linkRest(): void {
    if (this.unlinked < this.count) this.linkSome(Infinity);
  }

  /** Re-links every entry at once (after dropGone; a load links in slices instead: linkSome). */
  private relinkAll(): void {
    this.emptyChains();
    this.linkRest();
  }

  /** Buckets sized for the entries, none linked yet. */
  private emptyChains(): void {
    this.bigger = null;
    this.chains = { heads: new Int32Array(bucketsFor(this.count)).fill(-1), next: new Int32Array(this.hashes.length) };
    this.unlinked = 0;
  }
}

function link(c: Chains, hash: number, e: number): void {
  const b = hash & (c.heads.length - 1);
  c.next[e] = c.heads[b];
  c.heads[b] = e;
}

/** A power of two at least the count: chains of about one entry. */
function bucketsFor(count: number): number {
  let n = 256;
  while (n < count) n *= 2;
  return n;
}
