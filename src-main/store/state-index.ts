// Where every state record (alerts, cases, deliveries, their payloads and attempts,
// notifications) lives on disk, compact enough for millions of them: per kind, one row per
// id in typed-array columns (location, organization, status, group, hashes of the event and
// alert it belongs to), UUIDs as 16 bytes. Only "live" records (pending deliveries, open
// alerts, unread notifications: what the runtimes work on) keep their data in memory;
// finished ones are read back from the log by location when asked for.
// Rows are in order of first write, so "newest first" is a walk from the last row down.
import { Column, renumbering, type UintArray } from './chunked';
import { Dict, IdTable } from './event-index';
import { LookupTable } from './lookup-table';
import type { Location } from './store-fs';

/** What a listable record is filtered by (deliveries by destination, status, event, alert). */
export interface StateKeys {
  organization: string;
  status?: string;
  /** A small set of values, e.g. the destination id. */
  group?: string | null;
  event_id?: string | null;
  alert_id?: string | null;
  /** Values the record is found by with lookupState() in its organization (an alert's key, short id). */
  lookup?: readonly string[];
  /** A time (epoch ms) the record can be filtered by (`until`), e.g. when an alert was last seen. */
  at?: number;
}

export interface StateFilter {
  organization?: string;
  status?: string;
  group?: string;
  event_id?: string;
  alert_id?: string;
  /** Only records whose `at` key is at or before this time (epoch ms), to the second: callers check the record. */
  until?: number;
}

// ev/al: hashes of the event and alert id (one byte wide while a kind never has them).
// cseg/coff/clen: where the companion record with the same id is (see StateRecord.companionOf).
// bseg/boff/blen: where the full version a patch record extends is (see StateRecord.appendTo).
const COLS = ['segment', 'offset', 'length', 'org', 'status', 'group', 'at', 'flags', 'ev', 'al', 'cseg', 'coff', 'clen', 'bseg', 'boff', 'blen'] as const;
const minWidth = (c: ColName): 1 | 4 => (c === 'offset' ? 4 : 1);
/** flags: kept on disk only, yet carried forward by retention (see StateRecord.cold). */
const COLD = 1;
type ColName = (typeof COLS)[number];
const DICTS = ['org', 'status', 'group'] as const;
type DictName = (typeof DICTS)[number];
/** Distinct group values shared by code; beyond it new values still get codes (compared as strings). */
const GROUP_DICT_CAP = 100_000;

/** 32-bit FNV-1a of a string: filters on event/alert ids compare hashes, then the record. */
export function hash32(s: string | null | undefined): number {
  if (s == null) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0) || 1;
}

/** A kind's table as a snapshot stores it. */
export interface KindImage {
  kind: string;
  count: number;
  idWords: Uint32Array[];
  otherIds: [number, string][];
  dicts: Record<DictName, string[]>;
  columns: Record<ColName, UintArray[]>;
  /** The kind of the companion records kept in this kind's rows, if any. */
  companion: string | null;
  /** (hash of a lookup value, row) entries. */
  lookupHashes: Uint32Array;
  lookupRows: Uint32Array;
  /** Live records' data (and keys), by row. */
  live: [number, unknown, StateKeys?][];
}

class KindTable {
  count = 0;
  ids = new IdTable();
  cols: Record<ColName, Column>;
  dicts: Record<DictName, Dict>;
  lookups = new LookupTable();
  /** The kind whose records ride in this kind's rows (by the same id), if any. */
  companion: string | null = null;
  /** Data (and keys, carried forward with them by retention) of live records, by id. */
  readonly live = new Map<string, { data: unknown; keys?: StateKeys }>();

  constructor(readonly kind: string) {
    this.cols = Object.fromEntries(COLS.map((c) => [c, new Column(minWidth(c))])) as Record<ColName, Column>;
    this.dicts = { org: new Dict(1e6), status: new Dict(1e6), group: new Dict(GROUP_DICT_CAP) };
  }

  row(id: string): number | undefined {
    return this.ids.row(id);
  }

  put(id: string, loc: Location, keys: StateKeys | undefined, live: boolean, data: unknown, cold = false, patch = false): void {
    let row = this.ids.row(id);
    const c = this.cols;
    // A patch extends the last full version: the first patch after it remembers where it is.
    if (patch && row !== undefined) {
      if (c.blen.get(row) === 0) {
        c.bseg.set(row, c.segment.get(row));
        c.boff.set(row, c.offset.get(row));
        c.blen.set(row, c.length.get(row));
      }
    } else if (row !== undefined) c.blen.set(row, 0);
    if (row === undefined) {
      row = this.count++;
      this.ids.add(row, id);
      // A record written without keys belongs to no organization: no list filter finds it.
      if (!keys) c.org.set(row, this.dicts.org.code(''));
    }
    c.segment.set(row, loc.segment);
    c.offset.set(row, loc.offset);
    c.length.set(row, loc.length);
    c.flags.set(row, live && cold ? COLD : 0);
    if (keys) {
      c.org.set(row, this.dicts.org.code(keys.organization));
      c.status.set(row, this.dicts.status.code(keys.status ?? ''));
      c.group.set(row, this.dicts.group.code(keys.group ?? ''));
      c.ev.set(row, hash32(keys.event_id));
      c.al.set(row, hash32(keys.alert_id));
      c.at.set(row, keys.at === undefined ? 0 : Math.max(1, Math.floor(keys.at / 1000)));
      for (const v of keys.lookup ?? []) this.lookups.add(hash32(v), row);
    }
    if (live && !cold) this.live.set(id, keys ? { data, keys } : { data, keys: this.live.get(id)?.keys });
    else this.live.delete(id);
  }

  location(row: number): Location {
    return { segment: this.cols.segment.get(row), offset: this.cols.offset.get(row), length: this.cols.length.get(row) };
  }

  /** Rows matching the filter, newest first, from just below `before`, until `take` returns false. */
  scan(filter: StateFilter, before: number, take: (row: number) => boolean): void {
    const want = (name: DictName, value: string | undefined): number | null | undefined => {
      if (value === undefined) return null;
      const code = this.dicts[name].find(value);
      return code === -1 && this.dicts[name].complete ? undefined : code;
    };
    const org = want('org', filter.organization);
    const status = want('status', filter.status);
    const group = want('group', filter.group);
    if (org === undefined || status === undefined || group === undefined) return;
    const eq = (name: DictName, code: number | null, value: string | undefined, row: number): boolean =>
      code === null || (code === -1 ? this.dicts[name].values[this.cols[name].get(row)] === value : this.cols[name].get(row) === code);
    const ev = filter.event_id === undefined ? 0 : hash32(filter.event_id);
    const al = filter.alert_id === undefined ? 0 : hash32(filter.alert_id);
    const until = filter.until === undefined ? -1 : Math.floor(filter.until / 1000);
    const { at, ev: evs, al: als } = this.cols;
    for (let row = Math.min(before, this.count) - 1; row >= 0; row--) {
      if (!eq('org', org, filter.organization, row) || !eq('status', status, filter.status, row) || !eq('group', group, filter.group, row)) continue;
      if ((ev && evs.get(row) !== ev) || (al && als.get(row) !== al)) continue;
      if (until >= 0 && (at.get(row) === 0 || at.get(row) > until)) continue;
      if (!take(row)) return;
    }
  }

  /**
   * Keeps only the rows stored in `segment` or after (order kept); returns how many went. One
   * pass over every row reads the columns' chunks directly (a call per value made it 15–20 ms
   * at a million rows); it also forgets what a kept row had in a deleted segment.
   */
  compactBelow(segment: number): number {
    const n = this.count;
    const moved = new Int32Array(n);
    const c = this.cols;
    const [segs, clens, csegs, blens, bsegs] = [c.segment, c.clen, c.cseg, c.blen, c.bseg].map((col) => col.pieces(n));
    let kept = 0;
    for (let i = 0, row = 0; i < segs.length; i++) {
      const [seg, clen, cseg, blen, bseg] = [segs[i], clens[i], csegs[i], blens[i], bsegs[i]];
      for (let j = 0; j < seg.length; j++, row++) {
        if (seg[j] < segment) {
          moved[row] = -1;
          if (this.live.size) this.live.delete(this.ids.id(row));
          continue;
        }
        moved[row] = kept++;
        // A row carried forward keeps its place; a companion or full version left in a deleted segment is gone.
        if (clen[j] > 0 && cseg[j] < segment) c.clen.set(row, 0);
        if (blen[j] > 0 && bseg[j] < segment) c.blen.set(row, 0);
      }
    }
    if (kept === n) return 0;
    const plan = renumbering(moved, n);
    this.lookups.remap(moved);
    // Runs of rows move down with one copy per column each, not a get and a set per value.
    for (const name of COLS) {
      const col = c[name];
      for (let i = 0; i < plan.runs.length; i += 3) col.copyWithin(plan.runs[i + 2], plan.runs[i], plan.runs[i + 1]);
      col.truncate(kept);
    }
    this.ids.remap(plan);
    this.count = kept;
    return n - kept;
  }

  image(): KindImage {
    const n = this.count;
    const lookups = this.lookups.entries();
    const live: [number, unknown, StateKeys?][] = [];
    for (const [id, l] of this.live) live.push(l.keys ? [this.ids.row(id)!, l.data, l.keys] : [this.ids.row(id)!, l.data]);
    return {
      kind: this.kind,
      count: n,
      idWords: this.ids.words.pieces(n),
      otherIds: [...this.ids.other],
      dicts: { org: this.dicts.org.values, status: this.dicts.status.values, group: this.dicts.group.values },
      columns: Object.fromEntries(COLS.map((c) => [c, this.cols[c].pieces(n)])) as Record<ColName, UintArray[]>,
      companion: this.companion,
      lookupHashes: lookups.hashes,
      lookupRows: lookups.rows,
      live,
    };
  }

  static fromImage(img: KindImage): KindTable {
    const t = new KindTable(img.kind);
    t.count = img.count;
    t.ids.words.load(img.idWords);
    t.cols = Object.fromEntries(COLS.map((c) => [c, Column.load(img.columns[c], minWidth(c))])) as Record<ColName, Column>;
    t.lookups = LookupTable.from(img.lookupHashes, img.lookupRows);
    t.companion = img.companion;
    t.dicts = { org: new Dict(1e6, img.dicts.org), status: new Dict(1e6, img.dicts.status), group: new Dict(GROUP_DICT_CAP, img.dicts.group) };
    t.ids.rebuild(img.count, img.otherIds);
    for (const [row, data, keys] of img.live) t.live.set(t.ids.id(row), keys ? { data, keys } : { data });
    return t;
  }
}

export { COLS as STATE_COLUMNS };
export type { ColName as StateColumnName };

export class StateIndex {
  private readonly kinds = new Map<string, KindTable>();

  private table(kind: string): KindTable {
    let t = this.kinds.get(kind);
    if (!t) this.kinds.set(kind, (t = new KindTable(kind)));
    return t;
  }

  put(kind: string, id: string, loc: Location, keys: StateKeys | undefined, live: boolean, data: unknown, cold = false, patch = false): void {
    this.table(kind).put(id, loc, keys, live, data, cold, patch);
  }

  /** Where the full version a record's latest patch extends is, when its latest is a patch. */
  baseAt(kind: string, id: string): Location | undefined {
    const t = this.kinds.get(kind);
    const row = t?.row(id);
    if (!t || row === undefined || t.cols.blen.get(row) === 0) return undefined;
    return { segment: t.cols.bseg.get(row), offset: t.cols.boff.get(row), length: t.cols.blen.get(row) };
  }

  /**
   * A companion record: its location kept in the row of `host` with the same id (no row of its
   * own); false when there is no such row (the caller then indexes it as a record of its own).
   */
  putCompanion(kind: string, host: string, id: string, loc: Location): boolean {
    const t = this.kinds.get(host);
    const row = t?.row(id);
    if (!t || row === undefined || (t.companion !== null && t.companion !== kind)) return false;
    t.companion = kind;
    t.cols.cseg.set(row, loc.segment);
    t.cols.coff.set(row, loc.offset);
    t.cols.clen.set(row, loc.length);
    return true;
  }

  /** Ids of an organization's records written with this lookup value, newest first (a hash collision may add one: callers check). */
  lookup(kind: string, organization: string, value: string): string[] {
    const t = this.kinds.get(kind);
    const org = t?.dicts.org.find(organization) ?? -1;
    if (!t || org === -1) return [];
    return t.lookups.find(hash32(value)).filter((row) => t.cols.org.get(row) === org).map((row) => t.ids.id(row));
  }

  /** How many records of a kind match the filter. */
  count(kind: string, filter: StateFilter): number {
    let n = 0;
    this.kinds.get(kind)?.scan(filter, Infinity, () => ++n > 0);
    return n;
  }

  has(kind: string, id: string): boolean {
    return this.kinds.get(kind)?.row(id) !== undefined;
  }

  /** A live record's data (in memory), or where a finished one is on disk. */
  find(kind: string, id: string): { data: unknown } | { location: Location } | undefined {
    const t = this.kinds.get(kind);
    const l = t?.live.get(id);
    if (l) return { data: l.data };
    const row = t?.row(id);
    if (t && row !== undefined) return { location: t.location(row) };
    for (const host of this.kinds.values()) {
      if (host.companion !== kind) continue;
      const at = host.row(id);
      if (at !== undefined && host.cols.clen.get(at) > 0) return { location: { segment: host.cols.cseg.get(at), offset: host.cols.coff.get(at), length: host.cols.clen.get(at) } };
    }
    return undefined;
  }

  /** Every live record, kind by kind. */
  *live(): Generator<{ kind: string; id: string; data: unknown }> {
    for (const t of this.kinds.values()) for (const [id, l] of t.live) yield { kind: t.kind, id, data: l.data };
  }

  liveCount(): number {
    let n = 0;
    for (const t of this.kinds.values()) n += t.live.size;
    return n;
  }

  /** Records of one kind (count of rows), for stats. */
  size(kind?: string): number {
    if (kind !== undefined) return this.kinds.get(kind)?.count ?? 0;
    let n = 0;
    for (const t of this.kinds.values()) n += t.count;
    return n;
  }

  /**
   * Ids matching the filter, newest first, after the record `cursor` (exclusive), until `take`
   * returns false. Undefined when the cursor is not a record of this kind.
   */
  scan(kind: string, filter: StateFilter, cursor: string | undefined, take: (id: string, at: { data: unknown } | { location: Location }) => boolean): boolean {
    const t = this.kinds.get(kind);
    if (!t) return cursor === undefined;
    let before = t.count;
    if (cursor !== undefined) {
      const row = t.row(cursor);
      // A cursor is a record of this list: of the organization asked about.
      if (row === undefined || (filter.organization !== undefined && t.dicts.org.values[t.cols.org.get(row)] !== filter.organization)) return false;
      before = row;
    }
    t.scan(filter, before, (row) => {
      const id = t.ids.id(row);
      const l = t.live.get(id);
      return take(id, l ? { data: l.data } : { location: t.location(row) });
    });
    return true;
  }

  /** Live records stored in segments at or below `through` (retention carries them forward). */
  liveIn(through: number): { kind: string; id: string; data: unknown; keys?: StateKeys }[] {
    const out: { kind: string; id: string; data: unknown; keys?: StateKeys }[] = [];
    for (const t of this.kinds.values()) {
      for (const [id, l] of t.live) if (t.cols.segment.get(t.row(id)!) <= through) out.push({ kind: t.kind, id, data: l.data, ...(l.keys ? { keys: l.keys } : {}) });
    }
    return out;
  }

  /** Where the companion of a record is, when it has one. */
  companionAt(kind: string, id: string): Location | undefined {
    const t = this.kinds.get(kind);
    const row = t?.row(id);
    if (!t || row === undefined || t.cols.clen.get(row) === 0) return undefined;
    return { segment: t.cols.cseg.get(row), offset: t.cols.coff.get(row), length: t.cols.clen.get(row) };
  }

  /** The cold records (live, on disk only) stored in segments at or below `through`: retention reads and carries them. */
  coldIn(through: number): { kind: string; id: string }[] {
    const out: { kind: string; id: string }[] = [];
    for (const t of this.kinds.values()) {
      const { segment, flags } = t.cols;
      const { blen, bseg } = t.cols;
      // A patch whose full version is in a segment that goes is carried too (whole).
      for (let row = 0; row < t.count; row++) if (flags.get(row) & COLD && (segment.get(row) <= through || (blen.get(row) > 0 && bseg.get(row) <= through))) out.push({ kind: t.kind, id: t.ids.id(row) });
    }
    return out;
  }

  /** Forgets records stored in segments below `segment` (deleted by retention); live ones are carried forward first. */
  dropSegmentsBelow(segment: number): number {
    let n = 0;
    for (const kind of this.kinds.keys()) n += this.dropKindBelow(kind, segment);
    return n;
  }

  /** The kinds with records: retention drops them one at a time (dropKindBelow), a pass over each one's rows. */
  kindNames(): string[] {
    return [...this.kinds.keys()];
  }

  /** dropSegmentsBelow for one kind. */
  dropKindBelow(kind: string, segment: number): number {
    return this.kinds.get(kind)?.compactBelow(segment) ?? 0;
  }

  images(): KindImage[] {
    return [...this.kinds.values()].map((t) => t.image());
  }

  /** Up to n more entries of the tables a load or retention left to fill in, kind by kind; true while some remain. */
  finishSome(n: number): boolean {
    for (const t of this.kinds.values()) if (t.ids.finishSome(n) || t.lookups.linkSome(n)) return true;
    return false;
  }

  static fromImages(images: readonly KindImage[]): StateIndex {
    const index = new StateIndex();
    for (const img of images) index.kinds.set(img.kind, KindTable.fromImage(img));
    return index;
  }
}
