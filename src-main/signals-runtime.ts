// The signals engine at run time: decisions are made before an event is stored and
// their alert/case snapshots are committed with it; time-based rules run on a timer;
// every state change is published on the live stream.
import { randomUUID } from 'node:crypto';
import type { EventBus } from './bus';
import { alertLookups, capTimeline, SignalsEngine, type AlertAction, type AlertListFilter, type AlertSource, type CaseListFilter } from './core/signals/engine';
import type { Alert, Case, CaseStatus, StateChange } from './core/signals/types';
import { alertLockKeys, eventLockKeys, TICK_LOCK } from './core/signals/lock-keys';
import type { NormalizedEvent } from './core/types';
import { ALERT_SCAN_MAX, PAGE_SIZE_MAX } from './limits';
import type { Logger } from './logger';
import type { Page, StateRecord, Store } from './store/types';
import { appendStateInBatches } from './store/append-batches';

/**
 * The records that make changes durable. An alert is found by its keys (organization, status,
 * definition, lookups, last seen); an active one is carried by retention but stays on disk
 * only (cold), except a flapping one, which the engine looks at every tick; a resolved or
 * dismissed one goes with its segment. Cases stay in memory.
 */
export function stateRecords(changes: readonly StateChange[]): StateRecord[] {
  return changes.map((c): StateRecord => {
    if (c.kind === 'case') return { kind: 'case', id: c.case.id, data: c };
    const a = c.alert;
    const active = a.status === 'open' || a.status === 'acknowledged';
    const keys = { organization: a.organization, status: a.status, group: a.definition_id ?? '', lookup: alertLookups(a), at: Date.parse(a.last_seen) };
    const { tail, ...change } = c;
    // A joined event writes the alert with only the timeline entries since its last full snapshot.
    if (tail !== undefined) {
      const patch = { ...change, alert: { ...a, timeline: a.timeline.slice(a.timeline.length - tail) } };
      return { kind: 'alert', id: a.id, data: patch, live: true, cold: true, appendTo: 'alert.timeline', keys };
    }
    return { kind: 'alert', id: a.id, data: change, live: active || a.flapping, cold: !a.flapping, keys };
  });
}

/** The engine's view of the store's alerts. */
export function storedAlerts(store: Store): AlertSource {
  const alertOf = (data: unknown) => capTimeline((data as { alert: Alert }).alert);
  return {
    get: async (id) => {
      const data = await store.getState('alert', id);
      return data === undefined ? undefined : alertOf(data);
    },
    lookup: (organization, value) => store.lookupState('alert', organization, value),
    // Open ones, then acknowledged ones; the cursor says which.
    idle: async (until, page) => {
      const items: Alert[] = [];
      let at: string | null = page.cursor ?? 'open:';
      while (at !== null && items.length < page.limit) {
        const status = at.slice(0, at.indexOf(':'));
        const cursor = at.slice(at.indexOf(':') + 1) || undefined;
        const found = await store.listState('alert', { status, until }, { cursor, limit: page.limit - items.length });
        items.push(...(found?.items.map(alertOf) ?? []));
        at = found?.next_cursor ? `${status}:${found.next_cursor}` : status === 'open' ? 'acknowledged:' : null;
      }
      return { items, next_cursor: at };
    },
  };
}

/**
 * Rewrites the alert records an earlier version kept in memory (every alert, without keys)
 * in today's shape, before the runtime starts. Returns how many were rewritten.
 */
export async function upgradeStoredAlerts(store: Store): Promise<number> {
  // A database was never written by that version; its live alerts (flapping ones) are other instances' too.
  if (store.shared) return 0;
  const old = store.liveState().filter((r) => r.kind === 'alert').map((r) => r.data as StateChange);
  await appendStateInBatches(store, stateRecords(old));
  return old.length;
}

/**
 * A page of an organization's alerts, newest first, with the total that match. Status and
 * definition are filtered by the index; severity and text by reading the records, at most
 * ALERT_SCAN_MAX per request (then the page may be short, and the total is null).
 * Undefined for a cursor not from this list.
 */
export async function listStoredAlerts(store: Store, organization: string, filter: AlertListFilter, page: { cursor?: string; limit: number }): Promise<(Page<Alert> & { total: number | null }) | undefined> {
  const keys = { organization, status: filter.status, group: filter.definition_id };
  const text = filter.text?.toLowerCase();
  const hit = (a: Alert) => (filter.severity === undefined || a.severity === filter.severity) &&
    (text === undefined || [a.title, a.short_id, a.id, a.idempotency_key ?? '', ...a.tags].some((s) => s.toLowerCase().includes(text)));
  const read = async (cursor: string | undefined, limit: number) => {
    const found = await store.listState('alert', keys, { cursor, limit });
    return found && { items: found.items.map((d) => capTimeline((d as { alert: Alert }).alert)), next_cursor: found.next_cursor };
  };
  if (filter.severity === undefined && text === undefined) {
    const found = await read(page.cursor, page.limit);
    return found && { ...found, total: await store.countState('alert', keys) };
  }
  // Reads on past a full page to count the matches, within the same bound.
  const items: Alert[] = [];
  let matches = 0;
  let more = false;
  let cursor = page.cursor;
  for (let scanned = 0; ; ) {
    const found = await read(cursor, PAGE_SIZE_MAX);
    if (!found) return undefined;
    scanned += found.items.length;
    for (const a of found.items) {
      if (!hit(a)) continue;
      matches++;
      if (items.length < page.limit) items.push(a);
      else more = true;
    }
    cursor = found.next_cursor ?? undefined;
    if (!cursor) return { items, next_cursor: more ? items[items.length - 1].id : null, total: page.cursor === undefined ? matches : null };
    if (scanned >= ALERT_SCAN_MAX) return { items, next_cursor: items.length === page.limit ? items[items.length - 1].id : cursor, total: null };
  }
}

export interface Decided {
  events: NormalizedEvent[];
  /** Changes of each event, in the order of `events`. */
  perEvent: StateChange[][];
}

export class SignalsRuntime {
  private readonly engine: SignalsEngine;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly store: Store, private readonly bus: EventBus, private readonly logger: Logger, now: () => Date) {
    this.engine = new SignalsEngine({
      now, newId: randomUUID, config: () => store.config(), alerts: storedAlerts(store), shared: store.shared,
      ...(store.shared ? { storedCase: async (id: string) => ((await store.getState('case', id)) as Extract<StateChange, { kind: 'case' }> | undefined)?.case } : {}),
    });
    this.engine.load(store.liveState().filter((r) => r.kind === 'alert' || r.kind === 'case').map((r) => r.data as StateChange));
  }

  /** What deciding these events locks when instances share the store (see lock-keys.ts). */
  lockKeys(events: readonly NormalizedEvent[]): string[] {
    return events.flatMap(eventLockKeys);
  }

  async decide(events: NormalizedEvent[]): Promise<Decided> {
    const out: Decided = { events: [], perEvent: [] };
    for (const e of events) {
      const r = await this.engine.decide(e);
      out.events.push({ ...r.event, decision: r.decision });
      out.perEvent.push(r.changes);
    }
    return out;
  }

  /** The state records that make changes durable (committed with their events). */
  records(changes: readonly StateChange[]): StateRecord[] {
    return stateRecords(changes);
  }

  /** The changes of each event are durable. */
  settle(perEvent: StateChange[][]): void {
    for (const changes of perEvent) this.engine.settle(changes);
  }

  // Read models: what the routes show (by UUID or short id).
  getAlert(organization: string, id: string): Promise<Alert | undefined> {
    return this.engine.getAlert(organization, id);
  }

  listAlerts(organization: string, filter: AlertListFilter, page: { cursor?: string; limit: number }): Promise<(Page<Alert> & { total: number | null }) | undefined> {
    return listStoredAlerts(this.store, organization, filter, page);
  }

  getCase(organization: string, id: string): Case | undefined {
    return this.engine.getCase(organization, id);
  }

  listCases(organization: string, filter: CaseListFilter): Case[] {
    return this.engine.listCases(organization, filter);
  }

  /**
   * A person acknowledges, resolves or dismisses an alert; committed and published before it
   * returns. Shared: under the alert's locks, so it acts on the latest version (read inside).
   */
  async act(organization: string, alertId: string, action: AlertAction, actor: string): Promise<void> {
    const run = async () => this.commit(await this.engine.act(organization, alertId, action, actor));
    if (!this.store.shared) return run();
    const current = await this.engine.getAlert(organization, alertId);
    if (!current) return run(); // the engine answers "no such alert"
    return this.store.exclusive(alertLockKeys(current, this.store.config()), run);
  }

  /**
   * A person moves a case; committed and published before it returns. Shared: under the
   * locks of its alerts (whose events may change it), from the latest version stored.
   */
  async setCaseStatus(organization: string, caseId: string, status: CaseStatus, actor: string): Promise<void> {
    const run = () => this.commit(this.engine.setCaseStatus(organization, caseId, status, actor));
    const known = this.store.shared ? this.engine.getCase(organization, caseId) : undefined;
    if (!known) return run();
    const alerts = await Promise.all(known.alert_ids.map((id) => this.engine.getAlert(organization, id)));
    const keys = [`signals:case:${known.id}`, ...alerts.flatMap((a) => (a ? alertLockKeys(a, this.store.config()) : []))];
    return this.store.exclusive(keys, async () => {
      this.engine.observe(await this.stored('case', [known.id]));
      return run();
    });
  }

  /**
   * Records another instance committed: cases replace the ones in memory, alerts are only
   * flagged (flapping); both are published for this instance's live stream.
   */
  async observe(kind: 'alert' | 'case', ids: readonly string[]): Promise<void> {
    const changes = await this.stored(kind, ids);
    this.engine.observe(changes);
    this.publish(changes);
  }

  private async stored(kind: 'alert' | 'case', ids: readonly string[]): Promise<StateChange[]> {
    return (await Promise.all(ids.map((id) => this.store.getState(kind, id)))).filter((c): c is StateChange => c !== undefined);
  }

  /** Undoes changes that did not reach the disk, latest first. */
  rollback(perEvent: StateChange[][]): void {
    for (let i = perEvent.length - 1; i >= 0; i--) this.engine.rollback(perEvent[i]);
  }

  publish(changes: readonly StateChange[]): void {
    for (const c of changes) {
      const record = c.kind === 'alert' ? c.alert : c.case;
      this.bus.publish({ type: `${c.kind}.changed`, organization: record.organization, data: { ...record, notify: c.notify } });
    }
  }

  /** Persists and publishes changes made outside ingest (actions by people, timers). */
  private async commit(changes: StateChange[]): Promise<void> {
    if (changes.length === 0) return;
    try {
      await this.store.appendState(stateRecords(changes));
    } catch (err) {
      this.engine.rollback(changes);
      throw err;
    }
    this.engine.settle(changes);
    this.publish(changes);
  }

  /** Auto-resolve and flap settling; one at a time (shared: on one instance at a time). */
  tick(): Promise<void> {
    // The work starts only when no tick is running (a slow one is not joined by another).
    return (this.ticking ??= (this.store.shared ? this.store.exclusive([TICK_LOCK], () => this.tickShared()) : this.engine.tick().then((changes) => this.commit(changes)))
      .catch((err) => this.logger.warn('signals tick failed; retrying on the next tick', { err }))
      .finally(() => {
        this.ticking = null;
      }));
  }

  /**
   * The tick read alerts without their locks (it does not know them beforehand): its changes
   * are committed under them only if no other instance changed those alerts since they were
   * read; otherwise they are undone and the next tick looks again.
   */
  private async tickShared(): Promise<void> {
    const changes = await this.engine.tick();
    const alerts = changes.flatMap((c) => (c.kind === 'alert' ? [c] : []));
    if (alerts.length === 0) return this.commit(changes);
    const keys = alerts.flatMap((c) => alertLockKeys(c.alert, this.store.config()));
    // Locks not had (busy, the database gone): the staged changes are undone, not left pending.
    await this.store.exclusive(keys, async () => {
      const stored = await Promise.all(alerts.map((c) => storedAlerts(this.store).get(c.alert.id)));
      const moved = alerts.some((c, i) => {
        const base = this.engine.baseOf(c);
        const now = stored[i];
        return !base || !now || now.updated_at !== base.updated_at || now.event_count !== base.event_count || now.status !== base.status;
      });
      if (moved) {
        this.engine.rollback(changes);
        return;
      }
      await this.commit(changes);
    }).catch((err: unknown) => {
      this.engine.rollback(changes); // undone once: a rollback skips changes already undone
      throw err;
    });
  }

  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }
}
