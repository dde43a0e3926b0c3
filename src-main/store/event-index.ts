// The in-memory index of stored events, compact enough for a million of them: one row per
// event in typed-array columns, repeated strings (organization, source, enums, titles,
// alert ids) dictionary-encoded, received_at as epoch milliseconds. What stays a JS object
// per event is only its id (a string in an array and a Map key). Rows are in commit order;
// an event's sequence number is `base + row`, and retention drops rows from the front.
import type { Dialect, EventSummary, Priority, Severity, Status } from '../core/types';
import type { Location } from './segment-log';

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
  /** The code of a value, or -1 when it was never seen (beyond the cap: also -1 — callers compare strings then). */
  find(s: string): number {
    return this.codes.get(s) ?? -1;
  }
  get complete(): boolean {
    return this.codes.size === this.values.length;
  }
}

const NULL_CODE = 0xffffffff;
const COLUMNS = ['segment', 'offset', 'length', 'org', 'source', 'sourceName', 'dialect', 'severity', 'status', 'priority', 'title', 'alert'] as const;
type ColumnName = (typeof COLUMNS)[number];
const DICTS = ['org', 'source', 'sourceName', 'dialect', 'severity', 'status', 'priority', 'title', 'alert'] as const;
type DictName = (typeof DICTS)[number];
/** Distinct values remembered per dictionary for sharing (titles and alert ids can be unbounded). */
const DICT_CAP: Record<DictName, number> = { org: 1e6, source: 1e6, sourceName: 1e6, dialect: 1e6, severity: 1e6, status: 1e6, priority: 1e6, title: 200_000, alert: 200_000 };

/** Growable Int32 list (per-organization sequence numbers). */
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
  /** Lower-case substring of title, source name or id. */
  text?: string;
}

/** What a snapshot holds of the index: columns as raw bytes plus the strings. */
export interface IndexImage {
  base: number;
  count: number;
  ids: string[];
  dicts: Record<DictName, string[]>;
  /** received_at values that epoch milliseconds would not give back exactly: [row, value]. */
  receivedExact: [number, string][];
  received: Float64Array;
  columns: Record<ColumnName, Uint32Array>;
}

export class EventIndex {
  /** Sequence number of row 0. */
  private base = 0;
  private count = 0;
  private ids: string[] = [];
  private readonly rowById = new Map<string, number>();
  private cols: Record<ColumnName, Uint32Array>;
  private received: Float64Array;
  private readonly receivedExact = new Map<number, string>();
  private readonly dicts: Record<DictName, Dict>;
  /** Sequence numbers per organization code, ascending. */
  private readonly byOrg = new Map<number, IntList>();

  constructor(capacity = 1024) {
    this.cols = Object.fromEntries(COLUMNS.map((c) => [c, new Uint32Array(capacity)])) as Record<ColumnName, Uint32Array>;
    this.received = new Float64Array(capacity);
    this.dicts = Object.fromEntries(DICTS.map((d) => [d, new Dict(DICT_CAP[d])])) as Record<DictName, Dict>;
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
    return this.rowById.has(id);
  }

  seqOf(id: string): number | undefined {
    const row = this.rowById.get(id);
    return row === undefined ? undefined : row; // rows are stored as sequence numbers
  }

  location(seq: number): Location {
    const row = seq - this.base;
    return { segment: this.cols.segment[row], offset: this.cols.offset[row], length: this.cols.length[row] };
  }

  add(e: IndexedEvent, loc: Location): number {
    if (this.count === this.received.length) this.grow(this.count * 2);
    const row = this.count++;
    const seq = this.base + row;
    const c = this.cols;
    const d = this.dicts;
    c.segment[row] = loc.segment;
    c.offset[row] = loc.offset;
    c.length[row] = loc.length;
    const org = d.org.code(e.organization);
    c.org[row] = org;
    c.source[row] = d.source.code(e.source);
    c.sourceName[row] = d.sourceName.code(e.source_name);
    c.dialect[row] = d.dialect.code(e.dialect);
    c.severity[row] = d.severity.code(e.severity);
    c.status[row] = d.status.code(e.status);
    c.priority[row] = d.priority.code(e.priority);
    c.title[row] = d.title.code(e.title);
    c.alert[row] = e.alert_id == null ? NULL_CODE : d.alert.code(e.alert_id);
    const ms = Date.parse(e.received_at);
    this.received[row] = ms;
    if (!Number.isFinite(ms) || new Date(ms).toISOString() !== e.received_at) this.receivedExact.set(seq, e.received_at);
    this.ids.push(e.id);
    this.rowById.set(e.id, seq);
    let list = this.byOrg.get(org);
    if (!list) this.byOrg.set(org, (list = new IntList()));
    list.push(seq);
    return seq;
  }

  summary(seq: number): EventSummary {
    const row = seq - this.base;
    const c = this.cols;
    const d = this.dicts;
    const alert = c.alert[row];
    return {
      id: this.ids[row],
      organization: d.org.values[c.org[row]],
      source: d.source.values[c.source[row]],
      source_name: d.sourceName.values[c.sourceName[row]],
      dialect: d.dialect.values[c.dialect[row]] as Dialect,
      received_at: this.receivedExact.get(seq) ?? new Date(this.received[row]).toISOString(),
      title: d.title.values[c.title[row]],
      severity: d.severity.values[c.severity[row]] as Severity,
      status: d.status.values[c.status[row]] as Status,
      priority: d.priority.values[c.priority[row]] as Priority,
      alert_id: alert === NULL_CODE ? null : d.alert.values[alert],
    };
  }

  /** Newest received_at (epoch ms) among the events of one segment, or undefined if it has none. */
  newestInSegments(): Map<number, number> {
    const out = new Map<number, number>();
    for (let row = 0; row < this.count; row++) {
      const s = this.cols.segment[row];
      const ms = this.received[row];
      const prev = out.get(s);
      if (prev === undefined || ms > prev) out.set(s, ms);
    }
    return out;
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
    const eq = (name: DictName, col: Uint32Array, code: number | null, value: string | undefined, row: number): boolean =>
      code === null || (code === -1 ? d[name].values[col[row]] === value : col[row] === code);
    const text = filter.text;
    const matches = (row: number): boolean =>
      eq('dialect', c.dialect, dialect, filter.dialect, row) &&
      eq('source', c.source, source, filter.source, row) &&
      eq('severity', c.severity, severity, filter.severity, row) &&
      eq('status', c.status, status, filter.status, row) &&
      (text === undefined ||
        d.title.values[c.title[row]].toLowerCase().includes(text) ||
        d.sourceName.values[c.sourceName[row]].toLowerCase().includes(text) ||
        this.ids[row].toLowerCase().includes(text));
    const bound = Math.min(before, this.end);
    if (org === null) {
      for (let seq = bound - 1; seq >= this.base; seq--) if (matches(seq - this.base) && !take(seq)) return;
      return;
    }
    if (org === -1) {
      for (let seq = bound - 1; seq >= this.base; seq--) {
        const row = seq - this.base;
        if (d.org.values[c.org[row]] === filter.organization && matches(row) && !take(seq)) return;
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

  /** Drops the events stored in segments numbered below `segment` (they are the oldest rows); returns their ids. */
  dropSegmentsBelow(segment: number): string[] {
    let k = 0;
    while (k < this.count && this.cols.segment[k] < segment) k++;
    if (k === 0) return [];
    const dropped = this.ids.slice(0, k);
    for (const id of dropped) this.rowById.delete(id);
    for (const col of COLUMNS) this.cols[col].copyWithin(0, k, this.count);
    this.received.copyWithin(0, k, this.count);
    for (const seq of [...this.receivedExact.keys()]) if (seq < this.base + k) this.receivedExact.delete(seq);
    this.ids = this.ids.slice(k);
    this.base += k;
    this.count -= k;
    for (const list of this.byOrg.values()) list.dropBelow(this.base);
    return dropped;
  }

  image(): IndexImage {
    return {
      base: this.base,
      count: this.count,
      ids: this.ids,
      dicts: Object.fromEntries(DICTS.map((d) => [d, this.dicts[d].values])) as Record<DictName, string[]>,
      receivedExact: [...this.receivedExact.entries()].map(([seq, v]) => [seq - this.base, v]),
      received: this.received.subarray(0, this.count),
      columns: Object.fromEntries(COLUMNS.map((c) => [c, this.cols[c].subarray(0, this.count)])) as Record<ColumnName, Uint32Array>,
    };
  }

  /** An index holding exactly what an image describes (validated by the caller's checksum). */
  static fromImage(img: IndexImage): EventIndex {
    const index = new EventIndex(Math.max(1024, img.count + (img.count >> 2)));
    index.base = img.base;
    index.count = img.count;
    index.ids = img.ids;
    for (const c of COLUMNS) index.cols[c].set(img.columns[c]);
    index.received.set(img.received);
    for (const d of DICTS) (index.dicts as Record<DictName, Dict>)[d] = new Dict(DICT_CAP[d], img.dicts[d]);
    for (const [row, v] of img.receivedExact) index.receivedExact.set(img.base + row, v);
    const orgCol = index.cols.org;
    for (let row = 0; row < img.count; row++) {
      const seq = img.base + row;
      index.rowById.set(img.ids[row], seq);
      let list = index.byOrg.get(orgCol[row]);
      if (!list) index.byOrg.set(orgCol[row], (list = new IntList(1024)));
      list.push(seq);
    }
    return index;
  }

  private grow(capacity: number): void {
    for (const c of COLUMNS) {
      const next = new Uint32Array(capacity);
      next.set(this.cols[c]);
      this.cols[c] = next;
    }
    const r = new Float64Array(capacity);
    r.set(this.received);
    this.received = r;
  }
}
