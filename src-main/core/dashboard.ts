// The dashboard's figures over a recent window: events per time bucket by severity,
// delivery attempts per bucket by outcome, and the destinations that are failing.
import { SEVERITIES, type EventSummary, type Severity } from './types';

interface AttemptLike { destination_id: string; at: string; response: { status: number } | null; error_class: string | null }
interface DeliveryLike { destination_id: string; status: string; created_at: string }
interface DestinationLike { id: string; name: string; kind: string }

export interface Dashboard {
  from: string;
  to: string;
  bucket_seconds: number;
  events: ({ at: string } & Record<Severity, number>)[];
  attempts: { at: string; succeeded: number; failed: number }[];
  totals: { events: number; deliveries: Record<string, number>; attempts_succeeded: number; attempts_failed: number };
  failing_destinations: { id: string; name: string; kind: string; failed_attempts: number; dead: number; circuit: string }[];
  /** True when more events fell in the window than were counted (the oldest were left out). */
  truncated: boolean;
}

export function buildDashboard(input: {
  now: Date;
  windowSeconds: number;
  buckets: number;
  events: EventSummary[];
  truncated: boolean;
  /** Deliveries created and attempts made in the window (others are ignored). */
  deliveries: DeliveryLike[];
  attempts: AttemptLike[];
  destinations: DestinationLike[];
  circuitOf: (destinationId: string) => string;
  /** The delivery engine's own rule (an e-mail attempt has no HTTP response). */
  attemptSucceeded: (a: AttemptLike) => boolean;
}): Dashboard {
  const to = input.now.getTime();
  const from = to - input.windowSeconds * 1000;
  const step = (input.windowSeconds * 1000) / input.buckets;
  const slot = (iso: string) => {
    const t = Date.parse(iso);
    return t < from || t > to ? -1 : Math.min(input.buckets - 1, Math.floor((t - from) / step));
  };
  const at = (i: number) => new Date(from + i * step).toISOString();
  const events = Array.from({ length: input.buckets }, (_, i) => ({ at: at(i), ...Object.fromEntries(SEVERITIES.map((s) => [s, 0])) }) as { at: string } & Record<Severity, number>);
  let eventTotal = 0;
  for (const e of input.events) {
    const i = slot(e.received_at);
    if (i < 0) continue;
    events[i][e.severity] += 1;
    eventTotal++;
  }
  const attempts = Array.from({ length: input.buckets }, (_, i) => ({ at: at(i), succeeded: 0, failed: 0 }));
  const deliveries: Record<string, number> = {};
  const failing = new Map<string, { failed_attempts: number; dead: number }>();
  for (const a of input.attempts) {
    const i = slot(a.at);
    if (i < 0) continue;
    const ok = input.attemptSucceeded(a);
    attempts[i][ok ? 'succeeded' : 'failed'] += 1;
    if (!ok) {
      const f = failing.get(a.destination_id) ?? { failed_attempts: 0, dead: 0 };
      f.failed_attempts++;
      failing.set(a.destination_id, f);
    }
  }
  for (const d of input.deliveries) {
    if (slot(d.created_at) >= 0) deliveries[d.status] = (deliveries[d.status] ?? 0) + 1;
    if (d.status === 'dead' && slot(d.created_at) >= 0) {
      const f = failing.get(d.destination_id) ?? { failed_attempts: 0, dead: 0 };
      f.dead++;
      failing.set(d.destination_id, f);
    }
  }
  const failing_destinations = input.destinations
    .filter((d) => failing.has(d.id) || input.circuitOf(d.id) !== 'closed')
    .map((d) => ({ id: d.id, name: d.name, kind: d.kind, ...(failing.get(d.id) ?? { failed_attempts: 0, dead: 0 }), circuit: input.circuitOf(d.id) }))
    .sort((a, b) => b.failed_attempts - a.failed_attempts);
  return {
    from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucket_seconds: step / 1000, events, attempts,
    totals: {
      events: eventTotal, deliveries,
      attempts_succeeded: attempts.reduce((n, b) => n + b.succeeded, 0), attempts_failed: attempts.reduce((n, b) => n + b.failed, 0),
    },
    failing_destinations, truncated: input.truncated,
  };
}
