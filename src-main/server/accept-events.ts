// The path every accepted body takes, whoever sent it (an ingest endpoint, a sample sent
// from the UI, a replay): normalize, decide, store durably with what it owes, then publish.
import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import { ingest } from '../core/ingest';
import type { StateChange } from '../core/signals/types';
import type { Dialect, EventSummary, NormalizedEvent, Organization, RequestMeta, SourceRecord } from '../core/types';
import { owedRecords } from '../delivery/engine';
import { notificationRecord } from '../notifications';
import { stateRecords } from '../signals-runtime';
import type { AppendResult } from '../store/types';
import type { Principal } from './auth';
import type { ServerDeps } from './deps';
import { HttpError } from './http-error';

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
  /** 202 when anything new was stored, 200 when every event was an exact retry. */
  status: 200 | 202;
  ids: string[];
  alertIds: (string | null)[];
  duplicate: boolean;
}

/** The request an event sent from the UI records: who, by which route, and that no key was used. */
export function uiRequest(ctx: Context, principal: Principal, path: string, bytes: number, replayOf?: string): RequestMeta {
  return {
    method: 'POST', path, remote_address: ctx.req.socket.remoteAddress ?? null, user_agent: ctx.get('user-agent') || null,
    content_length: bytes, content_type: 'application/json', auth: 'session', key_id: principal.keyId, idempotency_key: null,
    ...(replayOf ? { replay_of: replayOf } : {}),
  };
}

export function summaryOf(e: NormalizedEvent): EventSummary {
  return {
    id: e.id, organization: e.organization, source: e.source, source_name: e.source_name, dialect: e.dialect,
    received_at: e.received_at, title: e.title, severity: e.severity, status: e.status, priority: e.priority, alert_id: e.alert_id,
  };
}

/** Throws HttpError 400 for invalid bodies; store errors (overloaded, unavailable) pass through. */
export async function acceptEvents(deps: ServerDeps, sub: Submission): Promise<Accepted> {
  const organization = sub.organization;
  const result = await ingest(sub.dialect, sub.body, {
    organization,
    source: sub.source,
    receivedAt: deps.now(),
    request: sub.request,
    customMappings: deps.store.config().indicator_mappings.filter((m) => m.organization === organization.id),
    newId: randomUUID,
  });
  if (!result.ok) throw new HttpError(400, result.errors);
  if (sub.fresh) for (const e of result.events) Object.assign(e, { id: randomUUID(), dedup_key: null });
  // Exact retries are answered without a decision; the rest go through the signals engine.
  const isDuplicate = result.events.map((e) => deps.store.duplicateOf(e.organization, e.dedup_key) !== undefined);
  const decided = await deps.signals.decide(result.events.filter((_, i) => !isDuplicate[i]));
  const events: NormalizedEvent[] = [];
  const changesOf: StateChange[][] = [];
  for (let i = 0, d = 0; i < result.events.length; i++) {
    events.push(isDuplicate[i] ? result.events[i] : decided.events[d]);
    changesOf.push(isDuplicate[i] ? [] : decided.perEvent[d++]);
  }
  // Deliveries owed by the fresh events are committed with them (durable before the answer).
  const owed = events.map((e, i) => (isDuplicate[i] ? { deliveries: [], notifications: [] } : deps.deliveries.plan(e, deps.signals.engine)));
  let stored: AppendResult[];
  try {
    stored = await deps.store.appendEvents(events, [
      ...stateRecords(changesOf.flat()),
      ...owed.flatMap((o) => o.deliveries.flatMap(owedRecords)),
      ...owed.flatMap((o) => o.notifications.map(notificationRecord)),
    ]);
  } catch (err) {
    deps.signals.rollback(changesOf);
    throw err;
  }
  // A concurrent twin was stored first (or the id is taken): its changes never happened.
  deps.signals.rollback(changesOf.filter((_, i) => stored[i].duplicate_of || stored[i].id_conflict));
  const conflict = stored.find((r) => r.id_conflict);
  if (conflict) throw new HttpError(400, [`raw.id: "${conflict.id}" is already the id of another organization's event`]);
  const freshIdx = events.map((_, i) => i).filter((i) => !stored[i].duplicate_of);
  for (const i of freshIdx) deps.bus.publish({ type: 'event.created', organization: events[i].organization, data: summaryOf(events[i]) });
  deps.signals.publish(freshIdx.flatMap((i) => changesOf[i]));
  deps.deliveries.engine.enqueue(freshIdx.flatMap((i) => owed[i].deliveries));
  const notes = freshIdx.flatMap((i) => owed[i].notifications);
  deps.deliveries.notifications.added(notes);
  for (const n of notes) deps.bus.publish({ type: 'notification.created', organization: n.organization, data: n });
  const alertIds = await Promise.all(events.map(async (e, i) => (stored[i].duplicate_of ? ((await deps.store.getEvent(stored[i].duplicate_of!))?.alert_id ?? null) : e.alert_id)));
  deps.metrics.events.inc({ dialect: sub.dialect, outcome: 'duplicate' }, events.length - freshIdx.length);
  deps.metrics.events.inc({ dialect: sub.dialect, outcome: 'accepted' }, freshIdx.length);
  const duplicate = freshIdx.length === 0;
  return { status: duplicate ? 200 : 202, ids: stored.map((r) => r.duplicate_of ?? r.id), alertIds, duplicate };
}
