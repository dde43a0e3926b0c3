// The workstation Store: config.json through lowdb, events in an append-only segment
// log. Memory holds only compact summaries and indexes, rebuilt on open; full events
// (raw payloads) are read back from their segment on demand.
import { join } from 'node:path';
import { ValidationError } from '../core/errors';
import type { ConfigData, EventSummary, NormalizedEvent } from '../core/types';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, WRITE_QUEUE_MAX } from '../limits';
import { ConfigStore } from './config-store';
import { eventMigrations, migrateEventRecord, type Migration } from './migrations';
import { nodeStoreFs, SegmentLog, type Location, type ScanReport, type StoreFs } from './segment-log';
import {
  StoreOverloadedError,
  StoreUnavailableError,
  type AppendResult,
  type EventQuery,
  type OpenReport,
  type Page,
  type StateRecord,
  type Store,
  type StoreStats,
} from './types';

/** How a state record is written: tagged so the open-time scan tells it from an event. */
interface StateLine {
  schema_version: number;
  record: 'state';
  kind: string;
  id: string;
  data: unknown;
}

function stateLine(r: StateRecord): StateLine {
  return { schema_version: 1, record: 'state', kind: r.kind, id: r.id, data: r.data };
}

export interface FileStoreOptions {
  dataDir: string;
  /** Records allowed to wait for a commit (default WRITE_QUEUE_MAX); above it appends fail fast. */
  writeQueueMax?: number;
  /** Segment size at which a new segment starts (default SEGMENT_MAX_BYTES). */
  segmentMaxBytes?: number;
  /** File-system calls (default node:fs/promises); tests inject counting or failing ones. */
  fs?: StoreFs;
  /** Extra wait before each group commit to gather more records (default 0). */
  commitDelayMs?: number;
  /** Migration lists (default: the real ones); tests inject their own. */
  configMigrations?: readonly Migration[];
  eventMigrations?: readonly Migration[];
}

/** One stored event in memory: its summary fields and where its full record lives. */
interface Entry extends EventSummary {
  segment: number;
  offset: number;
  length: number;
}

interface PendingClaim {
  id: string;
  durable: Promise<void>;
}

const EVENTS_DIR = 'events';
const CONFIG_FILE = 'config.json';

function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, max: number): number {
  const m = /^s(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const seq = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(seq) || seq > max) throw new ValidationError(['cursor: not a cursor from this list']);
  return seq;
}

function pageLimit(limit: number): number {
  if (!Number.isFinite(limit)) return PAGE_SIZE_DEFAULT;
  return Math.min(PAGE_SIZE_MAX, Math.max(1, Math.floor(limit)));
}

/** Last index i with sorted[i] < bound, or -1. */
function lastBelow(sorted: readonly number[], bound: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

const REQUIRED_STRINGS = ['id', 'organization', 'source', 'source_name', 'title', 'received_at'] as const;

/** Enough of an event to index and filter it without tripping over missing fields. */
function isEventRecord(r: Record<string, unknown>): boolean {
  return REQUIRED_STRINGS.every((k) => typeof r[k] === 'string');
}

export class FileStore implements Store {
  readonly dataDir: string;
  private readonly writeQueueMax: number;
  private readonly fs: StoreFs;
  private readonly log: SegmentLog;
  private readonly cfg: ConfigStore;
  private readonly eventMigrations: readonly Migration[];
  private state: 'new' | 'opening' | 'open' | 'closed' = 'new';
  private closing: Promise<void> | null = null;

  /** Durable events in commit order; the position is the event's sequence number. */
  private readonly entries: Entry[] = [];
  private readonly seqById = new Map<string, number>();
  /** Sequence numbers per organization, ascending, so org-scoped lists skip other orgs. */
  private readonly seqsByOrg = new Map<string, number[]>();
  /** organization → dedup_key → id of the stored event. */
  private readonly dedup = new Map<string, Map<string, string>>();
  /** Claims of events handed to the log and not yet durable. */
  private readonly pendingIds = new Set<string>();
  private readonly pendingDedup = new Map<string, Map<string, PendingClaim>>();
  /** Repeated short strings (organization, source, enums) shared instead of one copy per event. */
  private readonly interned = new Map<string, string>();
  private skippedRecords = 0;
  /** Latest state record per `${kind}\u0000${id}`. */
  private readonly latest = new Map<string, StateRecord>();

  constructor(opts: FileStoreOptions) {
    this.dataDir = opts.dataDir;
    this.writeQueueMax = opts.writeQueueMax ?? WRITE_QUEUE_MAX;
    this.fs = opts.fs ?? nodeStoreFs;
    this.eventMigrations = opts.eventMigrations ?? eventMigrations;
    this.log = new SegmentLog({ dir: join(opts.dataDir, EVENTS_DIR), fs: this.fs, segmentMaxBytes: opts.segmentMaxBytes, commitDelayMs: opts.commitDelayMs });
    this.cfg = new ConfigStore({ path: join(opts.dataDir, CONFIG_FILE), fs: this.fs, migrations: opts.configMigrations });
  }

  async open(): Promise<OpenReport> {
    if (this.state !== 'new') throw new Error('store: open() may be called once');
    this.state = 'opening';
    const t0 = performance.now();
    let migrations: number[];
    let scan: ScanReport;
    try {
      await this.fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
      migrations = await this.cfg.open();
      scan = await this.log.open((record, loc) => this.indexRecord(record, loc));
    } catch (err) {
      await this.log.close(); // release segment files opened before the failure
      throw err;
    }
    this.state = 'open';
    return {
      events: this.entries.length,
      torn_lines_discarded: scan.tornLinesDiscarded,
      corrupt_lines_skipped: scan.corruptLinesSkipped + this.skippedRecords,
      migrations_applied: migrations,
      ms: Math.round(performance.now() - t0),
    };
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      this.state = 'closed';
      await Promise.all([this.log.close(), this.cfg.close()]);
    })());
  }

  config(): Readonly<ConfigData> {
    return this.cfg.read();
  }

  updateConfig<T>(mutate: (draft: ConfigData) => T): Promise<T> {
    if (this.state === 'closed') return Promise.reject(new StoreUnavailableError(new Error('the store is closed')));
    return this.cfg.update(mutate);
  }

  appendEvents(events: NormalizedEvent[], state: StateRecord[] = []): Promise<AppendResult[]> {
    // Everything up to log.append runs synchronously: dedup and id checks see every
    // claim made before this call and claim for this one before any other call runs.
    if (this.state !== 'open') return Promise.reject(new StoreUnavailableError(new Error('the store is not open')));
    if (this.log.queueDepth + events.length > this.writeQueueMax) return Promise.reject(new StoreOverloadedError());
    let settle!: { resolve(): void; reject(err: unknown): void };
    const durable = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    durable.catch(() => undefined); // observed through the returned promise; no unhandled rejection
    const results: AppendResult[] = [];
    const waits: Promise<void>[] = [];
    const fresh: NormalizedEvent[] = [];
    for (const e of events) {
      const original = this.findOriginal(e);
      if (original) {
        results.push({ id: e.id, duplicate_of: original.id });
        if (original.durable) waits.push(original.durable);
      } else if (this.seqById.has(e.id) || this.pendingIds.has(e.id)) {
        results.push({ id: e.id, id_conflict: true });
      } else {
        results.push({ id: e.id });
        fresh.push(e);
        this.claim(e, durable);
      }
    }
    if (fresh.length === 0) {
      settle.resolve();
      return Promise.all(waits).then(() => results);
    }
    // One .then directly on the log's promise: batches resolve in commit order, so
    // sequence numbers follow commit order. State rides in the same commit.
    const committed = this.log.append([...fresh, ...state.map(stateLine)]).then(
      (locations) => {
        fresh.forEach((e, i) => this.indexEvent(e, locations[i]));
        this.rememberState(state);
        this.release(fresh);
        settle.resolve();
      },
      (err: unknown) => {
        this.release(fresh);
        settle.reject(err);
        throw err;
      },
    );
    return Promise.all([committed, ...waits]).then(() => results);
  }

  async appendState(state: StateRecord[]): Promise<void> {
    if (this.state !== 'open') throw new StoreUnavailableError(new Error('the store is not open'));
    if (state.length === 0) return;
    if (this.log.queueDepth + state.length > this.writeQueueMax) throw new StoreOverloadedError();
    await this.log.append(state.map(stateLine));
    this.rememberState(state);
  }

  latestState(): StateRecord[] {
    return [...this.latest.values()];
  }

  duplicateOf(organization: string, dedupKey: string | null): string | undefined {
    if (dedupKey == null) return undefined;
    return this.dedup.get(organization)?.get(dedupKey) ?? this.pendingDedup.get(organization)?.get(dedupKey)?.id;
  }

  private rememberState(state: readonly StateRecord[]): void {
    for (const r of state) this.latest.set(`${r.kind}\u0000${r.id}`, r);
  }

  async getEvent(id: string): Promise<NormalizedEvent | undefined> {
    const seq = this.seqById.get(id);
    if (seq === undefined) return undefined;
    const { segment, offset, length } = this.entries[seq];
    let record: Record<string, unknown>;
    try {
      record = await this.log.read({ segment, offset, length });
    } catch (err) {
      throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err);
    }
    return migrateEventRecord(record, this.eventMigrations) as unknown as NormalizedEvent;
  }

  async listEvents(query: EventQuery): Promise<Page<EventSummary>> {
    const limit = pageLimit(query.limit);
    // Cursor = sequence number of the last item shown; older pages never shift.
    const bound = query.cursor ? decodeCursor(query.cursor, this.entries.length) : this.entries.length;
    const orgSeqs = query.organization === undefined ? null : (this.seqsByOrg.get(query.organization) ?? []);
    const text = query.text?.toLowerCase();
    const matches = (e: Entry): boolean =>
      (query.dialect === undefined || e.dialect === query.dialect) &&
      (query.source === undefined || e.source === query.source) &&
      (query.severity === undefined || e.severity === query.severity) &&
      (query.status === undefined || e.status === query.status) &&
      (text === undefined || e.title.toLowerCase().includes(text) || e.source_name.toLowerCase().includes(text) || e.id.toLowerCase().includes(text));

    const items: EventSummary[] = [];
    let lastSeq = -1;
    let more = false;
    let i = orgSeqs ? lastBelow(orgSeqs, bound) : bound - 1;
    for (; i >= 0; i--) {
      const seq = orgSeqs ? orgSeqs[i] : i;
      const e = this.entries[seq];
      if (!matches(e)) continue;
      // One match past a full page decides whether there is a next page.
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(summaryOf(e));
      lastSeq = seq;
    }
    return { items, next_cursor: more ? encodeCursor(lastSeq) : null };
  }

  stats(): StoreStats {
    const s = this.log.stats();
    return {
      events: this.entries.length,
      segments: s.segments,
      bytes: s.bytes,
      queue_depth: s.queueDepth,
      torn_lines_discarded: s.tornLinesDiscarded,
      corrupt_lines_skipped: s.corruptLinesSkipped + this.skippedRecords,
    };
  }

  onFsync(listener: (seconds: number) => void): void {
    this.log.onFsync(listener);
  }

  private findOriginal(e: NormalizedEvent): { id: string; durable?: Promise<void> } | undefined {
    if (e.dedup_key == null) return undefined;
    const stored = this.dedup.get(e.organization)?.get(e.dedup_key);
    if (stored !== undefined) return { id: stored };
    return this.pendingDedup.get(e.organization)?.get(e.dedup_key);
  }

  private claim(e: NormalizedEvent, durable: Promise<void>): void {
    this.pendingIds.add(e.id);
    if (e.dedup_key == null) return;
    let byKey = this.pendingDedup.get(e.organization);
    if (!byKey) this.pendingDedup.set(e.organization, (byKey = new Map()));
    byKey.set(e.dedup_key, { id: e.id, durable });
  }

  private release(events: readonly NormalizedEvent[]): void {
    for (const e of events) {
      this.pendingIds.delete(e.id);
      if (e.dedup_key == null) continue;
      const byKey = this.pendingDedup.get(e.organization);
      byKey?.delete(e.dedup_key);
      if (byKey?.size === 0) this.pendingDedup.delete(e.organization);
    }
  }

  /** Open-time visitor: one record from the log. */
  private indexRecord(record: Record<string, unknown>, loc: Location): void {
    if (record.record === 'state') {
      if (typeof record.kind === 'string' && typeof record.id === 'string') this.rememberState([{ kind: record.kind, id: record.id, data: record.data }]);
      else this.skippedRecords++;
      return;
    }
    const migrated = migrateEventRecord(record, this.eventMigrations);
    // A line that parses but is no event, or repeats a stored id, is skipped, not fatal.
    if (!isEventRecord(migrated) || this.seqById.has(migrated.id as string)) {
      this.skippedRecords++;
      return;
    }
    this.indexEvent(migrated as unknown as NormalizedEvent, loc);
  }

  private indexEvent(e: NormalizedEvent, loc: Location): void {
    const seq = this.entries.length;
    const organization = this.intern(e.organization);
    this.entries.push({
      id: e.id,
      organization,
      source: this.intern(e.source),
      source_name: this.intern(e.source_name),
      dialect: this.intern(e.dialect),
      received_at: e.received_at,
      title: e.title,
      severity: this.intern(e.severity),
      status: this.intern(e.status),
      priority: this.intern(e.priority),
      alert_id: e.alert_id ?? null,
      segment: loc.segment,
      offset: loc.offset,
      length: loc.length,
    });
    this.seqById.set(e.id, seq);
    let seqs = this.seqsByOrg.get(organization);
    if (!seqs) this.seqsByOrg.set(organization, (seqs = []));
    seqs.push(seq);
    if (e.dedup_key != null) {
      let byKey = this.dedup.get(organization);
      if (!byKey) this.dedup.set(organization, (byKey = new Map()));
      if (!byKey.has(e.dedup_key)) byKey.set(e.dedup_key, e.id);
    }
  }

  private intern<S extends string>(s: S): S {
    const known = this.interned.get(s);
    if (known !== undefined) return known as S;
    if (this.interned.size < 10_000) this.interned.set(s, s);
    return s;
  }
}

function summaryOf(e: Entry): EventSummary {
  return {
    id: e.id,
    organization: e.organization,
    source: e.source,
    source_name: e.source_name,
    dialect: e.dialect,
    received_at: e.received_at,
    title: e.title,
    severity: e.severity,
    status: e.status,
    priority: e.priority,
    alert_id: e.alert_id,
  };
}

export function createStore(opts: FileStoreOptions): Store {
  return new FileStore(opts);
}
