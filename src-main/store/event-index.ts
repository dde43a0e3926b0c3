// The in-memory index of stored events, compact enough for a million of them: one row per
// event in typed-array columns (each as narrow as its values allow), repeated strings
// (organization, source, enums, titles, alert ids) dictionary-encoded, received_at as epoch
// milliseconds, UUID event ids as 16 bytes in an open-addressing hash table (other ids in a
// Map). No JS object per event. Rows are in commit order; an event's sequence number is
// `base + row`, and retention drops rows from the front.
import type { Dialect, EventSummary, Priority, Severity, Status } from '../core/types';
import { CHUNK_MASK, CHUNK_SHIFT, Column, renumbering, Rows, type Renumbering, type UintArray, type Width } from './chunked';
import type { Location } from './store-fs';

/** Strings → small integer codes. Beyond `cap` distinct values new ones still get codes, without a lookup entry (no sharing). */
export class Dict {
  readonly values: string[];
  private readonly codes = new Map<string, number>();
  constructor(private readonly cap: number, values: string[] = []) {
    this.values = values;
    for (let i = 0; i < values.length && this.codes.size < cap; i++) if (!this.codes.has(values[i])) this.codes.set(values[i], i);
  }
  code(s: string): number {
    const known = this.codes.get(s);
    if (known !== undefined) return known;
    const n = this.values.length;
    this.values.push(s);
    if (this.codes.size < this.cap) this.codes.set(s, n);
    return n;
  }
  /** The code of a known value, or of a new one while the dictionary has room; -1 when it is full. */
  codeIfRoom(s: string): number {
    const known = this.codes.get(s);
    if (known !== undefined) return known;
    return this.codes.size < this.cap ? this.code(s) : -1;
  }
  /** The code of a value, or -1 when it was never seen (beyond the cap: also -1 — callers compare strings then). */
  find(s: string): number {
    return this.codes.get(s) ?? -1;
  }
  get complete(): boolean {
    return this.codes.size === this.values.length;
  }
}

/** The first index in [lo, hi) of an ascending run whose value is at least `value`; hi if none. */
function lowerBound(a: Column, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a.get(mid) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** alert_id null. */
const NULL_CODE = 0;
/** A title past the dictionary's cap: not kept in memory, read from the event when shown. */
const NO_TITLE = 0xffffffff;
// a0..a3: the alert id as four 32-bit words when it is a UUID (as the signals engine makes
// them), 16 bytes per event instead of a string each; any other alert id goes in the dict.
const COLUMNS = ['segment', 'offset', 'length', 'org', 'source', 'sourceName', 'dialect', 'severity', 'status', 'priority', 'title', 'alert', 'a0', 'a1', 'a2', 'a3'] as const;
const ALERT_WORDS = ['a0', 'a1', 'a2', 'a3'] as const;
export type ColumnName = (typeof COLUMNS)[number];
export { COLUMNS };
const DICTS = ['org', 'source', 'sourceName', 'dialect', 'severity', 'status', 'priority', 'title', 'alert'] as const;
type DictName = (typeof DICTS)[number];
/** Distinct values remembered per dictionary (titles can be unbounded: those past the cap stay on disk only). */
/** Offsets need 4 bytes from the start; lengths 2 (most events are over 255 bytes). */
const minWidth = (c: ColumnName): Width => (c === 'offset' ? 4 : c === 'length' ? 2 : 1);
const DICT_CAP: Record<DictName, number> = { org: 1e6, source: 1e6, sourceName: 1e6, dialect: 1e6, severity: 1e6, status: 1e6, priority: 1e6, title: 50_000, alert: 200_000 };

export type { UintArray };

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** Old rows moved into a growing id table per insert: enough to finish before it is 70 % full. */
const MIGRATE_STEP = 8;
/** An empty slot of the id table. */
const EMPTY = -1;
/** A slot whose row retention dropped: lookups probe past it, an insert may take it. */
const GONE = -2;

/** The new number of the first row at or after `row` that stays (`count` rows; the new count if none does). */
function movedBound(moved: Int32Array, count: number, row: number, newCount: number): number {
  for (let r = row; r < count; r++) if (moved[r] >= 0) return moved[r];
  return newCount;
}

/**
 * Event id → row. Canonical lower-case UUIDs (what ingest assigns) are kept as four 32-bit
 * words per row (in chunks) and found through an open-addressing table of rows; any other id
 * (a signal instance's own raw.id) goes into a Map.
 */
export class IdTable {
  /** 4 words per row; all zero = the id is in `other`. */
  readonly words = new Rows<Uint32Array>((n) => new Uint32Array(n), 4);
  private slots: Int32Array = new Int32Array(1024).fill(EMPTY);
  private used = 0;
  /** GONE slots in `slots`: they count towards its load until a rehash drops them. */
  private dead = 0;
  /** One more than the highest row in `slots`. */
  private top = 0;
  /** A table twice the size being filled alongside, a few rows per insert (see insertSlot); null when none. */
  private bigger: { slots: Int32Array; used: number; dead: number; done: number; upTo: number } | null = null;
  readonly other = new Map<number, string>();
  private readonly otherRows = new Map<string, number>();
  /**
   * Rows [next, end) that rebuild() left out of `slots`: placing a million takes about 150 ms,
   * so a start places them in slices after it (placeSome), or the first lookup places the rest.
   */
  private unplaced = { next: 0, end: 0 };
  /**
   * A renumbering (retention's) being written into `slots` in slices (remapSome): slots below
   * `done` hold new rows, the others old ones, read through `moved`; a row added meanwhile is
   * stored past them, as oldCount + (row - kept). Rewriting all slots at once takes 100–250 ms
   * at a million rows (a random read of `moved` per slot).
   */
  private renumbering: { moved: Int32Array; oldCount: number; kept: number; done: number } | null = null;

  /** Parses a canonical lower-case UUID into four words in one pass (no regex, no substrings); false for anything else. */
  static encode(id: string, out: Uint32Array, at: number): boolean {
    if (id.length !== 36) return false;
    let word = 0;
    let w = 0;
    let digits = 0;
    for (let i = 0; i < 36; i++) {
      const c = id.charCodeAt(i);
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        if (c !== 45) return false; // '-'
        continue;
      }
      const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1; // 0-9, a-f
      if (v < 0) return false;
      word = ((word << 4) | v) >>> 0;
      if (++digits === 8) {
        out[at + w++] = word;
        word = 0;
        digits = 0;
      }
    }
    return (out[at] | out[at + 1] | out[at + 2] | out[at + 3]) !== 0;
  }

  private static hash(w: Uint32Array, at: number): number {
    return Math.imul(w[at] ^ Math.imul(w[at + 3], 0x9e3779b1) ^ w[at + 1] ^ (w[at + 2] >>> 7), 0x85ebca6b) >>> 0;
  }

  /** Whether the row's id is a UUID in `words` (not in `other`). */
  private isUuid(row: number): boolean {
    const w = this.words.chunks[row >>> CHUNK_SHIFT];
    const at = (row & CHUNK_MASK) * 4;
    return (w[at] | w[at + 1] | w[at + 2] | w[at + 3]) !== 0;
  }

  id(row: number): string {
    if (!this.isUuid(row)) return this.other.get(row)!;
    const w = this.words.chunks[row >>> CHUNK_SHIFT];
    const at = (row & CHUNK_MASK) * 4;
    return IdTable.format(w[at], w[at + 1], w[at + 2], w[at + 3]);
  }

  /** The canonical UUID of four words (as encode() made them). */
  static format(w0: number, w1: number, w2: number, w3: number): string {
    const b = hex8(w1);
    const c = hex8(w2);
    return `${hex8(w0)}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${hex8(w3)}`;
  }

  private readonly probe = new Uint32Array(4);

  row(id: string): number | undefined {
    if (!IdTable.encode(id, this.probe, 0)) return this.otherRows.get(id);
    this.placeRest();
    const p = this.probe;
    const mask = this.slots.length - 1;
    for (let i = IdTable.hash(p, 0) & mask; ; i = (i + 1) & mask) {
      const v = this.slots[i];
      if (v === EMPTY) return undefined;
      if (v === GONE) continue;
      const row = this.slotRow(i, v);
      if (row < 0) continue;
      const w = this.words.chunks[row >>> CHUNK_SHIFT];
      const at = (row & CHUNK_MASK) * 4;
      if (w[at] === p[0] && w[at + 1] === p[1] && w[at + 2] === p[2] && w[at + 3] === p[3]) return row;
    }
  }

  /** Records row's id (rows are added in order: row is at most one past the last). */
  add(row: number, id: string): void {
    const w = this.words.chunk(row);
    const at = (row & CHUNK_MASK) * 4;
    if (IdTable.encode(id, w, at)) {
      this.placeRest();
      this.insertSlot(row);
    } else {
      w.fill(0, at, at + 4);
      this.other.set(row, id);
      this.otherRows.set(id, row);
    }
  }

  /**
   * Grows without one long pause (a million rows take about 100 ms to rehash): from 60 % full,
   * a table twice the size is filled alongside, MIGRATE_STEP old rows per insert, and takes
   * over once complete, at about 68 %; lookups use the old table until then.
   */
  private insertSlot(row: number): void {
    if ((this.used + this.dead + 1) * 4 > this.slots.length * 3) {
      if (this.bigger) this.migrate(Infinity);
      else this.rehash(IdTable.sizeFor(this.used));
    }
    if (!this.bigger && (this.used + this.dead + 1) * 5 > this.slots.length * 3) {
      // Twice the size as it fills; the same size when dropped rows' slots are what fills it.
      this.bigger = { slots: new Int32Array(IdTable.sizeFor(this.used)).fill(EMPTY), used: 0, dead: 0, done: 0, upTo: this.top };
    }
    if (this.place(this.slots, row)) this.dead--;
    this.used++;
    this.top = Math.max(this.top, row + 1);
    if (this.bigger) {
      if (row >= this.bigger.upTo) {
        if (this.place(this.bigger.slots, row)) this.bigger.dead--;
        this.bigger.used++;
      }
      this.migrate(MIGRATE_STEP);
    }
  }

  /** Slots in the table (GONE ones among them): what it holds in memory, beside the ids. */
  get capacity(): number {
    return this.slots.length;
  }

  /** Slots for `used` rows at most a third full (twice a table 60 % full of live rows). */
  private static sizeFor(used: number): number {
    let size = 1024;
    while (size < used * 3) size *= 2;
    return size;
  }

  /** Puts row in the first free slot of its probe; true when that slot was a GONE one. */
  private place(slots: Int32Array, row: number): boolean {
    const mask = slots.length - 1;
    let i = IdTable.hash(this.words.chunks[row >>> CHUNK_SHIFT], (row & CHUNK_MASK) * 4) & mask;
    while (slots[i] >= 0) i = (i + 1) & mask;
    const reused = slots[i] === GONE;
    const r = this.renumbering;
    slots[i] = r !== null && slots === this.slots && i >= r.done ? row - r.kept + r.oldCount : row;
    return reused;
  }

  /** The row slot i's value v stands for; negative when that row went (a renumbering not yet written there). */
  private slotRow(i: number, v: number): number {
    const r = this.renumbering;
    if (r === null || i < r.done) return v;
    return v >= r.oldCount ? v - r.oldCount + r.kept : r.moved[v];
  }

  /** Fills the bigger table with up to n more of the rows below its start; swaps it in when done. */
  private migrate(n: number): void {
    const b = this.bigger!;
    const end = Math.min(b.upTo, b.done + n);
    for (let row = b.done; row < end; row++) {
      if (!this.isUuid(row)) continue;
      if (this.place(b.slots, row)) b.dead--;
      b.used++;
    }
    b.done = end;
    if (b.done < b.upTo) return;
    this.slots = b.slots;
    this.used = b.used;
    this.dead = b.dead;
    this.bigger = null;
    this.renumbering = null; // filled from the rows, already renumbered
  }

  private rehash(size: number): void {
    this.slots = new Int32Array(size).fill(EMPTY);
    this.used = 0;
    this.dead = 0;
    this.renumbering = null;
    for (let row = 0; row < this.top; row++) {
      if (!this.isUuid(row)) continue;
      this.place(this.slots, row);
      this.used++;
    }
  }

  /** Makes rows 0..count-1 the table's rows (after loading or moving rows); placeSome or the first lookup places them. */
  rebuild(count: number, other: Iterable<[number, string]>): void {
    let size = 1024;
    while (size < count * 2 + 2) size *= 2;
    this.slots = new Int32Array(size).fill(EMPTY);
    this.used = 0;
    this.dead = 0;
    this.top = 0;
    this.bigger = null;
    this.renumbering = null;
    this.other.clear();
    this.otherRows.clear();
    for (const [row, id] of other) {
      this.other.set(row, id);
      this.otherRows.set(id, row);
    }
    this.unplaced = { next: 0, end: count };
    this.top = count;
  }

  /**
   * Places up to n of the rows rebuild() left, straight into a table sized for them (at most
   * half full: no growth checks per row); true while some remain.
   */
  placeSome(n: number): boolean {
    const u = this.unplaced;
    const end = Math.min(u.end, u.next + n);
    for (let row = u.next; row < end; row++) {
      if (!this.isUuid(row)) continue;
      if (this.place(this.slots, row)) this.dead--;
      this.used++;
    }
    u.next = end;
    return end < u.end;
  }

  /** Places every row rebuild() left (before a lookup or an insert: every id is found at every moment). */
  private placeRest(): void {
    if (this.unplaced.next < this.unplaced.end) this.placeSome(Infinity);
  }

  /**
   * Renumbers the rows (retention): the ids move down at once (a copy per run of rows), the slots
   * are rewritten in slices (remapSome), and every id is found at every moment meanwhile.
   */
  remap({ moved, count, kept, runs }: Renumbering): void {
    this.remapSome(Infinity);
    for (let i = 0; i < runs.length; i += 3) this.words.copyWithin(runs[i + 2], runs[i], runs[i + 1]);
    this.words.truncate(kept);
    // A growing table in progress is let go: it is started again, from the renumbered rows, when needed.
    this.bigger = null;
    const bound = (row: number) => movedBound(moved, count, row, kept);
    this.unplaced = { next: bound(this.unplaced.next), end: bound(this.unplaced.end) };
    this.top = bound(this.top);
    const other = [...this.other].filter(([row]) => moved[row] >= 0);
    this.other.clear();
    this.otherRows.clear();
    for (const [row, id] of other) {
      this.other.set(moved[row], id);
      this.otherRows.set(id, moved[row]);
    }
    this.renumbering = { moved, oldCount: count, kept, done: 0 };
  }

  /** Rewrites up to n more slots of a renumbering (a gone row's slot becomes GONE); true while some remain. */
  remapSome(n: number): boolean {
    const r = this.renumbering;
    if (r === null) return false;
    const slots = this.slots;
    const end = Math.min(slots.length, r.done + n);
    for (let i = r.done; i < end; i++) {
      const v = slots[i];
      if (v < 0) continue;
      const row = v >= r.oldCount ? v - r.oldCount + r.kept : r.moved[v];
      if (row >= 0) slots[i] = row;
      else {
        slots[i] = GONE;
        this.used--;
        this.dead++;
      }
    }
    r.done = end;
    if (end < slots.length) return true;
    this.renumbering = null;
    return false;
  }

  /** What a load or a renumbering left to do: up to n rows placed or slots rewritten; true while some remains. */
  finishSome(n: number): boolean {
    return this.placeSome(n) || this.remapSome(n);
  }

  /** Drops the first k of count rows. */
  dropFront(k: number, count: number): void {
    const moved = new Int32Array(count);
    for (let row = 0; row < count; row++) moved[row] = row - k;
    this.remap(renumbering(moved, count));
  }
}

/** Growable list of sequence numbers (per organization), ascending. */
class IntList {
  data: Float64Array;
  length = 0;
  constructor(capacity = 16) {
    this.data = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** Drops values below `bound` (they are at the front: values ascend). */
  dropBelow(bound: number): void {
    let k = 0;
    while (k < this.length && this.data[k] < bound) k++;
    if (k === 0) return;
    this.data.copyWithin(0, k, this.length);
    this.length -= k;
  }
}

/** Last index i with list[i] < bound, or -1. */
function lastBelow(list: IntList, bound: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list.data[mid] < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export interface IndexedEvent {
  id: string;
  organization: string;
  source: string;
  source_name: string;
  dialect: string;
  received_at: string;
  title: string;
  severity: string;
  status: string;
  priority: string;
  alert_id?: string | null;
}

export interface EventFilter {
  organization?: string;
  dialect?: string;
  source?: string;
  severity?: string;
  status?: string;
}

/** What a snapshot holds of the index: columns as raw bytes plus the strings. */
export interface IndexImage {
  base: number;
  count: number;
  /** 4 words per row: UUID ids; rows with all-zero words have their id in `otherIds`. */
  idWords: Uint32Array[];
  otherIds: [number, string][];
  dicts: Record<DictName, string[]>;
  /** received_at values that epoch milliseconds would not give back exactly: [row, value]. */
  receivedExact: [number, string][];
  received: Float64Array[];
  columns: Record<ColumnName, UintArray[]>;
}

export class EventIndex {
  /** Sequence number of row 0. */
  private base = 0;
  private count = 0;
  private readonly ids = new IdTable();
  private cols: Record<ColumnName, Column>;
  private readonly received = new Rows<Float64Array>((n) => new Float64Array(n), 1);
  private readonly receivedExact = new Map<number, string>();
  private readonly dicts: Record<DictName, Dict>;
  private readonly alertWords = new Uint32Array(4);
  /**
   * Sequence numbers per organization code, ascending, for every organization but the first
   * (code 0): most stores hold one, whose list would be every row (8 bytes per event for
   * nothing); the first one's events are found by a walk of the org column instead.
   */
  private readonly byOrg = new Map<number, IntList>();

  /** `titleCap`: distinct titles kept in memory (the rest are read from their events when shown). */
  constructor(private readonly titleCap = DICT_CAP.title) {
    this.cols = Object.fromEntries(COLUMNS.map((c) => [c, new Column(minWidth(c))])) as Record<ColumnName, Column>;
    this.dicts = Object.fromEntries(DICTS.map((d) => [d, new Dict(this.cap(d), d === 'alert' ? [''] : [])])) as Record<DictName, Dict>;
  }

  private cap(d: DictName): number {
    return d === 'title' ? this.titleCap : DICT_CAP[d];
  }

  /** Up to n more rows of the id table a load or retention left to fill in (IdTable.finishSome); true while some remain. */
  finishSome(n: number): boolean {
    return this.ids.finishSome(n);
  }

  /** Events indexed. */
  get size(): number {
    return this.count;
  }
  /** Sequence number the next event gets (one past the newest). */
  get end(): number {
    return this.base + this.count;
  }
  get first(): number {
    return this.base;
  }

  has(id: string): boolean {
    return this.ids.row(id) !== undefined;
  }

  seqOf(id: string): number | undefined {
    const row = this.ids.row(id);
    return row === undefined ? undefined : this.base + row;
  }

  location(seq: number): Location {
    const row = seq - this.base;
    return { segment: this.cols.segment.get(row), offset: this.cols.offset.get(row), length: this.cols.length.get(row) };
  }

  add(e: IndexedEvent, loc: Location): number {
    const row = this.count++;
    const seq = this.base + row;
    const c = this.cols;
    const d = this.dicts;
    c.segment.set(row, loc.segment);
    c.offset.set(row, loc.offset);
    c.length.set(row, loc.length);
    const org = d.org.code(e.organization);
    c.org.set(row, org);
    c.source.set(row, d.source.code(e.source));
    c.sourceName.set(row, d.sourceName.code(e.source_name));
    c.dialect.set(row, d.dialect.code(e.dialect));
    c.severity.set(row, d.severity.code(e.severity));
    c.status.set(row, d.status.code(e.status));
    c.priority.set(row, d.priority.code(e.priority));
    const title = d.title.codeIfRoom(e.title);
    c.title.set(row, title === -1 ? NO_TITLE : title);
    const words = this.alertWords;
    const uuid = e.alert_id != null && IdTable.encode(e.alert_id, words, 0);
    if (!uuid) words.fill(0);
    ALERT_WORDS.forEach((name, i) => c[name].set(row, words[i]));
    c.alert.set(row, e.alert_id == null || uuid ? NULL_CODE : d.alert.code(e.alert_id));
    const ms = Date.parse(e.received_at);
    this.received.chunk(row)[row & CHUNK_MASK] = ms;
    if (!Number.isFinite(ms) || new Date(ms).toISOString() !== e.received_at) this.receivedExact.set(seq, e.received_at);
    this.ids.add(row, e.id);
    if (org !== 0) {
      let list = this.byOrg.get(org);
      if (!list) this.byOrg.set(org, (list = new IntList()));
      list.push(seq);
    }
    return seq;
  }

  /** The event's row as a summary; its title is null when only the event holds it (see NO_TITLE). */
  summary(seq: number): Omit<EventSummary, 'title'> & { title: string | null } {
    const row = seq - this.base;
    const c = this.cols;
    const d = this.dicts;
    const alert = c.alert.get(row);
    const [w0, w1, w2, w3] = ALERT_WORDS.map((name) => c[name].get(row));
    return {
      id: this.ids.id(row),
      organization: d.org.values[c.org.get(row)],
      source: d.source.values[c.source.get(row)],
      source_name: d.sourceName.values[c.sourceName.get(row)],
      dialect: d.dialect.values[c.dialect.get(row)] as Dialect,
      received_at: this.receivedExact.get(seq) ?? new Date(this.receivedAt(row)).toISOString(),
      title: c.title.get(row) === NO_TITLE ? null : d.title.values[c.title.get(row)],
      severity: d.severity.values[c.severity.get(row)] as Severity,
      status: d.status.values[c.status.get(row)] as Status,
      priority: d.priority.values[c.priority.get(row)] as Priority,
      alert_id: (w0 | w1 | w2 | w3) !== 0 ? IdTable.format(w0, w1, w2, w3) : alert === NULL_CODE ? null : d.alert.values[alert],
    };
  }

  /** Newest received_at (epoch ms) among the events of one segment, or undefined if it has none. */
  newestInSegments(): Map<number, number> {
    const out = new Map<number, number>();
    for (let row = 0; row < this.count; row++) {
      const s = this.cols.segment.get(row);
      const ms = this.receivedAt(row);
      const prev = out.get(s);
      if (prev === undefined || ms > prev) out.set(s, ms);
    }
    return out;
  }

  segmentOf(seq: number): number {
    return this.cols.segment.get(seq - this.base);
  }

  private receivedAt(row: number): number {
    return this.received.chunks[row >>> CHUNK_SHIFT][row & CHUNK_MASK];
  }

  /** The first sequence number stored in the same segment as `seq`. */
  segmentStart(seq: number): number {
    const seg = this.cols.segment;
    return this.base + lowerBound(seg, 0, seq - this.base, seg.get(seq - this.base));
  }

  /** The first sequence number in [lo, hi) (one segment) whose record starts at or after `offset`; hi if none. */
  firstAtOffset(lo: number, hi: number, offset: number): number {
    return this.base + lowerBound(this.cols.offset, lo - this.base, hi - this.base, offset);
  }

  /** The filter (organization and fields; not text) as a test of one sequence number; null when nothing can match. */
  predicate(filter: Omit<EventFilter, 'text'>): ((seq: number) => boolean) | null {
    const d = this.dicts;
    const c = this.cols;
    const want = (name: DictName, value: string | undefined): number | null | undefined => {
      if (value === undefined) return null;
      const code = d[name].find(value);
      return code === -1 && d[name].complete ? undefined : code;
    };
    const tests: ((row: number) => boolean)[] = [];
    for (const [name, col, value] of [
      ['org', c.org, filter.organization],
      ['dialect', c.dialect, filter.dialect],
      ['source', c.source, filter.source],
      ['severity', c.severity, filter.severity],
      ['status', c.status, filter.status],
    ] as const) {
      const code = want(name, value);
      if (code === undefined) return null;
      if (code === null) continue;
      tests.push(code === -1 ? (row) => d[name].values[col.get(row)] === value : (row) => col.get(row) === code);
    }
    return (seq) => {
      const row = seq - this.base;
      for (const t of tests) if (!t(row)) return false;
      return true;
    };
  }

  /**
   * Walks events newest first from just below sequence number `before`, calling `take` for
   * each match until it returns false.
   */
  scan(filter: EventFilter, before: number, take: (seq: number) => boolean): void {
    const d = this.dicts;
    // A value never indexed matches nothing (unless a dictionary is past its cap: compare strings then).
    const want = (name: DictName, value: string | undefined): number | null | undefined => {
      if (value === undefined) return null;
      const code = d[name].find(value);
      return code === -1 && d[name].complete ? undefined : code;
    };
    const org = want('org', filter.organization);
    const dialect = want('dialect', filter.dialect);
    const source = want('source', filter.source);
    const severity = want('severity', filter.severity);
    const status = want('status', filter.status);
    if (org === undefined || dialect === undefined || source === undefined || severity === undefined || status === undefined) return;
    const c = this.cols;
    const eq = (name: DictName, col: Column, code: number | null, value: string | undefined, row: number): boolean =>
      code === null || (code === -1 ? d[name].values[col.get(row)] === value : col.get(row) === code);
    const matches = (row: number): boolean =>
      eq('dialect', c.dialect, dialect, filter.dialect, row) &&
      eq('source', c.source, source, filter.source, row) &&
      eq('severity', c.severity, severity, filter.severity, row) &&
      eq('status', c.status, status, filter.status, row);
    const bound = Math.min(before, this.end);
    if (org === null) {
      for (let seq = bound - 1; seq >= this.base; seq--) if (matches(seq - this.base) && !take(seq)) return;
      return;
    }
    if (org === 0 || org === -1) {
      for (let seq = bound - 1; seq >= this.base; seq--) {
        const row = seq - this.base;
        if (eq('org', c.org, org, filter.organization, row) && matches(row) && !take(seq)) return;
      }
      return;
    }
    const list = this.byOrg.get(org);
    if (!list) return;
    for (let i = lastBelow(list, bound); i >= 0; i--) {
      const seq = list.data[i];
      if (seq < this.base) return;
      if (matches(seq - this.base) && !take(seq)) return;
    }
  }

  /** Drops the events stored in segments numbered below `segment` (they are the oldest rows); returns how many. */
  dropSegmentsBelow(segment: number): number {
    let k = 0;
    const seg = this.cols.segment;
    while (k < this.count && seg.get(k) < segment) k++;
    if (k === 0) return 0;
    for (const col of COLUMNS) {
      this.cols[col].copyWithin(0, k, this.count);
      this.cols[col].truncate(this.count - k);
    }
    this.received.copyWithin(0, k, this.count);
    this.received.truncate(this.count - k);
    this.ids.dropFront(k, this.count);
    for (const seq of [...this.receivedExact.keys()]) if (seq < this.base + k) this.receivedExact.delete(seq);
    this.base += k;
    this.count -= k;
    for (const list of this.byOrg.values()) list.dropBelow(this.base);
    return k;
  }

  image(): IndexImage {
    return {
      base: this.base,
      count: this.count,
      idWords: this.ids.words.pieces(this.count),
      otherIds: [...this.ids.other],
      dicts: Object.fromEntries(DICTS.map((d) => [d, this.dicts[d].values])) as Record<DictName, string[]>,
      receivedExact: [...this.receivedExact.entries()].map(([seq, v]) => [seq - this.base, v]),
      received: this.received.pieces(this.count),
      columns: Object.fromEntries(COLUMNS.map((c) => [c, this.cols[c].pieces(this.count)])) as Record<ColumnName, UintArray[]>,
    };
  }

  /** An index holding exactly what an image describes (validated by the caller's checksum); chunk-sized pieces are adopted, not copied. */
  static fromImage(img: IndexImage, titleCap = DICT_CAP.title): EventIndex {
    const index = new EventIndex(titleCap);
    index.base = img.base;
    index.count = img.count;
    index.ids.words.load(img.idWords);
    index.received.load(img.received);
    index.cols = Object.fromEntries(COLUMNS.map((c) => [c, Column.load(img.columns[c], minWidth(c))])) as Record<ColumnName, Column>;
    index.ids.rebuild(img.count, img.otherIds);
    for (const d of DICTS) (index.dicts as Record<DictName, Dict>)[d] = new Dict(index.cap(d), img.dicts[d]);
    for (const [row, v] of img.receivedExact) index.receivedExact.set(img.base + row, v);
    const orgCol = index.cols.org;
    for (let row = 0; row < img.count; row++) {
      const org = orgCol.get(row);
      if (org === 0) continue;
      let list = index.byOrg.get(org);
      if (!list) index.byOrg.set(org, (list = new IntList(1024)));
      list.push(img.base + row);
    }
    return index;
  }
}
