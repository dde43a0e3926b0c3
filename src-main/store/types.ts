// The one seam between the appliance and its persistence. Nothing outside store/
// knows files exist; a server-grade backend would implement this same interface.
import type { ConfigData } from '../core/config-data';
import type { Dialect, EventSummary, NormalizedEvent, Severity, Status } from '../core/types';
import type { StateFilter, StateKeys } from './state-index';

export type { StateFilter, StateKeys };

export type { ConfigData };

export const CONFIG_SCHEMA_VERSION = 2;
export const EVENT_SCHEMA_VERSION = 1;

export interface EventQuery {
  organization?: string;
  dialect?: Dialect;
  source?: string;
  severity?: Severity;
  status?: Status;
  /** Case-insensitive substring of anything in the stored event: normalized fields, raw payload, request (search-text.ts). */
  text?: string;
  /**
   * Opaque, from a previous page's next_cursor. A text search's page may hold fewer than
   * `limit` items (even none) with a next_cursor: it ran out of time (SEARCH_PAGE_BUDGET_MS).
   */
  cursor?: string;
  limit: number;
}

export interface Page<T> { items: T[]; next_cursor: string | null }

export interface AppendResult {
  id: string;
  /** Set when an event with the same organization + dedup_key was already stored: its id. */
  duplicate_of?: string;
  /** Set when another stored or pending event already has this id (e.g. a reused raw.id): nothing written. */
  id_conflict?: boolean;
}

/**
 * State that is not an event (alert and case snapshots, …): opaque to the store,
 * appended to the same log, and on open only the latest record per (kind, id) is kept.
 */
export interface StateRecord {
  kind: string;
  id: string;
  data: unknown;
  /**
   * Kept in memory and handed back by liveState() after a restart (default true): pending
   * deliveries, open alerts, unread notifications. false: finished, on disk only, read back
   * with getState()/listState(); retention drops it with its segment.
   */
  live?: boolean;
  /**
   * A live record kept on disk only (open alerts: a million would not fit in memory): retention
   * carries it forward, but liveState() leaves it out; it is found with lookupState()/listState().
   */
  cold?: boolean;
  /**
   * Kept beside the record of this kind with the same id, found by id only (getState), with no
   * index row of its own (a delivery's payload: a million of them cost no memory). Finished.
   */
  companionOf?: string;
  /**
   * A patch: `data` holds at this path (dot-separated, e.g. "alert.timeline") only the items
   * added since the record's last full version, which the store keeps track of and joins in
   * when the record is read (a joined event writes a small record, not a 200-entry timeline).
   * Only for cold records; retention carries them whole.
   */
  appendTo?: string;
  /** Makes the record listable with listState() (by organization, status, group, event, alert). */
  keys?: StateKeys;
}

export interface StoreStats {
  events: number;
  segments: number;
  bytes: number;
  /** Records not yet durable: waiting for a group commit or in the one in flight. */
  queue_depth: number;
  torn_lines_discarded: number;
  /** Unreadable lines or non-event records skipped (not at the tail) when the store was opened. */
  corrupt_lines_skipped?: number;
}

export interface OpenReport {
  events: number;
  torn_lines_discarded: number;
  /** Unreadable lines or non-event records skipped (not at the tail). */
  corrupt_lines_skipped?: number;
  migrations_applied: number[];
  ms: number;
  /** 'loaded' when the index snapshot was used (only the log after it was replayed); otherwise why not ('none', 'stale: …', 'torn: …'). */
  snapshot?: string;
  /** Log records read on open (all of them without a usable snapshot, else only the tail after it). */
  replayed_records?: number;
}

/** Settings → retention: whole segments are deleted when older than max_age_days, or oldest first while the store is above max_bytes. null = keep forever. */
export interface RetentionPolicy {
  max_age_days: number | null;
  max_bytes: number | null;
}

export const DEFAULT_RETENTION: RetentionPolicy = { max_age_days: null, max_bytes: null };

export interface RetentionReport {
  /** Segment numbers deleted (never the one being written). */
  deleted_segments: number[];
  deleted_events: number;
  bytes_freed: number;
}

/**
 * What another instance sharing the store committed (several appliances on one PostgreSQL
 * database, told by LISTEN/NOTIFY). The file store is never shared: it never tells of any.
 */
export type StoreChange =
  /** Events another instance stored, for this instance's live stream. */
  | { type: 'events'; summaries: EventSummary[] }
  /** The configuration changed: config() already returns the new one. */
  | { type: 'config' }
  /** State records another instance wrote (alerts, cases, deliveries, circuits, …). */
  | { type: 'state'; kind: string; ids: string[] };

export interface Store {
  /** Where the store keeps its files (the file store), or local files beside a database (login links). */
  readonly dataDir: string;
  /** Where records live: files in dataDir, or a PostgreSQL database. */
  readonly backend: 'file' | 'postgres';
  /** Whether other instances may share this store (PostgreSQL); false for the file store. */
  readonly shared: boolean;
  /** Told of what other instances commit, within about a second. */
  onChange(listener: (change: StoreChange) => void): void;
  /**
   * Runs fn while no other instance runs an exclusive call holding any of these keys
   * (PostgreSQL advisory locks, all or none). Calls within one instance are not serialized
   * by it (keyed-queue.ts queues them by key first); for the file store it just runs fn.
   */
  exclusive<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T>;
  /**
   * Live records of a kind (pending deliveries) that no instance holds, now held by this
   * one for `ms`: those left by a restart, or by an instance that stopped renewing its hold
   * (killed). Live records this instance appends are held by it from the start. The file
   * store hands each live record out once.
   */
  claim(kind: string, ms: number, limit: number): Promise<StateRecord[]>;
  /**
   * Keeps this instance's hold on records it still works on for another `ms`. Answers the ids
   * it still holds: one missing was taken over by another instance (this one's hold lapsed).
   */
  renew(kind: string, ids: readonly string[], ms: number): Promise<string[]>;

  open(): Promise<OpenReport>;
  /** Resolves when the store answers (PostgreSQL: a round trip); rejects with StoreUnavailableError when it does not. */
  ping(): Promise<void>;
  /** Waits for pending commits, then closes files. Idempotent. */
  close(): Promise<void>;

  /** Current configuration; treat as read-only. */
  config(): Readonly<ConfigData>;
  /** Mutations run one at a time and are on disk (temp file + rename) when this resolves. */
  updateConfig<T>(mutate: (draft: ConfigData) => T): Promise<T>;

  /**
   * Appends events durably: resolves after the group commit's fsync covering them.
   * Dedup is atomic with the append: an event whose (organization, dedup_key) is stored
   * or pending is not written; its result names the original (after that one is durable).
   * Throws StoreOverloadedError when the write queue is full, StoreUnavailableError when
   * the disk write fails (nothing is acknowledged then).
   */
  appendEvents(events: NormalizedEvent[], state?: StateRecord[]): Promise<AppendResult[]>;
  /** Appends state records durably (state changes not caused by an event: actions, timers). */
  appendState(state: StateRecord[]): Promise<void>;
  /** The latest record of each (kind, id) that is still live, as found on open plus appended since. */
  liveState(): StateRecord[];
  /** The latest data of one record, live or finished (read from disk); undefined when unknown. */
  getState(kind: string, id: string): Promise<unknown | undefined>;
  /**
   * Records of a kind that were written with keys, newest (first written) first, filtered;
   * the cursor is the id of the last item of the previous page. Undefined for an unknown cursor.
   */
  listState(kind: string, filter: StateFilter, page: { cursor?: string; limit: number }): Promise<Page<unknown> | undefined>;
  /**
   * Ids of an organization's records of a kind written with this lookup value (keys.lookup),
   * newest first; a hash collision may add an id that does not have it: callers check the record.
   */
  lookupState(kind: string, organization: string, value: string): Promise<string[]>;
  /**
   * Deletes records of a kind written with keys that mean nothing after a time (login tokens,
   * UI sessions): those whose keys.at is at or before `until` (to the second), then the oldest
   * beyond the newest `keep`. Returns their ids; other instances are told as of a write.
   * PostgreSQL only: the file store is never shared, keeps no such records, and does nothing.
   */
  trimState(kind: string, bounds: { until: number; keep: number }): Promise<string[]>;
  /** How many records of a kind written with keys match the filter. */
  countState(kind: string, filter: StateFilter): Promise<number>;
  /** The id of a stored or pending event with this (organization, dedup_key), if any. */
  duplicateOf(organization: string, dedupKey: string | null): Promise<string | undefined>;
  getEvent(id: string): Promise<NormalizedEvent | undefined>;
  listEvents(query: EventQuery): Promise<Page<EventSummary>>;

  /** The retention policy in force (settings.retention, defaults null/null). */
  retention(): RetentionPolicy;
  /** Stores a new retention policy (validated by the caller) and applies it at once. */
  setRetention(policy: RetentionPolicy): Promise<RetentionPolicy>;
  /**
   * Deletes the whole segments the policy lets go (oldest first, never the one being written),
   * after carrying the latest state records they hold forward; their events leave the indexes.
   * Also runs on a timer while the store is open.
   */
  enforceRetention(): Promise<RetentionReport>;

  stats(): StoreStats;
  /** Called with each fsync's duration in seconds (for /metrics). */
  onFsync(listener: (seconds: number) => void): void;
}

export { StoreOverloadedError, StoreUnavailableError } from './errors';
