// The Store on PostgreSQL: what the file store keeps in segment files and memory indexes is
// kept in tables (schema.ts), so several instances can share one database. Appends are group
// committed: requests arriving while a transaction is in flight go together into the next.
// Every database failure surfaces as StoreUnavailableError; the pools connect again by themselves.
// Where it differs from the file store, by nature:
// - retention deletes events (oldest first), not segments: deleted_segments is always [];
// - open() reports the numbered schema migrations it applied (config migrations run too);
// - a text search runs as one query (LIKE on a trigram index), without a page time budget;
// - liveState() follows this instance's writes only (the runtimes read it at start-up).
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { ValidationError } from '../../core/errors';
import type { ConfigData } from '../../core/config-data';
import type { EventSummary, NormalizedEvent } from '../../core/types';
import type { Logger } from '../../logger';
import { DELIVERY_LEASE_MS, RETENTION_INTERVAL_MS, WRITE_QUEUE_MAX } from '../../limits';
import { decodeCursor, encodeCursor, pageLimit } from '../event-cursor';
import { retentionOf } from '../file-store';
import { eventMigrations, migrateEventRecord, type Migration } from '../migrations';
import { needleOf } from '../search-text';
import type { StateFilter } from '../state-index';
import { joinPatch } from '../state-patch';
import {
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
  type StoreChange,
  type StoreStats,
} from '../types';
import { CHANNEL, prepareConfig, readConfig, updateConfigRow, type ConfigRow } from './config-row';
import { configNotice, eventNotices, NoticeListener, retentionNotice, stateNotices, type Notice } from './notifications';
import { LockSession } from './lock-session';
import { applyMigrations } from './schema';
import { foldState, insertEvents, upsertState } from './writes';

export interface PgStoreOptions {
  /** postgres://… (SWITCHYARD_DATABASE_URL, --database-url). */
  url: string;
  /** Local files beside the database (login links, server info); no events are kept there. */
  dataDir: string;
  /** Records allowed to wait for a commit; above it appends fail fast (StoreOverloadedError). */
  writeQueueMax?: number;
  logger?: Logger;
  now?: () => Date;
  /** How often retention runs while open (default RETENTION_INTERVAL_MS; 0 = only when asked). */
  retentionIntervalMs?: number;
  /** How long live records this instance appends are held by it before another may claim them (default 30 s). */
  leaseMs?: number;
  /** Connections in each of the two pools, for queries and for exclusive() sections (default 10). */
  poolSize?: number;
  /** Rows per retention statement (default 5,000). */
  retentionBatchRows?: number;
  /** Config migration list (default: the real one). */
  configMigrations?: readonly Migration[];
}

/** Rows per retention statement: no lock is held long. */
const RETENTION_BATCH = 5000;

interface WriteRequest {
  events: NormalizedEvent[];
  state: StateRecord[];
  /** appendState: its records are written whatever the events (there are none). */
  stateOnly: boolean;
  resolve(results: AppendResult[]): void;
  reject(err: unknown): void;
}

/** What one group commit wrote: each request's answers, the state written, the events' sequence numbers and bytes. */
interface Committed {
  answers: AppendResult[][];
  written: StateRecord[];
  seqs: number[];
  bytes: number;
}

interface StateRow {
  data: unknown;
  base: unknown;
  append_to: string | null;
}

/** A record's data as written, or for a patch joined to the full version it extends. */
function dataOf(row: StateRow): unknown {
  const data = row.data === null ? undefined : row.data;
  return row.append_to ? joinPatch(row.base ?? undefined, data, row.append_to) : data;
}

const SUMMARY_COLUMNS = 'seq, id, organization, source, source_name, dialect, received_at, title, severity, status, priority, alert_id';

function summaryOfRow(r: EventSummary & { seq?: string }): EventSummary {
  return { id: r.id, organization: r.organization, source: r.source, source_name: r.source_name, dialect: r.dialect, received_at: r.received_at, title: r.title, severity: r.severity, status: r.status, priority: r.priority, alert_id: r.alert_id };
}

/** LIKE pattern of a substring: its wildcard characters taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** WHERE clauses of a state filter (the file store's semantics: missing keys are '' / none). */
function stateWhere(kind: string, filter: StateFilter): { where: string[]; params: unknown[] } {
  const params: unknown[] = [kind];
  const where = ['kind = $1', 'keyed'];
  const eq = (col: string, v: string | undefined) => {
    if (v === undefined) return;
    params.push(v);
    where.push(`${col} = $${params.length}`);
  };
  eq('organization', filter.organization);
  eq('status', filter.status);
  eq('grp', filter.group);
  eq('event_id', filter.event_id);
  eq('alert_id', filter.alert_id);
  if (filter.until !== undefined) {
    params.push(Math.floor(filter.until / 1000));
    where.push(`at_s > 0 AND at_s <= $${params.length}`);
  }
  return { where, params };
}

function unavailable(err: unknown): Error {
  return err instanceof StoreUnavailableError || err instanceof StoreOverloadedError || err instanceof ValidationError ? err : new StoreUnavailableError(err, 'database');
}

export class PgStore implements Store {
  readonly dataDir: string;
  readonly shared = true;
  readonly backend = 'postgres' as const;
  private readonly opts: PgStoreOptions;
  private readonly instance = randomUUID();
  private readonly writeQueueMax: number;
  private readonly leaseMs: number;
  private readonly now: () => Date;
  private readonly logger?: Logger;
  private pool: pg.Pool | null = null;
  /** Connections held by exclusive() while its function runs: apart, so the function's own store calls always find one. */
  private locks: LockSession | null = null;
  private status: 'new' | 'opening' | 'open' | 'closing' | 'closed' = 'new';
  private closing: Promise<void> | null = null;
  private cfg: ConfigRow | null = null;
  /** Config mutations of this instance, one at a time. */
  private configQueue: Promise<unknown> = Promise.resolve();

  private queue: WriteRequest[] = [];
  private queuedRecords = 0;
  private inFlightRecords = 0;
  private writer: Promise<void> | null = null;
  /** organization\ndedup_key → id of events queued or in the commit in flight. */
  private readonly pendingDedup = new Map<string, string>();

  private readonly live = new Map<string, StateRecord>();
  private readonly changeListeners: ((c: StoreChange) => void)[] = [];
  private readonly fsyncListeners: ((s: number) => void)[] = [];
  private listener: NoticeListener | null = null;
  private notices: Promise<void> = Promise.resolve();
  private events = 0;
  private bytes = 0;
  private maintenance: Promise<unknown> = Promise.resolve();
  private retentionTimer: NodeJS.Timeout | null = null;

  constructor(opts: PgStoreOptions) {
    this.opts = opts;
    this.dataDir = opts.dataDir;
    this.writeQueueMax = opts.writeQueueMax ?? WRITE_QUEUE_MAX;
    this.leaseMs = opts.leaseMs ?? DELIVERY_LEASE_MS;
    this.now = opts.now ?? (() => new Date());
    this.logger = opts.logger;
  }

  private get db(): pg.Pool {
    if (!this.pool || this.status === 'closed') throw new StoreUnavailableError(new Error('the store is not open'), 'database');
    return this.pool;
  }

  /** A query on the pool; any failure is the store being unavailable. */
  private async query<R extends pg.QueryResultRow>(config: pg.QueryConfig | string, values?: unknown[]): Promise<R[]> {
    try {
      const res = typeof config === 'string' ? await this.db.query<R>(config, values) : await this.db.query<R>(config);
      return res.rows;
    } catch (err) {
      throw unavailable(err);
    }
  }

  private newPool(): pg.Pool {
    const pool = new pg.Pool({ connectionString: this.opts.url, max: this.opts.poolSize ?? 10, connectionTimeoutMillis: 5000 });
    // An idle client cut by the server (a restart) is dropped by the pool; without a listener it would crash the process.
    pool.on('error', (err) => this.logger?.warn('store: database connection lost', { error: err.message }));
    // So is a checked-out one (an exclusive section holding its locks, a commit): pg emits 'error' on it too; the call using it fails on its own.
    pool.on('connect', (client) => client.on('error', (err) => this.logger?.warn('store: database connection lost', { error: err.message })));
    return pool;
  }

  async open(): Promise<OpenReport> {
    if (this.status !== 'new') throw new Error('store: open() may be called once');
    this.status = 'opening';
    const t0 = performance.now();
    await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    const pool = this.newPool();
    this.pool = pool;
    this.locks = new LockSession({ url: this.opts.url, logger: this.logger });
    let migrations: number[];
    try {
      const client = await pool.connect();
      try {
        migrations = await applyMigrations(client, async () => void (await prepareConfig(client, this.opts.configMigrations)));
        this.cfg = await readConfig(client);
        const { rows } = await client.query<{ n: string; bytes: string }>('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS bytes FROM events');
        this.events = Number(rows[0].n);
        this.bytes = Number(rows[0].bytes);
        const live = await client.query<StateRow & { kind: string; id: string }>('SELECT kind, id, data, base, append_to FROM state_records WHERE live AND NOT cold ORDER BY first_seq');
        for (const r of live.rows) this.live.set(`${r.kind}\n${r.id}`, { kind: r.kind, id: r.id, data: dataOf(r) });
      } finally {
        client.release();
      }
      this.listener = new NoticeListener({ url: this.opts.url, instance: this.instance, logger: this.logger, onNotice: (n) => this.onNotice(n), onReconnect: () => this.onNotice({ i: '', t: 'c', v: 0 }) });
      await this.listener.start();
    } catch (err) {
      this.status = 'closed';
      await this.listener?.stop();
      await pool.end().catch(() => undefined);
      await this.locks?.end();
      throw err;
    }
    this.status = 'open';
    const every = this.opts.retentionIntervalMs ?? RETENTION_INTERVAL_MS;
    if (every > 0) {
      this.retentionTimer = setInterval(() => void this.enforceRetention().catch(() => undefined), every);
      this.retentionTimer.unref();
    }
    // migrations_applied: the numbered schema migrations (what `switchyard migrate` applies).
    return { events: this.events, torn_lines_discarded: 0, corrupt_lines_skipped: 0, migrations_applied: migrations, ms: Math.round(performance.now() - t0) };
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      const wasOpen = this.status === 'open';
      if (this.retentionTimer) clearInterval(this.retentionTimer);
      // Appends already queued are committed; new ones are refused.
      this.status = 'closing';
      while (this.writer) await this.writer;
      await this.configQueue;
      await this.maintenance;
      await this.listener?.stop();
      await this.notices;
      // Records this instance held can be claimed at once by another (or by this one restarted).
      if (wasOpen) await this.pool?.query('UPDATE state_records SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [this.instance]).catch(() => undefined);
      this.status = 'closed';
      await this.pool?.end().catch(() => undefined);
      await this.locks?.end();
    })());
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  config(): Readonly<ConfigData> {
    if (!this.cfg) throw new Error('store: config() before open()');
    return this.cfg.data;
  }

  updateConfig<T>(mutate: (draft: ConfigData) => T): Promise<T> {
    if (this.status !== 'open') return Promise.reject(new StoreUnavailableError(new Error('the store is not open'), 'database'));
    const run = async (): Promise<T> => {
      let thrown: { err: unknown } | null = null;
      const guarded = (draft: ConfigData): T => {
        try {
          return mutate(draft);
        } catch (err) {
          thrown = { err };
          throw err;
        }
      };
      let client: pg.PoolClient;
      try {
        client = await this.db.connect();
      } catch (err) {
        throw unavailable(err);
      }
      try {
        const { row, result } = await updateConfigRow(client, guarded, (v) => configNotice(this.instance, v));
        client.release();
        if (!this.cfg || row.version > this.cfg.version) this.cfg = row;
        return result;
      } catch (err) {
        client.release(thrown ? undefined : true);
        if (thrown) throw (thrown as { err: unknown }).err;
        throw unavailable(err);
      }
    };
    const next = this.configQueue.then(run);
    this.configQueue = next.catch(() => undefined);
    return next;
  }

  appendEvents(events: NormalizedEvent[], state: StateRecord[] = []): Promise<AppendResult[]> {
    if (this.status !== 'open') return Promise.reject(new StoreUnavailableError(new Error('the store is not open'), 'database'));
    if (this.queueDepth + events.length > this.writeQueueMax) return Promise.reject(new StoreOverloadedError());
    // Like the file store: with no event written, the state riding with it is not either.
    if (events.length === 0) return Promise.resolve([]);
    return this.enqueue(events, state, false);
  }

  async appendState(state: StateRecord[]): Promise<void> {
    if (this.status !== 'open') throw new StoreUnavailableError(new Error('the store is not open'), 'database');
    if (state.length === 0) return;
    if (this.queueDepth + state.length > this.writeQueueMax) throw new StoreOverloadedError();
    await this.enqueue([], state, true);
  }

  private get queueDepth(): number {
    return this.queuedRecords + this.inFlightRecords;
  }

  private enqueue(events: NormalizedEvent[], state: StateRecord[], stateOnly: boolean): Promise<AppendResult[]> {
    return new Promise<AppendResult[]>((resolve, reject) => {
      this.queue.push({ events, state, stateOnly, resolve, reject });
      this.queuedRecords += events.length + state.length;
      for (const e of events) if (e.dedup_key != null && !this.pendingDedup.has(`${e.organization}\n${e.dedup_key}`)) this.pendingDedup.set(`${e.organization}\n${e.dedup_key}`, e.id);
      this.startWriter();
    });
  }

  private startWriter(): void {
    if (this.writer) return;
    this.writer = (async () => {
      while (this.queue.length) {
        // Everything that arrived while the previous transaction ran goes into this one.
        const batch = this.queue.splice(0);
        const n = batch.reduce((k, r) => k + r.events.length + r.state.length, 0);
        this.queuedRecords -= n;
        this.inFlightRecords = n;
        await this.commit(batch);
        this.inFlightRecords = 0;
        for (const r of batch) for (const e of r.events) if (e.dedup_key != null && this.pendingDedup.get(`${e.organization}\n${e.dedup_key}`) === e.id) this.pendingDedup.delete(`${e.organization}\n${e.dedup_key}`);
      }
    })().finally(() => {
      this.writer = null;
      // A request queued after the loop saw an empty queue, before this ran.
      if (this.queue.length) this.startWriter();
    });
  }

  /** One transaction for the whole batch; every request is answered after COMMIT (or fails with it). */
  private async commit(batch: WriteRequest[]): Promise<void> {
    const t0 = performance.now();
    let client: pg.PoolClient;
    try {
      client = await this.db.connect();
    } catch (err) {
      for (const r of batch) r.reject(unavailable(err));
      return;
    }
    let done: Committed;
    for (let attempt = 1; ; attempt++) {
      try {
        done = await this.transaction(client, batch);
        client.release();
        break;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        // Batches go in one key order (writes.ts), but a retention or trim delete can still cross one: PostgreSQL aborts one side, which is run again.
        if ((err as { code?: string }).code === '40P01' && attempt < 3) continue;
        client.release(true);
        this.logger?.warn('store: commit failed', { error: err instanceof Error ? err.message : String(err) });
        for (const r of batch) r.reject(unavailable(err));
        return;
      }
    }
    const { answers, written, seqs, bytes } = done;
    this.events += seqs.length;
    this.bytes += bytes;
    this.rememberLive(written);
    const seconds = (performance.now() - t0) / 1000;
    for (const l of this.fsyncListeners) l(seconds);
    batch.forEach((r, i) => r.resolve(answers[i]));
  }

  private async transaction(client: pg.PoolClient, batch: readonly WriteRequest[]): Promise<Committed> {
    // Durable at COMMIT whatever the server's default (an answer is a promise the data is kept).
    await client.query('BEGIN; SET LOCAL synchronous_commit TO on');
    const inserted = await insertEvents(client, batch.flatMap((r) => r.events));
    let at = 0;
    const answers = batch.map((r) => inserted.results.slice(at, (at += r.events.length)));
    const written = batch.flatMap((r, i) => (r.stateOnly || answers[i].some((a) => !a.duplicate_of && !a.id_conflict) ? r.state : []));
    await upsertState(client, foldState(written), this.instance, this.leaseMs);
    const byKind = new Map<string, Set<string>>();
    for (const r of written) byKind.set(r.kind, (byKind.get(r.kind) ?? new Set()).add(r.id));
    const payloads = [...eventNotices(this.instance, inserted.seqs), ...[...byKind].flatMap(([kind, ids]) => stateNotices(this.instance, kind, [...ids]))];
    if (payloads.length) await client.query({ name: 'sy_notify', text: 'SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', values: [CHANNEL, payloads] });
    await client.query('COMMIT');
    return { answers, written, seqs: inserted.seqs, bytes: inserted.bytes };
  }

  private rememberLive(records: readonly StateRecord[]): void {
    for (const r of records) {
      const key = `${r.kind}\n${r.id}`;
      if (r.live !== false && !r.cold && !r.companionOf) this.live.set(key, { kind: r.kind, id: r.id, data: r.data });
      else this.live.delete(key);
    }
  }

  liveState(): StateRecord[] {
    return [...this.live.values()].map((r) => ({ kind: r.kind, id: r.id, data: r.data }));
  }

  async getState(kind: string, id: string): Promise<unknown | undefined> {
    const rows = await this.query<StateRow>({ name: 'sy_get_state', text: 'SELECT data, base, append_to FROM state_records WHERE kind = $1 AND id = $2', values: [kind, id] });
    return rows[0] ? dataOf(rows[0]) : undefined;
  }

  async listState(kind: string, filter: StateFilter, page: { cursor?: string; limit: number }): Promise<Page<unknown> | undefined> {
    const limit = pageLimit(page.limit);
    const { where, params } = stateWhere(kind, filter);
    if (page.cursor !== undefined) {
      const at = await this.query<{ first_seq: string; organization: string }>('SELECT first_seq, organization FROM state_records WHERE kind = $1 AND id = $2', [kind, page.cursor]);
      // A cursor is a record of this list: of the organization asked about.
      if (!at[0] || (filter.organization !== undefined && at[0].organization !== filter.organization)) return undefined;
      params.push(at[0].first_seq);
      where.push(`first_seq < $${params.length}`);
    }
    params.push(limit + 1);
    const rows = await this.query<StateRow & { id: string }>(`SELECT id, data, base, append_to FROM state_records WHERE ${where.join(' AND ')} ORDER BY first_seq DESC LIMIT $${params.length}`, params);
    const more = rows.length > limit;
    const shown = rows.slice(0, limit);
    return { items: shown.map(dataOf), next_cursor: more ? shown[shown.length - 1].id : null };
  }

  async trimState(kind: string, bounds: { until: number; keep: number }): Promise<string[]> {
    const rows = await this.query<{ id: string }>({
      name: 'sy_trim_state',
      text: `WITH old AS (
          SELECT id FROM state_records WHERE kind = $1 AND keyed AND at_s > 0 AND at_s <= $2
          UNION (SELECT id FROM state_records WHERE kind = $1 AND keyed ORDER BY first_seq DESC OFFSET $3)),
        d AS (DELETE FROM state_records s USING old WHERE s.kind = $1 AND s.id = old.id RETURNING s.id),
        l AS (DELETE FROM state_lookups x USING d WHERE x.kind = $1 AND x.id = d.id)
        SELECT id FROM d`,
      values: [kind, Math.floor(bounds.until / 1000), Math.max(0, Math.floor(bounds.keep))],
    });
    const ids = rows.map((r) => r.id);
    for (const id of ids) this.live.delete(`${kind}\n${id}`);
    if (ids.length) {
      await this.query({ name: 'sy_notify', text: 'SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', values: [CHANNEL, stateNotices(this.instance, kind, ids)] });
    }
    return ids;
  }

  async countState(kind: string, filter: StateFilter): Promise<number> {
    const { where, params } = stateWhere(kind, filter);
    const rows = await this.query<{ n: string }>(`SELECT count(*) AS n FROM state_records WHERE ${where.join(' AND ')}`, params);
    return Number(rows[0].n);
  }

  async lookupState(kind: string, organization: string, value: string): Promise<string[]> {
    const rows = await this.query<{ id: string }>({
      name: 'sy_lookup_state', text: 'SELECT id FROM state_lookups WHERE kind = $1 AND organization = $2 AND value = $3 ORDER BY first_seq DESC', values: [kind, organization, value],
    });
    return rows.map((r) => r.id);
  }

  async duplicateOf(organization: string, dedupKey: string | null): Promise<string | undefined> {
    if (dedupKey == null) return undefined;
    const pending = this.pendingDedup.get(`${organization}\n${dedupKey}`);
    if (pending !== undefined) return pending;
    const rows = await this.query<{ id: string }>({ name: 'sy_duplicate_of', text: 'SELECT id FROM events WHERE organization = $1 AND dedup_key = $2', values: [organization, dedupKey] });
    return rows[0]?.id;
  }

  async getEvent(id: string): Promise<NormalizedEvent | undefined> {
    const rows = await this.query<{ record: Record<string, unknown> }>({ name: 'sy_get_event', text: 'SELECT record FROM events WHERE id = $1', values: [id] });
    return rows[0] ? (migrateEventRecord(rows[0].record, eventMigrations) as unknown as NormalizedEvent) : undefined;
  }

  async listEvents(query: EventQuery): Promise<Page<EventSummary>> {
    const limit = pageLimit(query.limit);
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (n: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (query.cursor) add((n) => `seq < $${n}`, decodeCursor(query.cursor, Number.MAX_SAFE_INTEGER));
    for (const col of ['organization', 'dialect', 'source', 'severity', 'status'] as const) {
      const v = query[col];
      if (v !== undefined) add((n) => `${col} = $${n}`, v);
    }
    if (query.text) add((n) => `search LIKE $${n}`, containsPattern(needleOf(query.text).text));
    params.push(limit + 1);
    const rows = await this.query<EventSummary & { seq: string }>(
      `SELECT ${SUMMARY_COLUMNS} FROM events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`, params,
    );
    const more = rows.length > limit;
    const shown = rows.slice(0, limit);
    return { items: shown.map(summaryOfRow), next_cursor: more ? encodeCursor(Number(shown[shown.length - 1].seq)) : null };
  }

  onChange(listener: (change: StoreChange) => void): void {
    this.changeListeners.push(listener);
  }

  /** Another instance's notice, handled in arrival order. */
  private onNotice(n: Notice): void {
    this.notices = this.notices
      .then(async () => {
        if (this.status !== 'open') return;
        if (n.t === 'e') {
          const rows = await this.query<EventSummary & { seq: string }>(
            `SELECT ${SUMMARY_COLUMNS} FROM events e JOIN unnest($1::bigint[], $2::bigint[]) AS r(a, b) ON e.seq BETWEEN r.a AND r.b ORDER BY e.seq`,
            [n.r.map((r) => r[0]), n.r.map((r) => r[1])],
          );
          this.events += rows.length;
          if (rows.length) this.tell({ type: 'events', summaries: rows.map(summaryOfRow) });
        } else if (n.t === 'c') {
          const row = await readConfig(this.db);
          if (this.cfg && row.version <= this.cfg.version) return;
          this.cfg = row;
          this.tell({ type: 'config' });
        } else if (n.t === 's') this.tell({ type: 'state', kind: n.k, ids: n.ids });
        else if (n.t === 'r') {
          this.events = Math.max(0, this.events - n.n);
          this.bytes = Math.max(0, this.bytes - n.b);
        }
      })
      .catch((err: unknown) => this.logger?.warn('store: could not follow another instance\'s change', { error: err instanceof Error ? err.message : String(err) }));
  }

  private tell(change: StoreChange): void {
    for (const l of this.changeListeners) {
      try {
        l(change);
      } catch (err) {
        this.logger?.warn('store: change listener failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  async exclusive<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    if (!this.locks || this.status !== 'open') throw new StoreUnavailableError(new Error('the store is not open'), 'database');
    const sorted = [...new Set(keys)].sort();
    try {
      await this.locks.acquire(sorted);
    } catch (err) {
      throw unavailable(err);
    }
    try {
      return await fn();
    } finally {
      await this.locks.release(sorted).catch(() => undefined);
    }
  }


  async claim(kind: string, ms: number, limit: number): Promise<StateRecord[]> {
    const rows = await this.query<StateRow & { id: string; first_seq: string }>({
      name: 'sy_claim',
      text: `UPDATE state_records s SET lease_owner = $1, lease_until = clock_timestamp() + make_interval(secs => $2::double precision / 1000)
        FROM (SELECT kind, id FROM state_records WHERE kind = $3 AND live AND NOT cold AND (lease_until IS NULL OR lease_until < clock_timestamp())
              ORDER BY first_seq LIMIT $4 FOR UPDATE SKIP LOCKED) c
        WHERE s.kind = c.kind AND s.id = c.id
        RETURNING s.id, s.data, s.base, s.append_to, s.first_seq`,
      values: [this.instance, ms, kind, Math.max(0, Math.floor(limit))],
    });
    return rows.sort((a, b) => Number(a.first_seq) - Number(b.first_seq)).map((r) => ({ kind, id: r.id, data: dataOf(r) }));
  }

  async renew(kind: string, ids: readonly string[], ms: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.query<{ id: string }>({
      name: 'sy_renew',
      text: 'UPDATE state_records SET lease_until = clock_timestamp() + make_interval(secs => $1::double precision / 1000) WHERE kind = $2 AND id = ANY($3::text[]) AND lease_owner = $4 AND live RETURNING id',
      values: [ms, kind, ids, this.instance],
    });
    return rows.map((r) => r.id);
  }

  retention(): RetentionPolicy {
    return retentionOf(this.config());
  }

  async setRetention(policy: RetentionPolicy): Promise<RetentionPolicy> {
    const saved = await this.updateConfig((d) => {
      const next = { max_age_days: policy.max_age_days, max_bytes: policy.max_bytes };
      d.settings.retention = next;
      return next;
    });
    await this.enforceRetention().catch(() => undefined); // the timer tries again; the policy is stored either way
    return saved;
  }

  enforceRetention(): Promise<RetentionReport> {
    if (this.status !== 'open') return Promise.reject(new StoreUnavailableError(new Error('the store is not open'), 'database'));
    const run = this.maintenance.then(() => this.retain());
    this.maintenance = run.catch(() => undefined);
    return run;
  }

  /**
   * Deletes the oldest events (by age, then while over max_bytes), RETENTION_BATCH rows per
   * statement, then the finished state records written before the oldest event left (a live
   * record's companion stays). No segments here: deleted_segments is always [].
   */
  private async retain(): Promise<RetentionReport> {
    const report: RetentionReport = { deleted_segments: [], deleted_events: 0, bytes_freed: 0 };
    const policy = this.retention();
    if (policy.max_age_days === null && policy.max_bytes === null) return report;
    const cutoff = policy.max_age_days === null ? -Infinity : this.now().getTime() - policy.max_age_days * 86_400_000;
    let total = policy.max_bytes === null ? 0 : Number((await this.query<{ b: string }>('SELECT coalesce(sum(bytes), 0) AS b FROM events'))[0].b);
    const batchRows = this.opts.retentionBatchRows ?? RETENTION_BATCH;
    let after = 0;
    for (;;) {
      const rows = await this.query<{ seq: string; received_at: string; bytes: number }>('SELECT seq, received_at, bytes FROM events WHERE seq > $1 ORDER BY seq LIMIT $2', [after, batchRows]);
      let take = 0;
      for (const r of rows) {
        const old = Date.parse(r.received_at) < cutoff;
        const over = policy.max_bytes !== null && total > policy.max_bytes;
        if (!old && !over) break;
        total -= r.bytes;
        take++;
      }
      if (take === 0) break;
      const through = Number(rows[take - 1].seq);
      // Exactly the rows looked at: one committed meanwhile inside the range was not weighed.
      const seen = rows.slice(0, take).map((r) => r.seq);
      const [gone] = await this.query<{ n: string; b: string }>('WITH d AS (DELETE FROM events WHERE seq = ANY($1::bigint[]) RETURNING bytes) SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM d', [seen]);
      report.deleted_events += Number(gone.n);
      report.bytes_freed += Number(gone.b);
      after = through;
      if (take < rows.length) break;
    }
    if (after > 0) {
      // State written before the oldest event left goes (it shared the deleted events' commits, as it shares their segments in the file store).
      const [first] = await this.query<{ seq: string | null }>('SELECT min(seq) AS seq FROM events');
      const before = first.seq === null ? after + 1 : Number(first.seq);
      for (;;) {
        const [gone] = await this.query<{ n: string }>(
          `WITH d AS (
             DELETE FROM state_records s USING (
               SELECT f.kind, f.id FROM state_records f WHERE NOT f.live AND f.seq < $1
                 AND NOT (f.companion_of IS NOT NULL AND EXISTS (SELECT 1 FROM state_records h WHERE h.kind = f.companion_of AND h.id = f.id AND h.live))
               LIMIT $2) g
             WHERE s.kind = g.kind AND s.id = g.id RETURNING s.kind, s.id),
           l AS (DELETE FROM state_lookups x USING d WHERE x.kind = d.kind AND x.id = d.id)
           SELECT count(*) AS n FROM d`,
          [before, batchRows],
        );
        if (Number(gone.n) < batchRows) break;
      }
    }
    this.events = Math.max(0, this.events - report.deleted_events);
    this.bytes = Math.max(0, this.bytes - report.bytes_freed);
    if (report.deleted_events) await this.query('SELECT pg_notify($1, $2)', [CHANNEL, retentionNotice(this.instance, report.deleted_events, report.bytes_freed)]).catch(() => undefined);
    return report;
  }

  stats(): StoreStats {
    return { events: this.events, segments: 0, bytes: this.bytes, queue_depth: this.queueDepth, torn_lines_discarded: 0 };
  }

  onFsync(listener: (seconds: number) => void): void {
    this.fsyncListeners.push(listener);
  }
}

export function createPgStore(opts: PgStoreOptions): Store {
  return new PgStore(opts);
}

/** Applies the numbered migrations not yet applied (`switchyard migrate`); returns their numbers. */
export async function migrateDatabase(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await applyMigrations(client, async () => void (await prepareConfig(client)));
  } finally {
    await client.end();
  }
}
