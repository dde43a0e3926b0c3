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
