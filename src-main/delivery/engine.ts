// The delivery engine: deliveries are created with their event (same commit), then sent
// from per-destination lanes, so a slow or dead destination delays no other; within a lane
// an alert's deliveries go out in order. Failures retry on the policy's schedule, with the
// circuit breaker in front; every attempt is recorded and every change persisted.
import { randomUUID } from 'node:crypto';
import { DELIVERED_KINDS, type Destination } from '../core/destination-types';
import { signingSecrets } from '../core/destinations';
import { DELIVERY_ATTEMPTS_KEPT, DELIVERY_DRAIN_MS, DELIVERY_UNRECORDED_RETRY_MS, LANE_CONCURRENCY } from '../limits';
import type { Logger } from '../logger';
import type { StateRecord } from '../store/types';
import type { CircuitBreakers } from './circuit-breaker';
import { maskHeaders, toHeaderRecord } from './headers';
import type { SendResult, Sender } from './http-sender';
import type { Mailer, MailMessage } from './mailer';
import { classify, nextAttempt, type RetryPolicy } from './retry-policy';
import { signHeaders } from './signing';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Attempt {
  at: string;
  duration_ms: number;
  request: { url: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string } | null;
  error_class: string | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  organization: string;
  destination_id: string;
  event_id: string | null;
  alert_id: string | null;
  body: string;
  status: DeliveryStatus;
  attempt_count: number;
  attempts: Attempt[];
  next_attempt_at: string | null;
  dead_reason: string | null;
  /** A test send or a redelivery by hand. */
  origin: 'event' | 'test' | 'redeliver';
  redelivery_of: string | null;
  created_at: string;
  updated_at: string;
}

export interface EngineOptions {
  /** The destination a delivery goes to (configured ones, and rules' e-mail actions). */
  destination: (id: string) => Destination | undefined;
  sender: Sender;
  policy: RetryPolicy;
  breakers: CircuitBreakers;
  persist: (records: StateRecord[]) => Promise<void>;
  /** SMTP for email destinations; null while none is configured. */
  mailer: () => Mailer | null;
  /** Told of every failed attempt (failure e-mails to email_for_error). */
  onFailure?: (dest: Destination, delivery: Delivery, attempt: Attempt) => void;
  publish: (d: Delivery) => void;
  logger: Logger;
  now: () => Date;
}

export interface DeliveryFilter {
  destination_id?: string;
  status?: DeliveryStatus;
  alert_id?: string;
  event_id?: string;
}

function matches(d: Delivery, organization: string, filter: DeliveryFilter): boolean {
  return d.organization === organization
    && (!filter.destination_id || d.destination_id === filter.destination_id)
    && (!filter.status || d.status === filter.status)
    && (!filter.alert_id || d.alert_id === filter.alert_id)
    && (!filter.event_id || d.event_id === filter.event_id);
}

export function deliveryRecord(d: Delivery): StateRecord {
  return { kind: 'delivery', id: d.id, data: d };
}

interface Lane {
  running: number;
  /** Pending deliveries in creation order. */
  queue: Delivery[];
}

export class DeliveryEngine {
  private readonly deliveries = new Map<string, Delivery>();
  private readonly order: Delivery[] = [];
  /** Position of each delivery in `order`, so an update is O(1). */
  private readonly position = new Map<string, number>();
  private readonly lanes = new Map<string, Lane>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Set when stop() gave up waiting: late outcomes are then left unrecorded (see stop). */
  private abandoned = false;
  private readonly inflight = new Set<Promise<void>>();
  /** Ids of deliveries with an attempt under way. */
  private readonly running = new Set<string>();

  constructor(private readonly opts: EngineOptions) {}

  /** Rebuilds from persisted snapshots; pending ones (including those in flight at a crash) are requeued. */
  load(records: readonly Delivery[]): void {
    const sorted = [...records].sort((a, b) => a.created_at.localeCompare(b.created_at));
    for (const d of sorted) this.remember(d);
    for (const d of sorted) if (d.status === 'pending') this.lane(d.destination_id).queue.push(d);
    this.wake();
  }

  /** New deliveries for an event, not yet started: the caller commits them with the event. */
  create(dest: Destination, body: string, origin: Delivery['origin'], ids: { event_id: string | null; alert_id: string | null; redelivery_of?: string | null }): Delivery {
    const at = this.opts.now().toISOString();
    return {
      id: randomUUID(), organization: dest.organization, destination_id: dest.id, event_id: ids.event_id, alert_id: ids.alert_id, body,
      status: 'pending', attempt_count: 0, attempts: [], next_attempt_at: at, dead_reason: null, origin, redelivery_of: ids.redelivery_of ?? null,
      created_at: at, updated_at: at,
    };
  }

  /** Starts deliveries that are on disk. */
  enqueue(deliveries: readonly Delivery[]): void {
    for (const d of deliveries) {
      this.remember(d);
      this.lane(d.destination_id).queue.push(d);
      this.opts.publish(d);
    }
    this.wake();
  }

  /** Persists then starts deliveries not tied to an event commit (test sends, redeliveries). */
  async start(deliveries: Delivery[]): Promise<void> {
    await this.opts.persist(deliveries.map(deliveryRecord));
    this.enqueue(deliveries);
  }

  get(organization: string, id: string): Delivery | undefined {
    const d = this.deliveries.get(id);
    return d && d.organization === organization ? d : undefined;
  }

  /** Newest first. */
  list(organization: string, filter: DeliveryFilter): Delivery[] {
    const out: Delivery[] = [];
    for (let i = this.order.length - 1; i >= 0; i--) if (matches(this.order[i], organization, filter)) out.push(this.order[i]);
    return out;
  }

  /**
   * One page of `list`, newest first. The cursor is the id of the last delivery of the
   * previous page; new deliveries go on top, so pages already read are not shifted. Undefined
   * when the cursor is not one of this organization's deliveries.
   */
  page(organization: string, filter: DeliveryFilter, opts: { cursor?: string; limit: number }): { items: Delivery[]; next_cursor: string | null } | undefined {
    let from = this.order.length - 1;
    if (opts.cursor !== undefined) {
      const at = this.position.get(opts.cursor);
      if (at === undefined || this.order[at].organization !== organization) return undefined;
      from = at - 1;
    }
    const items: Delivery[] = [];
    for (let i = from; i >= 0; i--) {
      const d = this.order[i];
      if (!matches(d, organization, filter)) continue;
      if (items.length === opts.limit) return { items, next_cursor: items[items.length - 1].id };
      items.push(d);
    }
    return { items, next_cursor: null };
  }

  /** Looks again at what may be sent now (after a destination changed, e.g. its circuit was reset with a new URI). */
  reconsider(): void {
    this.wake();
  }

  /** Deliveries still owed: queued, waiting for a retry, or in flight. */
  pendingCount(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.queue.length;
    return n;
  }

  /**
   * Starts no new attempt and waits up to `drainMs` for those in flight. Any still running
   * then are abandoned: their outcome is not recorded, so they stay pending on disk and are
   * sent again after the next start (at least once, never lost).
   */
  async stop(drainMs = DELIVERY_DRAIN_MS): Promise<{ abandoned: number }> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const settled = Promise.allSettled([...this.inflight]).then(() => true);
    const gaveUp = new Promise<false>((r) => (timer = setTimeout(() => r(false), drainMs)));
    const drained = await Promise.race([settled, gaveUp]);
    clearTimeout(timer);
    if (drained) return { abandoned: 0 };
    this.abandoned = true;
    return { abandoned: this.running.size };
  }

  private remember(d: Delivery): void {
    const at = this.position.get(d.id);
    if (at === undefined) {
      this.position.set(d.id, this.order.length);
      this.order.push(d);
    } else {
      this.order[at] = d;
    }
    this.deliveries.set(d.id, d);
  }

  private lane(destinationId: string): Lane {
    let lane = this.lanes.get(destinationId);
    if (!lane) this.lanes.set(destinationId, (lane = { running: 0, queue: [] }));
    return lane;
  }

  /** Starts every delivery that is due and allowed; sets the timer for the next one. */
  private wake(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const now = this.opts.now().getTime();
    let earliest = Infinity;
    for (const [destinationId, lane] of this.lanes) {
      const blockedAlerts = new Set<string>();
      for (const d of lane.queue) {
        if (lane.running >= LANE_CONCURRENCY) break;
        const due = Date.parse(d.next_attempt_at ?? '');
        const waitsForAlert = d.alert_id !== null && blockedAlerts.has(d.alert_id);
        if (d.alert_id !== null) blockedAlerts.add(d.alert_id); // later ones of this alert wait for it
        if (waitsForAlert || this.running.has(d.id)) continue;
        if (due > now) {
          earliest = Math.min(earliest, due);
          continue;
        }
        const permit = this.opts.breakers.get(destinationId).acquire();
        if (permit === null) {
          const next = Date.parse(this.opts.breakers.snapshot(destinationId).next_probe_at ?? '') || now + 1000;
          earliest = Math.min(earliest, next);
          break;
        }
        this.run(lane, d);
      }
    }
    if (earliest !== Infinity) {
      this.timer = setTimeout(() => this.wake(), Math.max(0, earliest - this.opts.now().getTime()));
      this.timer.unref();
    }
  }

  private run(lane: Lane, d: Delivery): void {
    lane.running++;
    this.running.add(d.id);
    // The lane's slot (a request to the destination) is given back as soon as the request is
    // over, not after its outcome is on disk: recording waits for a group commit, and holding
    // the slot through it would cap a lane at LANE_CONCURRENCY per fsync. The delivery itself
    // stays in `running` (and in its queue, ahead of its alert's later ones) until recorded.
    let slot = true;
    const release = () => {
      if (!slot) return;
      slot = false;
      lane.running--;
      this.wake();
    };
    const p = this.attempt(d, release)
      .catch((err) => this.opts.logger.error('delivery attempt failed unexpectedly', { delivery: d.id, err }))
      .finally(() => {
        this.running.delete(d.id);
        this.inflight.delete(p);
        release(); // when the attempt ended before its request (e.g. the destination is gone)
        this.wake();
      });
    this.inflight.add(p);
  }

  private async attempt(d: Delivery, requestDone: () => void = () => undefined): Promise<void> {
    const dest = this.opts.destination(d.destination_id);
    const started = this.opts.now();
    if (!dest || !DELIVERED_KINDS.includes(dest.kind) || (dest.kind !== 'email' && !dest.uri)) {
      return this.finish(d, { ...d, status: 'dead', dead_reason: dest ? `destination kind ${dest.kind} is not delivered by the engine` : 'the destination was deleted', next_attempt_at: null });
    }
    const { result, request } = dest.kind === 'email' ? await this.sendMail(d) : await this.sendHttp(dest, d, started);
    requestDone();
    const ended = this.opts.now();
    const attempt: Attempt = {
      at: started.toISOString(),
      duration_ms: result.duration_ms,
      request,
      response: result.status === undefined ? null : { status: result.status, headers: result.headers ?? {}, body: result.body ?? '' },
      error_class: result.error_class ?? null,
      error: result.error ?? null,
    };
    const attempts = [...d.attempts, attempt];
    if (attempts.length > DELIVERY_ATTEMPTS_KEPT) attempts.splice(1, attempts.length - DELIVERY_ATTEMPTS_KEPT);
    const breaker = this.opts.breakers.get(dest.id);
    const base = { ...d, attempts, attempt_count: d.attempt_count + 1, updated_at: ended.toISOString() };
    if (result.ok && (result.status === undefined || classify(result.status) === 'success')) {
      breaker.success();
      return this.finish(d, { ...base, status: 'succeeded', next_attempt_at: null });
    }
    breaker.failure();
    this.opts.onFailure?.(dest, base, attempt);
    const firstAt = new Date(d.attempts[0]?.at ?? started.toISOString());
    const next = nextAttempt(this.opts.policy, {
      attempt: base.attempt_count,
      firstAttemptAt: firstAt,
      now: ended,
      response: result.status === undefined ? undefined : { status: result.status, retryAfter: result.headers?.['retry-after'] },
    });
    if ('dead' in next) return this.finish(d, { ...base, status: 'dead', dead_reason: next.reason, next_attempt_at: null });
    return this.finish(d, { ...base, next_attempt_at: next.at.toISOString() });
  }

  private async sendHttp(dest: Destination, d: Delivery, started: Date): Promise<{ result: SendResult; request: Attempt['request'] }> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Switchyard/0.1',
      ...toHeaderRecord(dest.headers),
      ...(dest.kind === 'splunk_hec' && dest.token ? { authorization: `Splunk ${dest.token}` } : {}),
      ...signHeaders({ secrets: signingSecrets(dest, started), id: d.id, timestamp: Math.floor(started.getTime() / 1000), body: d.body }),
    };
    const result = await this.opts.sender.send({ url: dest.uri!, method: 'POST', headers, body: d.body });
    return { result, request: { url: dest.uri!, headers: maskHeaders(headers), body: d.body } };
  }

  private async sendMail(d: Delivery): Promise<{ result: SendResult; request: Attempt['request'] }> {
    const message = JSON.parse(d.body) as MailMessage;
    const request = { url: `mailto:${message.to}`, headers: { subject: message.subject }, body: message.text };
    const mailer = this.opts.mailer();
    if (!mailer) return { result: { ok: false, duration_ms: 0, error_class: 'other', error: 'SMTP is not configured: set it in Settings (PUT /api/settings/smtp)' }, request };
    const t0 = Date.now();
    const sent = await mailer.send(message);
    const duration_ms = Date.now() - t0;
    return { result: sent.ok ? { ok: true, duration_ms, body: sent.message_id } : { ok: false, duration_ms, error_class: 'connection', error: sent.error }, request };
  }

  private async finish(before: Delivery, after: Delivery): Promise<void> {
    if (this.abandoned) return;
    try {
      await this.opts.persist([deliveryRecord(after)]);
    } catch (err) {
      // Not on disk: keep the old state so it is attempted again (at least once), but not at
      // once: while the store cannot write, an immediate retry would loop sends to the receiver.
      this.opts.logger.warn('could not record a delivery attempt; it will be retried', { delivery: before.id, err });
      const held = { ...before, next_attempt_at: new Date(this.opts.now().getTime() + DELIVERY_UNRECORDED_RETRY_MS).toISOString() };
      const lane = this.lane(before.destination_id);
      const i = lane.queue.findIndex((x) => x.id === before.id);
      if (i >= 0) lane.queue[i] = held;
      this.remember(held);
      return;
    }
    this.remember(after);
    const lane = this.lane(after.destination_id);
    const i = lane.queue.findIndex((x) => x.id === after.id);
    if (after.status === 'pending') {
      if (i >= 0) lane.queue[i] = after;
    } else if (i >= 0) {
      lane.queue.splice(i, 1);
    }
    this.opts.publish(after);
  }
}
