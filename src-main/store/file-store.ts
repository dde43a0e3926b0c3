// The workstation Store: config.json through lowdb, events in an append-only segment
// log. Memory holds only a compact index (event-index.ts) and the latest state records;
// full events (raw payloads) are read back from their segment on demand. An index snapshot
// (index-snapshot.ts) lets open() replay only the log written after it. Retention deletes
// whole segments. A text search reads each sealed segment's search sidecar (event-search.ts),
// built in the background after the segment is compressed.
import { join } from 'node:path';
import type { ConfigData } from '../core/config-data';
import type { EventSummary, NormalizedEvent } from '../core/types';
import {
  INDEX_SNAPSHOT_EVERY_RECORDS,
  INDEX_SNAPSHOT_MIN_INTERVAL_MS,
  RETENTION_INTERVAL_MS,
  SEARCH_PAGE_BUDGET_MS,
  WRITE_QUEUE_MAX,
} from '../limits';
import { ConfigStore } from './config-store';
import { EventIndex } from './event-index';
import { searchEvents, type SearchProgress } from './event-search';
import { SearchSidecars } from './search-sidecars';
import { needleOf } from './search-text';
import { decodeCursor, encodeCursor, pageLimit } from './event-cursor';
import { joinPatch } from './state-patch';
import { encodeSnapshot, readSnapshot, removeSnapshot, tailHash, writeSnapshot, type CoveredSegment, type Snapshot } from './index-snapshot';
import { eventMigrations, latestVersion, migrateEventRecord, type Migration } from './migrations';
import { SegmentLog, type ScanReport } from './segment-log';
import type { Sidecar } from './search-sidecar';
import { nodeStoreFs, type Location, type StoreFs } from './store-fs';
import { StateIndex, type StateFilter, type StateKeys } from './state-index';
import {
  DEFAULT_RETENTION,
  EVENT_SCHEMA_VERSION,
  StoreOverloadedError,
  StoreUnavailableError,
  type AppendResult,
  type EventQuery,
  type OpenReport,
  type Page,
  type RetentionPolicy,
  type RetentionReport,
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
  /** Written only when false (finished: not kept in memory). */
  live?: false;
  /** Written only when true (live on disk, not in memory). */
  cold?: true;
  companion_of?: string;
  append_to?: string;
  keys?: StateKeys;
}

function stateLine(r: StateRecord): StateLine {
  return { schema_version: 1, record: 'state', kind: r.kind, id: r.id, data: r.data, ...(r.live === false ? { live: false } : r.cold ? { cold: true } : {}), ...(r.companionOf ? { companion_of: r.companionOf } : {}), ...(r.appendTo ? { append_to: r.appendTo } : {}), ...(r.keys ? { keys: r.keys } : {}) };
}

/** The state record a log line holds. */
function stateOf(line: Record<string, unknown>): StateRecord {
  return { kind: line.kind as string, id: line.id as string, data: line.data, live: line.live !== false, ...(line.cold === true ? { cold: true } : {}), ...(typeof line.companion_of === 'string' ? { companionOf: line.companion_of } : {}), ...(typeof line.append_to === 'string' ? { appendTo: line.append_to } : {}), ...(isKeys(line.keys) ? { keys: line.keys } : {}) };
}

function isKeys(v: unknown): v is StateKeys {
  return typeof v === 'object' && v !== null && typeof (v as StateKeys).organization === 'string';
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
  /** Clock for retention by age (default: the system clock); tests pass a fake one. */
  now?: () => Date;
  /** How often retention runs while open (default RETENTION_INTERVAL_MS; 0 = only when asked). */
  retentionIntervalMs?: number;
  /** Distinct event titles kept in memory (default 50,000); the rest are read from their events when a page shows them. */
  titlesKept?: number;
  /** Log records appended after which a fresh index snapshot is written (default INDEX_SNAPSHOT_EVERY_RECORDS; 0 = only on close). */
  snapshotEveryRecords?: number;
  /** Least time between two background snapshots (default INDEX_SNAPSHOT_MIN_INTERVAL_MS). */
  snapshotMinIntervalMs?: number;
  /** Read and write the index snapshot (default true); false replays the whole log on every open. */
  snapshots?: boolean;
  /** Rewrite sealed segments compressed (default true). */
  compressSealed?: boolean;
  /** How long one page of a text search may search (default SEARCH_PAGE_BUDGET_MS). */
  searchPageBudgetMs?: number;
}

/** A retention policy read from settings; anything malformed counts as keep-forever. */
export function retentionOf(config: Readonly<ConfigData>): RetentionPolicy {
  const r = config.settings.retention as Partial<RetentionPolicy> | undefined;
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);
  return r && typeof r === 'object' ? { max_age_days: num(r.max_age_days), max_bytes: num(r.max_bytes) } : { ...DEFAULT_RETENTION };
}

interface PendingClaim {
  id: string;
  durable: Promise<void>;
}

const EVENTS_DIR = 'events';
/** Rows of an id or lookup table filled per slice after a snapshot load: a few milliseconds each. */
const LOAD_SLICE_ROWS = 16_384;
const CONFIG_FILE = 'config.json';

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
  private readonly now: () => Date;
  private readonly eventsDir: string;
  private readonly retentionIntervalMs: number;
  private readonly snapshotEveryRecords: number;
  private readonly snapshotMinIntervalMs: number;
  private readonly snapshots: boolean;
  private readonly compressSealed: boolean;
  private readonly searchPageBudgetMs: number;

  /** Durable events in commit order, compact (see event-index.ts). */
  private index: EventIndex;
  private readonly titlesKept: number | undefined;
  /** organization → dedup_key → id of the stored event. */
  private readonly dedup = new Map<string, Map<string, string>>();
  /** Claims of events handed to the log and not yet durable. */
  private readonly pendingIds = new Set<string>();
  private readonly pendingDedup = new Map<string, Map<string, PendingClaim>>();
  private skippedRecords = 0;
  /** Corrupt lines counted in the part of the log a loaded snapshot covers (not scanned again). */
  private snapshotCorrupt = 0;
  /** Where the latest record of each (kind, id) is; live ones' data. */
  private states = new StateIndex();

  /** Retention and snapshots run one at a time, in this chain. */
  private maintenance: Promise<unknown> = Promise.resolve();
  private retentionTimer: NodeJS.Timeout | null = null;
  /** Log records indexed since the last snapshot; when it was written. */
  private sinceSnapshot = 0;
  private lastSnapshotAt = 0;
  private snapshotQueued = false;
  private compressionQueued = false;
  /** Tail hashes of sealed segments (they never change). */
  private readonly tailCache = new Map<number, CoveredSegment>();
  /** Search sidecars of sealed segments (search-sidecars.ts). */
  private readonly sidecars: SearchSidecars;
  private searchIndexQueued = false;
  /** Segments whose sidecar failed to build in this run: scanned, not retried on every search. */
  private readonly sidecarFailed = new Set<number>();

  constructor(opts: FileStoreOptions) {
    this.titlesKept = opts.titlesKept;
    this.index = new EventIndex(opts.titlesKept);
    this.dataDir = opts.dataDir;
    this.writeQueueMax = opts.writeQueueMax ?? WRITE_QUEUE_MAX;
    this.fs = opts.fs ?? nodeStoreFs;
    this.eventMigrations = opts.eventMigrations ?? eventMigrations;
    this.now = opts.now ?? (() => new Date());
    this.retentionIntervalMs = opts.retentionIntervalMs ?? RETENTION_INTERVAL_MS;
    this.snapshotEveryRecords = opts.snapshotEveryRecords ?? INDEX_SNAPSHOT_EVERY_RECORDS;
    this.snapshotMinIntervalMs = opts.snapshotMinIntervalMs ?? INDEX_SNAPSHOT_MIN_INTERVAL_MS;
    this.snapshots = opts.snapshots ?? true;
    this.compressSealed = opts.compressSealed ?? true;
    this.searchPageBudgetMs = opts.searchPageBudgetMs ?? SEARCH_PAGE_BUDGET_MS;
    this.eventsDir = join(opts.dataDir, EVENTS_DIR);
    this.log = new SegmentLog({ dir: this.eventsDir, fs: this.fs, segmentMaxBytes: opts.segmentMaxBytes, commitDelayMs: opts.commitDelayMs });
    this.cfg = new ConfigStore({ path: join(opts.dataDir, CONFIG_FILE), fs: this.fs, migrations: opts.configMigrations });
    this.sidecars = new SearchSidecars(this.eventsDir, this.fs);
  }

  async open(): Promise<OpenReport> {
    if (this.state !== 'new') throw new Error('store: open() may be called once');
    this.state = 'opening';
    const t0 = performance.now();
    let migrations: number[];
    let scan: ScanReport;
    let snapshot: string = 'off';
    try {
      await this.fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
      migrations = await this.cfg.open();
      let resume: Parameters<SegmentLog['open']>[1];
      if (this.snapshots) {
        await this.fs.mkdir(this.eventsDir, { recursive: true, mode: 0o700 });
        const read = await readSnapshot(this.eventsDir, this.fs);
        snapshot = read.problem ? (read.problem === 'none' ? 'none' : `torn: ${read.problem}`) : 'stale';
        const snap = read.snapshot && read.snapshot.eventSchema === this.eventSchema() ? read.snapshot : undefined;
        if (read.snapshot && !snap) snapshot = 'stale: built with another event format';
        if (snap) resume = { covered: snap.covered, tailHash, apply: (first) => this.loadSnapshot(snap, first) };
      }
      scan = await this.log.open((record, loc) => this.indexRecord(record, loc), resume);
      await this.sidecars.open(this.log.segmentSizes().map((s) => s.segment));
      if (scan.resumed) snapshot = 'loaded';
      else if (scan.resumeProblem) snapshot = `stale: ${scan.resumeProblem}`;
    } catch (err) {
      await this.log.close(); // release segment files opened before the failure
      throw err;
    }
    this.state = 'open';
    void this.fillInSlices();
    if (this.compressSealed) {
      this.log.onSealed(() => this.queueCompression());
      this.queueCompression(); // sealed segments left plain by an earlier run
    } else this.log.onSealed(() => this.queueSearchIndexing());
    this.queueSearchIndexing(); // sealed segments without a sidecar (an earlier version, a crash, a bad one)
    this.sinceSnapshot = scan.records;
    this.lastSnapshotAt = Date.now(); // the next background one waits its interval (a long replay asks for one at once below)
    if (this.snapshots && snapshot !== 'loaded' && snapshot !== 'none') await removeSnapshot(this.eventsDir, this.fs).catch(() => undefined);
    // A long replay (no snapshot, or one far behind) is not repeated on the next start.
    if (this.snapshots && scan.records > 0 && (snapshot !== 'loaded' || scan.records >= this.snapshotEveryRecords)) this.queueSnapshot(true);
    if (this.retentionIntervalMs > 0) {
      this.retentionTimer = setInterval(() => void this.enforceRetention().catch(() => undefined), this.retentionIntervalMs);
      this.retentionTimer.unref();
    }
    return {
      events: this.index.size,
      torn_lines_discarded: scan.tornLinesDiscarded,
      corrupt_lines_skipped: scan.corruptLinesSkipped + this.snapshotCorrupt + this.skippedRecords,
      migrations_applied: migrations,
      ms: Math.round(performance.now() - t0),
      snapshot,
      replayed_records: scan.records,
    };
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      const wasOpen = this.state === 'open';
      this.state = 'closed';
      if (this.retentionTimer) clearInterval(this.retentionTimer);
      await this.log.close();
      await this.maintenance;
      // The next start reads the snapshot instead of replaying what this run appended.
      if (wasOpen && this.snapshots && this.sinceSnapshot > 0) await this.writeSnapshotNow(true).catch(() => undefined);
      await this.cfg.close();
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
      } else if (this.index.has(e.id) || this.pendingIds.has(e.id)) {
        results.push({ id: e.id, id_conflict: true });
      } else {
        results.push({ id: e.id });
        fresh.push(e);
        this.reserve(e, durable);
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
        this.rememberState(state, locations.slice(fresh.length));
        this.recordsIndexed(locations.length);
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
    const locations = await this.log.append(state.map(stateLine));
    this.rememberState(state, locations);
    this.recordsIndexed(locations.length);
  }

  liveState(): StateRecord[] {
    return [...this.states.live()].map((r) => ({ kind: r.kind, id: r.id, data: r.data }));
  }

  async getState(kind: string, id: string): Promise<unknown | undefined> {
    const at = this.states.find(kind, id);
    if (!at) return undefined;
    return 'data' in at ? at.data : this.readState(kind, id, at.location);
  }

  /** The files answer whenever the process runs; their failures show on writes. */
  async ping(): Promise<void> {}

  // One process owns the file store: nothing to tell, lock or lease across instances.
  readonly backend = 'file';
  readonly shared = false;

  onChange(): void {}

  exclusive<T>(_keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  /** Short-lived records are kept in memory beside the file store (server/sessions.ts), never here. */
  async trimState(): Promise<string[]> {
    return [];
  }

  private readonly claimed = new Set<string>();

  async claim(kind: string, _ms: number, limit: number): Promise<StateRecord[]> {
    const out: StateRecord[] = [];
    for (const r of this.liveState()) {
      if (out.length >= limit) break;
      if (r.kind !== kind || this.claimed.has(`${kind}\n${r.id}`)) continue;
      this.claimed.add(`${kind}\n${r.id}`);
      out.push(r);
    }
    return out;
  }

  async renew(_kind: string, ids: readonly string[]): Promise<string[]> {
    return [...ids]; // nobody else takes them
  }

  async lookupState(kind: string, organization: string, value: string): Promise<string[]> {
    return this.states.lookup(kind, organization, value);
  }

  async countState(kind: string, filter: StateFilter): Promise<number> {
    return this.states.count(kind, filter);
  }

  async listState(kind: string, filter: StateFilter, page: { cursor?: string; limit: number }): Promise<Page<unknown> | undefined> {
    const limit = pageLimit(page.limit);
    const found: ({ data: unknown } | { location: Location })[] = [];
    const ids: string[] = [];
    let more = false;
    const known = this.states.scan(kind, filter, page.cursor, (id, at) => {
      if (found.length === limit) {
        more = true;
        return false;
      }
      found.push(at);
      ids.push(id);
      return true;
    });
    if (!known) return undefined;
    const items = await Promise.all(found.map(async (at, i) => ('data' in at ? at.data : this.readState(kind, ids[i], at.location))));
    return { items, next_cursor: more ? ids[ids.length - 1] : null };
  }

  /** A record's data as written, or for a patch joined to the full version it extends. */
  private async readState(kind: string, id: string, location: Location): Promise<unknown> {
    const line = await this.readRecord(location);
    if (typeof line.append_to !== 'string') return line.data;
    const base = this.states.baseAt(kind, id);
    return joinPatch(base ? (await this.readRecord(base)).data : undefined, line.data, line.append_to);
  }

  private async readRecord(location: Location): Promise<Record<string, unknown>> {
    try {
      return await this.log.read(location);
    } catch (err) {
      throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err);
    }
  }

  async duplicateOf(organization: string, dedupKey: string | null): Promise<string | undefined> {
    if (dedupKey == null) return undefined;
    return this.dedup.get(organization)?.get(dedupKey) ?? this.pendingDedup.get(organization)?.get(dedupKey)?.id;
  }

  private rememberState(state: readonly StateRecord[], locations: readonly Location[]): void {
    state.forEach((r, i) => {
      if (r.companionOf && this.states.putCompanion(r.kind, r.companionOf, r.id, locations[i])) return;
      this.states.put(r.kind, r.id, locations[i], r.keys, r.live !== false, r.data, r.cold === true, r.appendTo !== undefined);
    });
  }

  async getEvent(id: string): Promise<NormalizedEvent | undefined> {
    const seq = this.index.seqOf(id);
    return seq === undefined ? undefined : this.eventAt(seq);
  }

  private async eventAt(seq: number): Promise<NormalizedEvent> {
    let record: Record<string, unknown>;
    try {
      record = await this.log.read(this.index.location(seq));
    } catch (err) {
      throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err);
    }
    return migrateEventRecord(record, this.eventMigrations) as unknown as NormalizedEvent;
  }

  /** Summaries of a page; a title the index does not keep (past its dictionary's cap) is read from the event. */
  private async summaries(seqs: readonly number[]): Promise<EventSummary[]> {
    return Promise.all(seqs.map(async (seq) => {
      const s = this.index.summary(seq);
      return { ...s, title: s.title ?? (await this.eventAt(seq)).title };
    }));
  }

  async listEvents(query: EventQuery): Promise<Page<EventSummary>> {
    const limit = pageLimit(query.limit);
    // Cursor = sequence number of the last item shown; older pages never shift.
    const bound = query.cursor ? decodeCursor(query.cursor, this.index.end) : this.index.end;
    const items: number[] = [];
    let lastSeq = -1;
    let more = false;
    const filter = { organization: query.organization, dialect: query.dialect, source: query.source, severity: query.severity, status: query.status };
    if (query.text) {
      const test = this.index.predicate(filter);
      if (!test) return { items: [], next_cursor: null };
      const progress: SearchProgress = { below: bound, stopped: false };
      const matches = searchEvents(
        { index: this.index, sidecar: (segment) => this.sidecarOf(segment), read: (segment, pos, len) => this.log.readSpan(segment, pos, len) },
        needleOf(query.text), test, bound, performance.now() + this.searchPageBudgetMs, progress,
      );
      try {
        for await (const seq of matches) {
          if (items.length === limit) {
            more = true;
            break;
          }
          if (seq < this.index.first) continue; // deleted by retention since it was found
          items.push(seq);
          lastSeq = seq;
        }
      } catch (err) {
        throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err);
      }
      // Out of time: the next page goes on from where this one stopped looking.
      if (!more && progress.stopped && progress.below > this.index.first) return { items: await this.summaries(items), next_cursor: encodeCursor(progress.below) };
      return { items: await this.summaries(items), next_cursor: more ? encodeCursor(lastSeq) : null };
    }
    this.index.scan(filter, bound, (seq) => {
      // One match past a full page decides whether there is a next page.
      if (items.length === limit) {
        more = true;
        return false;
      }
      items.push(seq);
      lastSeq = seq;
      return true;
    });
    return { items: await this.summaries(items), next_cursor: more ? encodeCursor(lastSeq) : null };
  }

  /** A sealed segment's search sidecar; undefined (read it whole) for the one being written or when it has none yet (then one is built). */
  private async sidecarOf(segment: number): Promise<Sidecar | undefined> {
    const size = this.log.logicalSize(segment);
    if (segment >= this.log.currentSegment || size === undefined) return undefined;
    const sidecar = await this.sidecars.get(segment, size);
    if (!sidecar) this.queueSearchIndexing();
    return sidecar;
  }

  /** Sealed segments without a sidecar that one can be built for now (a compressed one, unless segments stay plain). */
  private unindexedSegments(): number[] {
    const current = this.log.currentSegment;
    return this.log
      .segmentSizes()
      .map((s) => s.segment)
      .filter((n) => n < current && !this.sidecars.has(n) && !this.sidecarFailed.has(n) && (!this.compressSealed || this.log.isCompressed(n)));
  }

  /** Builds one missing search sidecar per job (newest segment first: recent events are searched most), then queues itself again. */
  private queueSearchIndexing(): void {
    if (this.searchIndexQueued || this.state !== 'open') return;
    this.searchIndexQueued = true;
    const run = this.maintenance.then(async () => {
      this.searchIndexQueued = false;
      if (this.state !== 'open') return;
      const todo = this.unindexedSegments();
      const segment = todo[todo.length - 1];
      if (segment === undefined) return;
      try {
        await this.sidecars.build(segment, this.log.logicalSize(segment)!, this.log.pieces(segment));
      } catch {
        if (this.log.logicalSize(segment) !== undefined) this.sidecarFailed.add(segment); // else deleted meanwhile
      }
      if (todo.length > 1) this.queueSearchIndexing();
    });
    this.maintenance = run.catch(() => undefined);
  }

  /** Resolves once compression and search sidecars have caught up with the sealed segments (benchmarks, tests). */
  async settled(): Promise<void> {
    for (;;) {
      await this.maintenance;
      if (!this.compressionQueued && !this.searchIndexQueued) return;
    }
  }

  stats(): StoreStats {
    const s = this.log.stats();
    return {
      events: this.index.size,
      segments: s.segments,
      bytes: s.bytes,
      queue_depth: s.queueDepth,
      torn_lines_discarded: s.tornLinesDiscarded,
      corrupt_lines_skipped: s.corruptLinesSkipped + this.snapshotCorrupt + this.skippedRecords,
    };
  }

  retention(): RetentionPolicy {
    return retentionOf(this.cfg.read());
  }

  async setRetention(policy: RetentionPolicy): Promise<RetentionPolicy> {
    const saved = await this.updateConfig((d) => {
      const next = { max_age_days: policy.max_age_days, max_bytes: policy.max_bytes };
      d.settings.retention = next;
      return next;
    });
    // Applied at once; a failure here (the disk) is retried by the timer, the policy is stored either way.
    await this.enforceRetention().catch(() => undefined);
    return saved;
  }

  enforceRetention(): Promise<RetentionReport> {
    if (this.state !== 'open') return Promise.reject(new StoreUnavailableError(new Error('the store is not open')));
    const run = this.maintenance.then(() => this.retain());
    this.maintenance = run.catch(() => undefined);
    return run;
  }

  /** Rounds of retention: carrying state forward adds bytes, which may let (make) one more segment go. */
  private async retain(): Promise<RetentionReport> {
    const total: RetentionReport = { deleted_segments: [], deleted_events: 0, bytes_freed: 0 };
    for (let round = 0; round < 10; round++) {
      const r = await this.retainOnce();
      if (r.deleted_segments.length === 0) break;
      total.deleted_segments.push(...r.deleted_segments);
      total.deleted_events += r.deleted_events;
      total.bytes_freed += r.bytes_freed;
    }
    if (total.deleted_segments.length && this.snapshots) await this.writeSnapshotNow(false).catch(() => undefined);
    return total;
  }

  private async retainOnce(): Promise<RetentionReport> {
    const none: RetentionReport = { deleted_segments: [], deleted_events: 0, bytes_freed: 0 };
    const policy = this.retention();
    if (this.state !== 'open' || (policy.max_age_days === null && policy.max_bytes === null)) return none;
    const segments = this.log.segmentSizes();
    const current = this.log.currentSegment;
    const newest = policy.max_age_days === null ? new Map<number, number>() : this.index.newestInSegments();
    const cutoff = policy.max_age_days === null ? -Infinity : this.now().getTime() - policy.max_age_days * 86_400_000;
    let total = segments.reduce((n, s) => n + s.diskBytes, 0);
    let through = -1;
    for (const s of segments) {
      if (s.segment >= current) break;
      let old = false;
      if (policy.max_age_days !== null) old = (newest.get(s.segment) ?? (await this.log.modifiedMs(s.segment))) < cutoff;
      const over = policy.max_bytes !== null && total > policy.max_bytes;
      if (!old && !over) break;
      through = s.segment;
      total -= s.diskBytes;
    }
    if (through < 0) return none;
    // State records (alerts, deliveries, …) whose latest version lives in a segment about to go
    // are appended again first, so that nothing but events and superseded state is lost.
    // Finished ones (succeeded deliveries, read notifications, …) go with their segment.
    const carried: StateRecord[] = [];
    const carry = async (r: StateRecord) => {
      carried.push(r);
      // Its companion (a pending delivery's payload) goes with it, after it.
      const companion = this.states.companionAt(r.kind, r.id);
      if (companion && companion.segment <= through) carried.push(stateOf(await this.readRecord(companion)));
    };
    for (const r of this.states.liveIn(through)) await carry(r);
    // Read whole (a patch joined to its full version) and written whole.
    for (const { kind, id } of this.states.coldIn(through)) {
      const at = this.states.find(kind, id);
      if (!at || 'data' in at) continue;
      const { appendTo: _patch, ...whole } = stateOf(await this.readRecord(at.location));
      await carry({ ...whole, data: await this.readState(kind, id, at.location) });
    }
    // A live record written after the segments that go can still have its companion in them.
    const hosts = new Set(carried.map((c) => `${c.kind}\n${c.id}`));
    for (const r of this.states.liveIn(Infinity)) {
      const companion = this.states.companionAt(r.kind, r.id);
      if (companion && companion.segment <= through && !hosts.has(`${r.kind}\n${r.id}`)) carried.push(stateOf(await this.readRecord(companion)));
    }
    for (let i = 0; i < carried.length; i += 1000) {
      const chunk = carried.slice(i, i + 1000);
      const locations = await this.log.append(chunk.map(stateLine));
      this.rememberState(chunk, locations);
      this.sinceSnapshot += locations.length;
    }
    // The indexes let go first, so that no lookup meanwhile finds a record in a file that is
    // gone. One state kind per turn, its id table rewritten in slices after: each is a pass
    // over its rows (tens of ms at a million), so ingest is answered in between.
    for (const kind of this.states.kindNames()) {
      this.states.dropKindBelow(kind, through + 1);
      await this.fillInSlices();
    }
    const dropped = this.forgetEventsBelow(through + 1);
    await this.fillInSlices();
    const deleted = await this.log.deleteSegmentsThrough(through);
    await this.sidecars.forget(deleted.map((d) => d.segment));
    for (const d of deleted) this.tailCache.delete(d.segment);
    return { deleted_segments: deleted.map((d) => d.segment), deleted_events: dropped, bytes_freed: deleted.reduce((n, d) => n + d.bytes, 0) };
  }

  /** Forgets the events and state records stored in segments below `segment` (deleted after the snapshot was written). */
  private dropEventsBelow(segment: number): number {
    this.states.dropSegmentsBelow(segment);
    return this.forgetEventsBelow(segment);
  }

  /** Forgets the events stored in segments below `segment` and their dedup keys. */
  private forgetEventsBelow(segment: number): number {
    const dropped = this.index.dropSegmentsBelow(segment);
    if (dropped === 0) return 0;
    // Keys are added in commit order, the order events leave in: the gone ones are at the front.
    for (const [org, byKey] of this.dedup) {
      for (const [key, id] of byKey) {
        if (this.index.has(id)) break;
        byKey.delete(key);
      }
      if (byKey.size === 0) this.dedup.delete(org);
    }
    return dropped;
  }

  /** Counts records made durable and indexed; asks for a snapshot when enough piled up. */
  private recordsIndexed(n: number): void {
    this.sinceSnapshot += n;
    if (this.snapshots && this.snapshotEveryRecords > 0 && this.sinceSnapshot >= this.snapshotEveryRecords) this.queueSnapshot(false);
  }

  /** Compresses sealed segments in the maintenance chain (one job at a time with retention and snapshots). */
  /**
   * One sealed segment per job, then the job queues itself again: snapshots and retention
   * queued meanwhile run in between instead of waiting for a whole backlog.
   */
  private queueCompression(): void {
    if (this.compressionQueued) return;
    this.compressionQueued = true;
    const run = this.maintenance.then(async () => {
      this.compressionQueued = false;
      if (this.state !== 'open') return;
      const { more } = await this.log.compressSealed(1);
      this.queueSearchIndexing(); // the segment just compressed, before the next one is
      if (more) this.queueCompression();
    });
    this.maintenance = run.catch(() => undefined); // a failure leaves the segment plain; the next seal tries again
  }

  private queueSnapshot(soon: boolean): void {
    if (this.snapshotQueued || this.state !== 'open') return;
    const wait = soon ? 0 : Math.max(0, this.lastSnapshotAt + this.snapshotMinIntervalMs - Date.now());
    this.snapshotQueued = true;
    const t = setTimeout(() => {
      const run = this.maintenance.then(() => (this.state === 'open' ? this.writeSnapshotNow(false) : undefined));
      this.maintenance = run.catch(() => undefined).finally(() => (this.snapshotQueued = false));
    }, wait);
    t.unref();
  }

  /**
   * Captures the index, latest state and dedup keys with the log position they match (all
   * synchronously: everything committed so far is indexed), then writes them atomically.
   */
  private async writeSnapshotNow(closed: boolean): Promise<void> {
    if (!closed && this.state !== 'open') return;
    const positions = this.log.segmentSizes();
    const records = this.sinceSnapshot;
    const dedup: [string, string, string][] = [];
    for (const [org, byKey] of this.dedup) for (const [key, id] of byKey) dedup.push([org, key, id]);
    const body: Omit<Snapshot, 'covered'> = {
      eventSchema: this.eventSchema(),
      index: this.index.image(),
      state: this.states.images(),
      dedup,
      skipped: this.skippedRecords,
      corrupt: this.log.stats().corruptLinesSkipped + this.snapshotCorrupt,
    };
    // Tail hashes are read after the capture: bytes before a covered position never change.
    const covered: CoveredSegment[] = [];
    const current = positions[positions.length - 1]?.segment;
    for (const p of positions) {
      const cached = this.tailCache.get(p.segment);
      if (cached && cached.bytes === p.bytes) {
        covered.push(cached);
        continue;
      }
      const c: CoveredSegment = { segment: p.segment, bytes: p.bytes, tail: await tailHash((pos, len) => this.log.readRange(p.segment, pos, len), p.bytes) };
      if (p.segment !== current) this.tailCache.set(p.segment, c);
      covered.push(c);
    }
    const parts = encodeSnapshot({ ...body, covered });
    await writeSnapshot(this.eventsDir, parts, this.fs);
    this.sinceSnapshot = Math.max(0, this.sinceSnapshot - records);
    this.lastSnapshotAt = Date.now();
  }

  private eventSchema(): number {
    return latestVersion(this.eventMigrations, EVENT_SCHEMA_VERSION);
  }

  /**
   * A loaded snapshot leaves the id and lookup tables to fill (about 0.5 s at a million
   * events), retention the renumbered id tables to rewrite (100–250 ms each): both are done in
   * slices, a turn of the event loop each, instead of before the next answer; a lookup that
   * comes first finds what it looks for meanwhile (a load's table is filled at once then).
   */
  private async fillInSlices(): Promise<void> {
    while (this.state === 'open' && (this.index.finishSome(LOAD_SLICE_ROWS) || this.states.finishSome(LOAD_SLICE_ROWS))) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Loads a snapshot the log found to match the disk; `firstSegment` is its oldest segment still present. */
  private loadSnapshot(snap: Snapshot, firstSegment: number): void {
    this.index = EventIndex.fromImage(snap.index, this.titlesKept);
    this.states = StateIndex.fromImages(snap.state);
    for (const [org, key, id] of snap.dedup) {
      let byKey = this.dedup.get(org);
      if (!byKey) this.dedup.set(org, (byKey = new Map()));
      byKey.set(key, id);
    }
    this.skippedRecords = snap.skipped;
    this.snapshotCorrupt = snap.corrupt;
    // Segments retention deleted after the snapshot was written: their events are gone. When
    // none were, there is nothing to drop (retention drops its rows before the next snapshot),
    // and the walk over every state row is skipped (~0.2 s of start-up at a million events).
    if (snap.covered[0].segment < firstSegment) this.dropEventsBelow(firstSegment);
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

  private reserve(e: NormalizedEvent, durable: Promise<void>): void {
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
      if (typeof record.kind === 'string' && typeof record.id === 'string') {
        this.rememberState([stateOf(record)], [loc]);
      }
      else this.skippedRecords++;
      return;
    }
    const migrated = migrateEventRecord(record, this.eventMigrations);
    // A line that parses but is no event, or repeats a stored id, is skipped, not fatal.
    if (!isEventRecord(migrated) || this.index.has(migrated.id as string)) {
      this.skippedRecords++;
      return;
    }
    this.indexEvent(migrated as unknown as NormalizedEvent, loc);
  }

  private indexEvent(e: NormalizedEvent, loc: Location): void {
    this.index.add(e, loc);
    if (e.dedup_key != null) {
      let byKey = this.dedup.get(e.organization);
      if (!byKey) this.dedup.set(e.organization, (byKey = new Map()));
      if (!byKey.has(e.dedup_key)) byKey.set(e.dedup_key, e.id);
    }
  }
}

export function createStore(opts: FileStoreOptions): Store {
  return new FileStore(opts);
}
