// Deliveries and their attempt history; redelivery. Shapes: src-main/delivery/engine.ts.
import { http, seg, type Page, type Query } from './client';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliverySummary {
  id: string;
  destination_id: string;
  event_id: string | null;
  alert_id: string | null;
  status: DeliveryStatus;
  attempt_count: number;
  next_attempt_at: string | null;
  origin: 'event' | 'test' | 'redeliver';
  created_at: string;
  updated_at: string;
}

export interface Attempt {
  at: string;
  duration_ms: number;
  request: { url: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string } | null;
  error_class: string | null;
  error: string | null;
}

export interface Delivery extends DeliverySummary {
  organization: string;
  body: string;
  attempts: Attempt[];
  dead_reason: string | null;
  redelivery_of: string | null;
}

/** What the stream's delivery.changed carries. */
export type DeliveryChange = Pick<DeliverySummary, 'id' | 'destination_id' | 'event_id' | 'alert_id' | 'status' | 'attempt_count' | 'next_attempt_at'>;

export interface DeliveryFilters extends Query {
  destination?: string;
  status?: string;
  event?: string;
  alert?: string;
  /** next_cursor of the previous page. */
  cursor?: string;
  limit?: number;
}

export const deliveryApi = {
  list: (filters: DeliveryFilters) => http.get<Page<DeliverySummary>>('/api/deliveries', filters),
  get: (id: string) => http.get<Delivery>(`/api/deliveries/${seg(id)}`),
  redeliver: (id: string) => http.post<DeliverySummary>(`/api/deliveries/${seg(id)}/redeliver`),
};

/** A pending delivery with no failed attempt yet is still on its first try. */
export const settled = (d: Pick<DeliverySummary, 'status' | 'attempt_count'>) => d.status !== 'pending' || d.attempt_count > 0;

/**
 * Polls a delivery until its first attempt is recorded (or it succeeded or died), so an
 * action can report how the send went. Gives up after `timeoutMs` with the last state.
 */
export async function waitForOutcome(id: string, timeoutMs = 15_000, everyMs = 400): Promise<Delivery> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const d = await deliveryApi.get(id);
    if (settled(d) || Date.now() > until) return d;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One line about where a delivery stands, e.g. "succeeded (HTTP 200 in 12 ms)". */
export function outcomeText(d: Delivery): string {
  const last = d.attempts[d.attempts.length - 1];
  if (!last) return `${d.status}: no attempt yet`;
  const how = last.response ? `HTTP ${last.response.status}` : (last.error ?? last.error_class ?? 'no response');
  const next = d.status === 'pending' && d.next_attempt_at ? `, next attempt ${new Date(d.next_attempt_at).toLocaleTimeString()}` : '';
  return `${d.status === 'pending' ? 'failed, retrying' : d.status} (${how} in ${last.duration_ms} ms${next})`;
}
