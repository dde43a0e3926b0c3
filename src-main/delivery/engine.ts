// The delivery engine: deliveries are created with their event (same commit), then sent
// from per-destination lanes, so a slow or dead destination delays no other; within a lane
// an alert's deliveries go out in order. Failures retry on the policy's schedule, with the
// circuit breaker in front; every attempt is recorded and every change persisted.
import { randomUUID } from 'node:crypto';
import { DELIVERED_KINDS, type Destination } from '../core/destination-types';
import { DELIVERY_ATTEMPTS_KEPT, DELIVERY_DRAIN_MS, DELIVERY_UNRECORDED_RETRY_MS, LANE_CONCURRENCY } from '../limits';
import type { Logger } from '../logger';
import type { StateRecord } from '../store/types';
import type { CircuitBreakers } from './circuit-breaker';
import { maskHeaders } from './headers';
import type { SendResult, Sender } from './http-sender';
import type { Mailer, MailMessage } from './mailer';
import { outgoingHeaders } from './outgoing-request';
import { classify, nextAttempt, type RetryPolicy } from './retry-policy';
import { withHecAnswer } from './splunk-hec-answer';
import { attemptSucceeded } from './attempt-outcome';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One try, appended once and never rewritten; the body sent is the delivery's payload (not copied). */
export interface Attempt {
  id: string;
  delivery_id: string;
  organization: string;
  destination_id: string;
  at: string;
  duration_ms: number;
  request: { url: string; headers: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body: string } | null;
  error_class: string | null;
  error: string | null;
}

/** The delivery record (message → attempts, as Svix and Convoy keep them): rewritten when its status changes, without its payload. */
export interface Delivery {
  id: string;
  organization: string;
  destination_id: string;
  event_id: string | null;
  alert_id: string | null;
  status: DeliveryStatus;
  attempt_count: number;
  /** Its attempt records: the first and the latest, at most DELIVERY_ATTEMPTS_KEPT. */
  attempt_ids: string[];
  first_attempt_at: string | null;
  next_attempt_at: string | null;
  dead_reason: string | null;
  /** A test send or a redelivery by hand. */
  origin: 'event' | 'test' | 'redeliver';
  redelivery_of: string | null;
  created_at: string;
  updated_at: string;
}

/** A new delivery and the payload it sends (stored once, in a record of its own). */
export interface Owed {
  delivery: Delivery;
  body: string;
}

export interface EngineOptions {
  /** The destination a delivery goes to (configured ones, and rules' e-mail actions). */
  destination: (id: string) => Destination | undefined;
  sender: Sender;
  policy: RetryPolicy;
  breakers: CircuitBreakers;
  persist: (records: StateRecord[]) => Promise<void>;
  /** A delivery's payload from the store (after a restart it is not in memory). */
  payload: (deliveryId: string) => Promise<string | undefined>;
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

/** A delivery record as an earlier version wrote it: its payload and every attempt inline. */
interface LegacyDelivery {
  body?: string;
  attempts?: { at: string; duration_ms: number; request: { url: string; headers: Record<string, string> }; response: Attempt['response']; error_class: string | null; error: string | null }[];
}

/**
 * The records that replace one written before deliveries kept their attempts apart (its
 * payload and every attempt inline): the delivery in today's shape, its payload once, and an
 * attempt record per inline attempt. Null for a record already in today's shape.
 */
export function upgradedRecords(raw: Delivery & LegacyDelivery): StateRecord[] | null {
  if (Array.isArray(raw.attempt_ids)) return null;
  const { body, attempts = [], ...rest } = raw;
  const inline = attempts.map((a, i): Attempt => ({
    ...a, id: `${raw.id}:${i}`, delivery_id: raw.id, organization: raw.organization, destination_id: raw.destination_id,
    request: { url: a.request.url, headers: a.request.headers },
  }));
  const delivery: Delivery = { ...rest, attempt_ids: inline.map((a) => a.id), first_attempt_at: attempts[0]?.at ?? null };
  return [...inline.map(attemptRecord), ...owedRecords({ delivery, body: body ?? '' })];
}

/** The delivery as a state record: live (in memory after a restart) while pending; listable by its keys. */
export function deliveryRecord(d: Delivery): StateRecord {
  return {
    kind: 'delivery', id: d.id, data: d, live: d.status === 'pending',
    keys: { organization: d.organization, status: d.status, group: d.destination_id, event_id: d.event_id, alert_id: d.alert_id },
  };
}

/** What a new delivery writes: its record and its payload (once). */
export function owedRecords(o: Owed): StateRecord[] {
  return [deliveryRecord(o.delivery), { kind: 'payload', id: o.delivery.id, data: o.body, live: false, companionOf: 'delivery' }];
}

export function attemptRecord(a: Attempt): StateRecord {
  return { kind: 'attempt', id: a.id, data: a, live: false, keys: { organization: a.organization, status: attemptSucceeded(a) ? 'succeeded' : 'failed', group: a.destination_id } };
}

interface Lane {
  running: number;
  /** Pending deliveries in creation order. */
  queue: Delivery[];
}

export class DeliveryEngine {
  /** Pending deliveries only: finished ones leave memory (the store has them). */
  private readonly pending = new Map<string, Delivery>();
  /** Payloads of pending deliveries created since start (others are read from the store when due). */
  private readonly bodies = new Map<string, string>();
  private readonly lanes = new Map<string, Lane>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Set when stop() gave up waiting: late outcomes are then left unrecorded (see stop). */
  private abandoned = false;
  private readonly inflight = new Set<Promise<void>>();
  /** Ids of deliveries with an attempt under way. */
  private readonly running = new Set<string>();
  /** Taken over by another instance while an attempt was under way: they leave once it is recorded. */
  private readonly released = new Set<string>();

  constructor(private readonly opts: EngineOptions) {}

  /** Requeues the pending deliveries found in the store (including those in flight at a crash). */
  load(records: readonly Delivery[]): void {
    const due = records.filter((d) => d.status === 'pending' && !this.pending.has(d.id)).sort((a, b) => a.created_at.localeCompare(b.created_at));
    for (const d of due) {
      this.pending.set(d.id, d);
      this.lane(d.destination_id).queue.push(d);
    }
    this.wake();
  }

  /** A new delivery, not yet started: the caller commits owedRecords() with its event. */
  create(dest: Destination, body: string, origin: Delivery['origin'], ids: { event_id: string | null; alert_id: string | null; redelivery_of?: string | null }): Owed {
    const at = this.opts.now().toISOString();
    const delivery: Delivery = {
      id: randomUUID(), organization: dest.organization, destination_id: dest.id, event_id: ids.event_id, alert_id: ids.alert_id,
      status: 'pending', attempt_count: 0, attempt_ids: [], first_attempt_at: null, next_attempt_at: at, dead_reason: null, origin,
      redelivery_of: ids.redelivery_of ?? null, created_at: at, updated_at: at,
    };
    return { delivery, body };
  }

  /** Starts deliveries that are on disk. */
  enqueue(owed: readonly Owed[]): void {
    for (const { delivery: d, body } of owed) {
      this.pending.set(d.id, d);
      this.bodies.set(d.id, body);
      this.lane(d.destination_id).queue.push(d);
      this.opts.publish(d);
    }
    this.wake();
  }

  /** Persists then starts deliveries not tied to an event commit (test sends, redeliveries). */
  async start(owed: Owed[]): Promise<void> {
    await this.opts.persist(owed.flatMap(owedRecords));
    this.enqueue(owed);
  }

  /** A pending delivery (finished ones are read from the store). */
  pendingOne(id: string): Delivery | undefined {
    return this.pending.get(id);
  }

  /** Looks again at what may be sent now (after a destination changed, e.g. its circuit was reset with a new URI). */
  reconsider(): void {
    this.wake();
  }

  /**
   * Deliveries another instance took over (this one's hold lapsed, e.g. it stalled): they
   * leave this engine; an attempt under way still records its outcome, then they leave too.
   */
  release(ids: readonly string[]): void {
    for (const id of ids) {
      const d = this.pending.get(id);
      if (!d) continue;
      if (this.running.has(id)) this.released.add(id);
      else this.drop(d);
    }
  }

  private drop(d: Delivery): void {
    const lane = this.lane(d.destination_id);
    const i = lane.queue.findIndex((x) => x.id === d.id);
    if (i >= 0) lane.queue.splice(i, 1);
    this.pending.delete(d.id);
    this.bodies.delete(d.id);
  }

  /** Ids of the deliveries still owed (what an instance sharing a database holds). */
  pendingIds(): string[] {
    return [...this.pending.keys()];
  }

  /** Deliveries still owed: queued, waiting for a retry, or in flight. */
  pendingCount(): number {
    return this.pending.size;
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
      if (lane.queue.length === 0 && lane.running === 0) {
        this.lanes.delete(destinationId); // an idle lane leaves memory too
        continue;
      }
      const blockedAlerts = new Set<string>();
      for (const d of lane.queue) {
        if (lane.running >= LANE_CONCURRENCY) break;
        const waitsForAlert = d.alert_id !== null && blockedAlerts.has(d.alert_id);
        if (d.alert_id !== null) blockedAlerts.add(d.alert_id); // later ones of this alert wait for it
        if (waitsForAlert || this.running.has(d.id)) continue;
        const due = Date.parse(d.next_attempt_at ?? '');
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
      return this.finish(d, { ...d, status: 'dead', dead_reason: dest ? `destination kind ${dest.kind} is not delivered by the engine` : 'the destination was deleted', next_attempt_at: null }, null);
    }
    const body = this.bodies.get(d.id) ?? (await this.opts.payload(d.id));
    if (body === undefined) return this.finish(d, { ...d, status: 'dead', dead_reason: 'its payload is no longer stored', next_attempt_at: null }, null);
    const { result, request } = dest.kind === 'email' ? await this.sendMail(body) : await this.sendHttp(dest, d, body, started);
    requestDone();
    const ended = this.opts.now();
    const attempt: Attempt = {
      id: randomUUID(), delivery_id: d.id, organization: d.organization, destination_id: d.destination_id,
      at: started.toISOString(),
      duration_ms: result.duration_ms,
      request,
      response: result.status === undefined ? null : { status: result.status, headers: result.headers ?? {}, body: result.body ?? '' },
      error_class: result.error_class ?? null,
      error: result.error ?? null,
    };
    const attempt_ids = [...d.attempt_ids, attempt.id];
    if (attempt_ids.length > DELIVERY_ATTEMPTS_KEPT) attempt_ids.splice(1, attempt_ids.length - DELIVERY_ATTEMPTS_KEPT);
    const breaker = this.opts.breakers.get(dest.id);
    const first_attempt_at = d.first_attempt_at ?? attempt.at;
    const base: Delivery = { ...d, attempt_ids, first_attempt_at, attempt_count: d.attempt_count + 1, updated_at: ended.toISOString() };
    if (result.ok && (result.status === undefined || classify(result.status) === 'success')) {
      breaker.success();
      return this.finish(d, { ...base, status: 'succeeded', next_attempt_at: null }, attempt);
    }
    breaker.failure();
    this.opts.onFailure?.(dest, base, attempt);
    const next = nextAttempt(this.opts.policy, {
      attempt: base.attempt_count,
      firstAttemptAt: new Date(first_attempt_at),
      now: ended,
      response: result.status === undefined ? undefined : { status: result.status, retryAfter: result.headers?.['retry-after'] },
    });
    if ('dead' in next) return this.finish(d, { ...base, status: 'dead', dead_reason: next.reason, next_attempt_at: null }, attempt);
    return this.finish(d, { ...base, next_attempt_at: next.at.toISOString() }, attempt);
  }

  private async sendHttp(dest: Destination, d: Delivery, body: string, started: Date): Promise<{ result: SendResult; request: Attempt['request'] }> {
    const headers = outgoingHeaders(dest, d.id, body, started);
    const sent = await this.opts.sender.send({ url: dest.uri!, method: 'POST', headers, body });
    const result = dest.kind === 'splunk_hec' ? withHecAnswer(sent) : sent;
    return { result, request: { url: dest.uri!, headers: maskHeaders(headers) } };
  }

  private async sendMail(body: string): Promise<{ result: SendResult; request: Attempt['request'] }> {
    const message = JSON.parse(body) as MailMessage;
    const request = { url: `mailto:${message.to}`, headers: { subject: message.subject } };
    const mailer = this.opts.mailer();
    if (!mailer) return { result: { ok: false, duration_ms: 0, error_class: 'other', error: 'SMTP is not configured: set it in Settings (PUT /api/settings/smtp)' }, request };
    const t0 = Date.now();
    const sent = await mailer.send(message);
    const duration_ms = Date.now() - t0;
    return { result: sent.ok ? { ok: true, duration_ms, body: sent.message_id } : { ok: false, duration_ms, error_class: 'connection', error: sent.error }, request };
  }

  /** Records the attempt (appended) and the delivery's new state in one commit; a finished delivery leaves memory. */
  private async finish(before: Delivery, after: Delivery, attempt: Attempt | null): Promise<void> {
    if (this.abandoned) return;
    try {
      await this.opts.persist(attempt ? [attemptRecord(attempt), deliveryRecord(after)] : [deliveryRecord(after)]);
    } catch (err) {
      // Not on disk: keep the old state so it is attempted again (at least once), but not at
      // once: while the store cannot write, an immediate retry would loop sends to the receiver.
      this.opts.logger.warn('could not record a delivery attempt; it will be retried', { delivery: before.id, err });
      if (this.released.delete(before.id)) this.drop(before);
      else this.replace({ ...before, next_attempt_at: new Date(this.opts.now().getTime() + DELIVERY_UNRECORDED_RETRY_MS).toISOString() });
      return;
    }
    if (after.status === 'pending' && !this.released.delete(after.id)) this.replace(after);
    else this.drop(after);
    this.opts.publish(after);
  }

  private replace(d: Delivery): void {
    const lane = this.lane(d.destination_id);
    const i = lane.queue.findIndex((x) => x.id === d.id);
    if (i >= 0) lane.queue[i] = d;
    this.pending.set(d.id, d);
  }
}
