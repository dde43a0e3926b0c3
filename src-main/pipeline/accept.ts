// The path every submitted body takes, whoever sent it (an ingest endpoint, a sample sent
// from the UI, a replay): normalize → decide → plan deliveries → commit once → publish.
// It knows nothing of HTTP: it throws domain errors (pipeline/errors.ts) and lets store
// errors pass through; it is given only the parts of the runtimes it calls.
import type { EventBus } from '../bus';
import { ingest } from '../core/ingest';
import type { StateChange } from '../core/signals/types';
import type { Dialect, EventSummary, NormalizedEvent, Organization, RequestMeta, SourceRecord } from '../core/types';
import type { AlertLookup, OwedByEvent } from '../delivery-runtime';
import type { Decided } from '../signals-runtime';
import type { AppendResult, StateRecord, Store } from '../store/types';
import { IdConflict, InvalidSubmission } from './errors';

export interface Submission {
  dialect: Dialect;
  body: unknown;
  organization: Organization;
  source: SourceRecord | null;
  request: RequestMeta;
  /** Samples and replays: new ids and no dedup, so sending the same payload again makes a new event. */
  fresh?: boolean;
}

export interface Accepted {
  /** True when every event was an exact retry: nothing new was stored. */
  duplicate: boolean;
  /** One per event: its id, or for an exact retry the id of the event stored first. */
  ids: string[];
  alertIds: (string | null)[];
}

/** What the pipeline calls on the signals runtime. */
export interface SignalsStage {
  /** What deciding these events locks when instances share the store. */
  lockKeys(events: readonly NormalizedEvent[]): string[];
  decide(events: NormalizedEvent[]): Promise<Decided>;
  records(changes: readonly StateChange[]): StateRecord[];
  rollback(perEvent: StateChange[][]): void;
  /** The changes are durable. */
  settle(perEvent: StateChange[][]): void;
  publish(changes: readonly StateChange[]): void;
}

/** What the pipeline calls on the delivery runtime. */
export interface DeliveriesStage {
  plan(event: NormalizedEvent, alerts: AlertLookup): OwedByEvent;
  records(owed: readonly OwedByEvent[]): StateRecord[];
  enqueue(owed: readonly OwedByEvent[]): void;
}

export interface PipelineDeps {
  store: Pick<Store, 'config' | 'duplicateOf' | 'appendEvents' | 'getEvent' | 'shared' | 'exclusive'>;
  signals: SignalsStage;
  deliveries: DeliveriesStage;
  bus: Pick<EventBus, 'publish'>;
  /** Metrics hook: how many events of a dialect were stored (accepted) or were exact retries (duplicate). */
  counted(dialect: Dialect, outcome: 'accepted' | 'duplicate', n: number): void;
  now(): Date;
  newId(): string;
}

export interface Pipeline {
  /** Throws InvalidSubmission or IdConflict; store errors pass through. */
  accept(sub: Submission): Promise<Accepted>;
}

export function summaryOf(e: NormalizedEvent): EventSummary {
  return {
    id: e.id, organization: e.organization, source: e.source, source_name: e.source_name, dialect: e.dialect,
    received_at: e.received_at, title: e.title, severity: e.severity, status: e.status, priority: e.priority, alert_id: e.alert_id,
  };
}

const NOTHING_OWED: OwedByEvent = { deliveries: [], notifications: [] };

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { store, signals, deliveries, bus } = deps;

  async function normalize(sub: Submission): Promise<NormalizedEvent[]> {
    const result = await ingest(sub.dialect, sub.body, {
      organization: sub.organization,
      source: sub.source,
      receivedAt: deps.now(),
      request: sub.request,
      customMappings: store.config().indicator_mappings.filter((m) => m.organization === sub.organization.id),
      newId: deps.newId,
    });
    if (!result.ok) throw new InvalidSubmission(result.errors);
    if (sub.fresh) for (const e of result.events) Object.assign(e, { id: deps.newId(), dedup_key: null });
    return result.events;
  }

  /** Exact retries are passed through undecided; the rest go through the signals engine. */
  async function decide(normalized: NormalizedEvent[]): Promise<{ events: NormalizedEvent[]; changesOf: StateChange[][]; isDuplicate: boolean[] }> {
    const isDuplicate = await Promise.all(normalized.map(async (e) => (await store.duplicateOf(e.organization, e.dedup_key)) !== undefined));
    const decided = await signals.decide(normalized.filter((_, i) => !isDuplicate[i]));
    const events: NormalizedEvent[] = [];
    const changesOf: StateChange[][] = [];
    for (let i = 0, d = 0; i < normalized.length; i++) {
      events.push(isDuplicate[i] ? normalized[i] : decided.events[d]);
      changesOf.push(isDuplicate[i] ? [] : decided.perEvent[d++]);
    }
    return { events, changesOf, isDuplicate };
  }

  /** The events with everything they cause, in one durable commit; a failed commit undoes the decisions. */
  async function commit(events: NormalizedEvent[], changesOf: StateChange[][], owed: OwedByEvent[]): Promise<AppendResult[]> {
    let stored: AppendResult[];
    try {
      stored = await store.appendEvents(events, [...signals.records(changesOf.flat()), ...deliveries.records(owed)]);
    } catch (err) {
      signals.rollback(changesOf);
      throw err;
    }
    // A concurrent twin was stored first (or the id is taken): its changes never happened.
    signals.rollback(changesOf.filter((_, i) => stored[i].duplicate_of || stored[i].id_conflict));
    signals.settle(changesOf.filter((_, i) => !stored[i].duplicate_of && !stored[i].id_conflict));
    const conflict = stored.find((r) => r.id_conflict);
    if (conflict) throw new IdConflict(conflict.id);
    return stored;
  }

  function publish(events: NormalizedEvent[], changesOf: StateChange[][], owed: OwedByEvent[], fresh: number[]): void {
    for (const i of fresh) bus.publish({ type: 'event.created', organization: events[i].organization, data: summaryOf(events[i]) });
    signals.publish(fresh.flatMap((i) => changesOf[i]));
    deliveries.enqueue(fresh.map((i) => owed[i]));
  }

  /** The alerts an event changed: the one it opened or joined is among them. */
  function alertsIn(changes: readonly StateChange[]): AlertLookup {
    return { getAlert: (organization, id) => changes.flatMap((c) => (c.kind === 'alert' && c.alert.id === id && c.alert.organization === organization ? [c.alert] : []))[0] };
  }

  async function decideAndCommit(normalized: NormalizedEvent[]) {
    const { events, changesOf, isDuplicate } = await decide(normalized);
    // Deliveries owed by the fresh events are committed with them (durable before the answer).
    const owed = events.map((e, i) => (isDuplicate[i] ? NOTHING_OWED : deliveries.plan(e, alertsIn(changesOf[i]))));
    const stored = await commit(events, changesOf, owed);
    return { events, changesOf, owed, stored };
  }

  /**
   * Instances sharing the store decide and commit under locks: the signals keys (one alert per
   * idempotency key, whichever instance gets its events) and the dedup keys (a retry sent to
   * two instances is stored once, and is not decided twice). One process needs none.
   */
  function locked(normalized: NormalizedEvent[]) {
    if (!store.shared) return decideAndCommit(normalized);
    const dedupKeys = normalized.flatMap((e) => (e.dedup_key === null ? [] : [`dedup:${e.organization}\n${e.dedup_key}`]));
    return store.exclusive([...new Set([...signals.lockKeys(normalized), ...dedupKeys])], () => decideAndCommit(normalized));
  }

  return {
    async accept(sub) {
      const { events, changesOf, owed, stored } = await locked(await normalize(sub));
      const fresh = events.map((_, i) => i).filter((i) => !stored[i].duplicate_of);
      publish(events, changesOf, owed, fresh);
      const alertIds = await Promise.all(events.map(async (e, i) => (stored[i].duplicate_of ? ((await store.getEvent(stored[i].duplicate_of!))?.alert_id ?? null) : e.alert_id)));
      deps.counted(sub.dialect, 'duplicate', events.length - fresh.length);
      deps.counted(sub.dialect, 'accepted', fresh.length);
      return { duplicate: fresh.length === 0, ids: stored.map((r) => r.duplicate_of ?? r.id), alertIds };
    },
  };
}
