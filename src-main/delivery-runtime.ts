// Deliveries at run time: owed deliveries are planned for each fresh event, committed with
// it, then handed to the engine; the engine persists every attempt as a state record.
import type { LookupFunction } from 'node:net';
import type { EventBus } from './bus';
import { DELIVERED_KINDS, type Destination } from './core/destination-types';
import { matchingRules, type Rule } from './core/rules';
import type { Alert } from './core/signals/types';
import * as tx from './core/transform/config-ops';
import type { NormalizedEvent } from './core/types';
import { APPLIANCE_ADDRESS_POLICY } from './delivery/address-check';
import { CircuitBreakers, type CircuitOptions, type CircuitSnapshot } from './delivery/circuit-breaker';
import { DeliveryEngine, owedRecords, upgradedRecords, type Attempt, type Delivery, type DeliveryFilter, type Owed } from './delivery/engine';
import { createSender, type Sender } from './delivery/http-sender';
import { createMailer, FailureNotifier, type Mailer, type SmtpSettings } from './delivery/mailer';
import { renderPayload } from './delivery/payloads';
import { retryPolicy, type RetryPolicy } from './delivery/retry-policy';
import { DELIVERY_CLAIM_BATCH, DELIVERY_DRAIN_MS, DELIVERY_LEASE_MS, PAGE_SIZE_MAX } from './limits';
import type { Logger } from './logger';
import { NotificationCenter, notificationRecord, type Notification } from './notifications';
import type { StateRecord, Store } from './store/types';
import { appendStateInBatches } from './store/append-batches';

export interface DeliveryOptions {
  /** Quiet period between failure e-mails to one destination's email_for_error. */
  failureQuietPeriodS?: number;
  /** Retry schedule in seconds (tests and settings shorten it). */
  retrySchedule?: number[];
  jitter?: number;
  timeoutMs?: number;
  circuit?: CircuitOptions;
  /** How long close() waits for attempts in flight (default DELIVERY_DRAIN_MS). */
  drainMs?: number;
  /** Name resolution for outgoing requests (default dns.lookup); tests stub it. The address check always wraps it. */
  lookup?: LookupFunction;
  /** Instances sharing a database: how long this one holds its pending deliveries unrenewed (default DELIVERY_LEASE_MS). */
  leaseMs?: number;
}

/** What one event owes: deliveries to send and bell notifications to ring. */
export interface OwedByEvent {
  deliveries: Owed[];
  notifications: Notification[];
}

/** Where planning reads the alert an event joined or opened (for its short id in payloads). */
export interface AlertLookup {
  getAlert(organization: string, id: string): Alert | undefined;
}

/** A rule's e-mail action, delivered like an e-mail destination (retries, history). */
function ruleEmailDestination(rule: Rule, index: number, to: string): Destination {
  return {
    id: `rule:${rule.id}:email:${index}`, organization: rule.organization, name: `rule "${rule.name}" e-mail`, kind: 'email',
    event_type: [], email_for_error: null, enabled: rule.enabled, uri: null, headers: [], format: 'default', token: null,
    signing_secret: '', email_to: to, email_enriched: true, created_at: rule.created_at, updated_at: rule.updated_at,
  };
}

/** A delivery as the API shows it: its payload, and its attempts with the body they sent. */
export type DeliveryView = Delivery & { body: string; attempts: (Attempt & { request: Attempt['request'] & { body: string } })[] };

/**
 * Rewrites the delivery records an earlier version left (payload and attempts inline) in
 * today's shape, before the runtime starts: they become listable by their keys, and the
 * finished ones leave memory. Returns how many were rewritten.
 */
export async function upgradeStoredDeliveries(store: Store): Promise<number> {
  const upgraded = store.liveState().flatMap((r) => (r.kind === 'delivery' ? [upgradedRecords(r.data as Delivery)] : [])).filter((records) => records !== null);
  // Each delivery's records in order: the delivery before its payload (a companion of its row).
  await appendStateInBatches(store, upgraded.flat());
  return upgraded.length;
}

/** A destination's circuit as instances sharing a database see it: live while not closed. */
function circuitRecord(destinationId: string, snapshot: CircuitSnapshot): StateRecord {
  return { kind: 'circuit', id: destinationId, data: snapshot, live: snapshot.state !== 'closed' };
}

/** What the live stream shows of a delivery that changed. */
function deliveryMessage(d: Delivery) {
  return { type: 'delivery.changed', organization: d.organization, data: { id: d.id, destination_id: d.destination_id, event_id: d.event_id, alert_id: d.alert_id, status: d.status, attempt_count: d.attempt_count, next_attempt_at: d.next_attempt_at } };
}

export class DeliveryRuntime {
  private readonly engine: DeliveryEngine;
  readonly breakers: CircuitBreakers;
  /** Outgoing HTTP under the address policy (deliveries, test sends, the address check at save time). */
  readonly sender: Sender;
  readonly policy: RetryPolicy;
  readonly notifications: NotificationCenter;
  readonly failures: FailureNotifier;
  private mailerFor: { key: string; mailer: Mailer } | null = null;
  private readonly flushTimer: NodeJS.Timeout;

  private readonly drainMs: number;
  private readonly leaseMs: number;
  private leaseTimer: NodeJS.Timeout | null = null;
  private leasing = false;
  /** Each destination's receiver when last looked at (shared: another instance may change it). */
  private receivers = new Map<string, string | null>();

  constructor(private readonly store: Store, private readonly bus: EventBus, private readonly logger: Logger, now: () => Date, private readonly baseUrl: () => string, opts: DeliveryOptions = {}) {
    this.drainMs = opts.drainMs ?? DELIVERY_DRAIN_MS;
    this.leaseMs = opts.leaseMs ?? DELIVERY_LEASE_MS;
    this.sender = createSender({ policy: APPLIANCE_ADDRESS_POLICY, timeoutMs: opts.timeoutMs, ...(opts.lookup ? { lookup: opts.lookup } : {}) });
    this.policy = retryPolicy({ ...(opts.retrySchedule ? { schedule_s: opts.retrySchedule } : {}), ...(opts.jitter !== undefined ? { jitter: opts.jitter } : {}) });
    // Shared: a circuit that opens or closes here does so on every instance (observe 'circuit').
    const onTransition = (id: string, snapshot: CircuitSnapshot) =>
      void store.appendState([circuitRecord(id, snapshot)]).catch((err) => logger.warn('circuit change could not be shared', { destination: id, err }));
    this.breakers = new CircuitBreakers({ ...opts.circuit, ...(store.shared ? { onTransition } : {}) });
    this.engine = new DeliveryEngine({
      destination: (id) => this.destination(id),
      sender: this.sender,
      policy: this.policy,
      breakers: this.breakers,
      persist: (records) => store.appendState(records),
      payload: async (id) => {
        const body = await store.getState('payload', id);
        return typeof body === 'string' ? body : undefined;
      },
      mailer: () => this.mailer(),
      onFailure: (dest, delivery, attempt) =>
        void this.failures
          .notify(dest, { delivery_id: delivery.id, error: attempt.error ?? `HTTP ${attempt.response?.status}`, at: new Date(attempt.at), attempt: delivery.attempt_count })
          .catch((err) => logger.warn('failure e-mail could not be sent', { err })),
      publish: (d) => bus.publish(deliveryMessage(d)),
      logger,
      now,
    });
    this.failures = new FailureNotifier({
      send: async (m) => this.mailer()?.send(m) ?? { ok: false, error: 'SMTP is not configured' },
      quietPeriodS: opts.failureQuietPeriodS,
      now,
      link: (_dest, id) => `${this.baseUrl()}/#/deliveries/${id}`,
    });
    this.flushTimer = setInterval(() => void this.failures.flush().catch((err) => logger.warn('failure digest could not be sent', { err })), 5_000);
    this.flushTimer.unref();
    this.notifications = new NotificationCenter((records) => store.appendState(records), (filter, page) => store.listState('notification', filter, page), now);
    this.notifications.load(store.liveState().filter((r) => r.kind === 'notification').map((r) => r.data as Notification));
  }

  /**
   * Starts the pending deliveries no instance holds: for the file store every one, once. Shared,
   * it also adopts the open circuits, and on a timer renews its hold on what it still owes and
   * takes over what another instance stopped holding (killed, or cut off for a lease).
   */
  async start(): Promise<void> {
    if (this.store.shared) {
      for (const r of this.store.liveState()) if (r.kind === 'circuit') this.breakers.get(r.id).adopt(r.data as CircuitSnapshot);
      this.receivers = this.receiversNow();
    }
    await this.claimPending();
    if (!this.store.shared) return;
    this.leaseTimer = setInterval(() => void this.keepLeases(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.leaseTimer.unref();
  }

  private async claimPending(): Promise<void> {
    // One process takes everything in one pass (its store hands each record out once).
    const batch = this.store.shared ? DELIVERY_CLAIM_BATCH : Number.MAX_SAFE_INTEGER;
    for (;;) {
      const claimed = await this.store.claim('delivery', this.leaseMs, batch);
      this.engine.load(claimed.map((r) => r.data as Delivery));
      if (claimed.length < batch) return;
    }
  }

  private async keepLeases(): Promise<void> {
    if (this.leasing) return;
    this.leasing = true;
    try {
      const held = this.engine.pendingIds();
      const kept = new Set(held.length > 0 ? await this.store.renew('delivery', held, this.leaseMs) : []);
      const lost = held.filter((id) => !kept.has(id) && this.engine.pendingOne(id));
      if (lost.length > 0) {
        this.logger.warn('another instance took over deliveries this one held too long (it stalled); they are left to it', { count: lost.length });
        this.engine.release(lost);
      }
      await this.claimPending();
    } catch (err) {
      this.logger.warn('could not renew or claim pending deliveries; trying again shortly', { err });
    } finally {
      this.leasing = false;
    }
  }

  /** Records another instance wrote: circuits are adopted, notifications ring this bell too, deliveries are streamed. */
  async observe(kind: string, ids: readonly string[], streamed: boolean): Promise<void> {
    if (kind === 'circuit') {
      for (const id of ids) {
        const snapshot = (await this.store.getState('circuit', id)) as CircuitSnapshot | undefined;
        if (snapshot) this.breakers.get(id).adopt(snapshot);
      }
      this.engine.reconsider();
    } else if (kind === 'notification') {
      const notes = (await Promise.all(ids.map((id) => this.store.getState('notification', id)))).filter((n): n is Notification => n !== undefined);
      this.notifications.added(notes);
      for (const n of notes) if (n.read_at === null) this.bus.publish({ type: 'notification.created', organization: n.organization, data: n });
    } else if (kind === 'delivery' && streamed) {
      for (const id of ids) {
        const d = (await this.store.getState('delivery', id)) as Delivery | undefined;
        if (d) this.bus.publish(deliveryMessage(d));
      }
    }
  }

  /** The configuration changed on another instance: a destination with a new receiver starts over (as receiverChanged), new ones may take waiting deliveries. */
  configChanged(): void {
    const now = this.receiversNow();
    for (const [id, uri] of now) if (this.receivers.has(id) && this.receivers.get(id) !== uri) this.breakers.delete(id);
    this.receivers = now;
    this.engine.reconsider();
  }

  private receiversNow(): Map<string, string | null> {
    return new Map(this.store.config().destinations.map((d) => [d.id, d.uri ?? d.email_to ?? null]));
  }

  /**
   * What an event owes: a delivery to each enabled HTTP destination subscribed to its event
   * type, and a bell notification for each such in-app destination.
   */
  plan(event: NormalizedEvent, alerts: AlertLookup): OwedByEvent {
    const none = { deliveries: [], notifications: [] };
    if (event.decision && !event.decision.notify) return none; // snoozed or flapping: held back
    const config = this.store.config();
    // Destinations get every record of the event types they subscribe to, plus what rules send them.
    const rules = matchingRules(config.rules, event);
    const ruled = new Set(rules.flatMap((r) => r.actions.flatMap((a) => (a.type === 'destination' ? [a.destination_id] : []))));
    const subscribed = config.destinations.filter((d) => d.organization === event.organization && d.enabled && (d.event_type.includes(event.event_type) || ruled.has(d.id)));
    const destinations = [
      ...subscribed.filter((d) => DELIVERED_KINDS.includes(d.kind)),
      ...rules.flatMap((r) => r.actions.flatMap((a, i) => (a.type === 'email' ? [ruleEmailDestination(r, i, a.to)] : []))),
    ];
    const ringsBell = subscribed.some((d) => d.kind === 'in_app') || rules.some((r) => r.actions.some((a) => a.type === 'in_app'));
    const notifications = ringsBell
      ? [this.notifications.create({
          organization: event.organization, title: event.title, severity: event.severity,
          text: event.decision?.text ?? `New ${event.severity} event from ${event.source_name}`,
          link: event.alert_id ? `#/alerts/${event.alert_id}` : `#/events/${event.id}`, event_id: event.id, alert_id: event.alert_id,
        })]
      : [];
    if (destinations.length === 0) return { deliveries: [], notifications };
    const chain = tx.orgChainOf(config.orgs, event.organization);
    const effective = tx.effectiveTransforms(config, chain);
    const own = effective.find((t) => t.organization === event.organization) ?? null;
    const alert = event.alert_id ? alerts.getAlert(event.organization, event.alert_id) : undefined;
    const ctx = {
      transform: own ?? effective[effective.length - 1] ?? null,
      parents: effective.filter((t) => t !== (own ?? effective[effective.length - 1])),
      tags: tx.tagMap(config, chain),
      searchUrlTemplate: tx.searchUrlTemplate(config.settings, event.organization),
      alert: alert ? { id: alert.id, short_id: alert.short_id, created: event.decision?.action === 'opened_alert' } : null,
      baseUrl: this.baseUrl(),
    };
    return { deliveries: destinations.map((dest) => this.engine.create(dest, renderPayload(dest, event, ctx), 'event', { event_id: event.id, alert_id: event.alert_id })), notifications };
  }

  /** The records that make what events owe durable, committed with the events. */
  records(owed: readonly OwedByEvent[]): StateRecord[] {
    return [...owed.flatMap((o) => o.deliveries.flatMap(owedRecords)), ...owed.flatMap((o) => o.notifications.map(notificationRecord))];
  }

  /** After the commit that holds them: deliveries start, notifications ring the bell. */
  enqueue(owed: readonly OwedByEvent[]): void {
    this.engine.enqueue(owed.flatMap((o) => o.deliveries));
    const notes = owed.flatMap((o) => o.notifications);
    this.notifications.added(notes);
    for (const n of notes) this.bus.publish({ type: 'notification.created', organization: n.organization, data: n });
  }

  /** A delivery not owed by an event (a test send, a redelivery): stored, then sent now. */
  async send(dest: Destination, body: string, origin: Delivery['origin'], ids: { event_id: string | null; alert_id: string | null; redelivery_of?: string | null }): Promise<Delivery> {
    const owed = this.engine.create(dest, body, origin, ids);
    await this.engine.start([owed]);
    return owed.delivery;
  }

  /** A destination has a new receiver: the old one's failures are forgotten (closed circuit) and waiting deliveries go now. */
  receiverChanged(destinationId: string): void {
    this.breakers.delete(destinationId);
    this.engine.reconsider();
  }

  pendingCount(): number {
    return this.engine.pendingCount();
  }

  /** One delivery of an organization, pending or finished, with its payload and attempts (each showing the body sent). */
  async delivery(organization: string, id: string): Promise<DeliveryView | undefined> {
    const d = this.engine.pendingOne(id) ?? ((await this.store.getState('delivery', id)) as Delivery | undefined);
    if (!d || d.organization !== organization) return undefined;
    const body = await this.store.getState('payload', id);
    const attempts = (await Promise.all(d.attempt_ids.map((a) => this.store.getState('attempt', a)))).filter((a): a is Attempt => a !== undefined);
    const text = typeof body === 'string' ? body : '';
    return { ...d, body: text, attempts: attempts.map((a) => ({ ...a, request: { ...a.request, body: text } })) };
  }

  /** A page of an organization's deliveries, newest first; undefined for a cursor not from this list. */
  async deliveries(organization: string, filter: DeliveryFilter, page: { cursor?: string; limit: number }): Promise<{ items: Delivery[]; next_cursor: string | null } | undefined> {
    const found = await this.store.listState('delivery', { organization, status: filter.status, group: filter.destination_id, event_id: filter.event_id, alert_id: filter.alert_id }, page);
    if (!found) return undefined;
    // Event and alert ids are matched by hash in the index: the record decides.
    // A pending one as the engine holds it (e.g. held back while its last outcome could not be recorded).
    const items = (found.items as Delivery[]).map((d) => this.engine.pendingOne(d.id) ?? d).filter((d) => (!filter.event_id || d.event_id === filter.event_id) && (!filter.alert_id || d.alert_id === filter.alert_id));
    return { items, next_cursor: found.next_cursor };
  }

  /** Records of a kind created at or after `from`, newest first, at most `max` (the dashboard's window). */
  async recent<T extends { organization: string }>(kind: 'delivery' | 'attempt', organization: string, from: number, time: (r: T) => string, max: number): Promise<{ items: T[]; truncated: boolean }> {
    const items: T[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.store.listState(kind, { organization }, { cursor, limit: PAGE_SIZE_MAX });
      if (!page) return { items, truncated: false };
      for (const r of page.items as T[]) {
        if (Date.parse(time(r)) < from) return { items, truncated: false };
        if (items.length >= max) return { items, truncated: true };
        items.push(r);
      }
      if (!page.next_cursor) return { items, truncated: false };
      cursor = page.next_cursor;
    }
  }

  /** A configured destination, or the e-mail action of a rule (`rule:<id>:email:<n>`). */
  destination(id: string): Destination | undefined {
    const config = this.store.config();
    const configured = config.destinations.find((d) => d.id === id);
    if (configured) return configured;
    const m = /^rule:(.+):email:(\d+)$/.exec(id);
    const rule = m ? config.rules.find((r) => r.id === m[1]) : undefined;
    const action = rule?.actions[Number(m![2])];
    return rule && action?.type === 'email' ? ruleEmailDestination(rule, Number(m![2]), action.to) : undefined;
  }

  /** The SMTP transport for the current settings (rebuilt when they change); null when unset. */
  mailer(): Mailer | null {
    const settings = this.store.config().settings.smtp as SmtpSettings | undefined;
    if (!settings) return null;
    const key = JSON.stringify(settings);
    if (this.mailerFor?.key !== key) {
      this.mailerFor?.mailer.close();
      this.mailerFor = { key, mailer: createMailer(settings) };
    }
    return this.mailerFor.mailer;
  }

  /** Drains: attempts in flight finish (up to drainMs); every other pending delivery stays on disk for the next start. */
  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    const { abandoned } = await this.engine.stop(this.drainMs);
    // Shared: the store lets go of every hold when it closes, so another instance need not wait out the lease.
    if (abandoned > 0) this.logger.warn('deliveries still in flight at stop stay pending; they are sent after the next start', { count: abandoned, drain_ms: this.drainMs });
    await this.sender.close({ abort: abandoned > 0 });
    this.mailerFor?.mailer.close();
  }
}
