// Events, samples, the demo, replay and the dashboard's figures.
import { http, seg, type Page } from './client';

export interface SamplePack {
  name: string;
  dialect: string;
  title: string;
  description: string;
  endpoint: string;
  body: unknown;
}

export interface Sent {
  event_ids: string[];
  alert_ids: (string | null)[];
}

export interface Demo {
  destination_id: string;
  bin: string;
  bin_url: string;
}

export interface Dashboard {
  from: string;
  to: string;
  bucket_seconds: number;
  events: ({ at: string } & Record<string, number>)[];
  attempts: { at: string; succeeded: number; failed: number }[];
  totals: { events: number; deliveries: Record<string, number>; attempts_succeeded: number; attempts_failed: number };
  failing_destinations: { id: string; name: string; kind: string; failed_attempts: number; dead: number; circuit: string }[];
  truncated: boolean;
}

export interface DeliverySummary {
  id: string;
  destination_id: string;
  status: string;
  attempt_count: number;
  next_attempt_at: string | null;
  created_at: string;
  origin: string;
}

export interface BinRequest {
  received_at: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export const eventsApi = {
  samples: () => http.get<Page<SamplePack>>('/api/samples'),
  sendSample: (name: string) => http.post<Sent>(`/api/samples/${seg(name)}/send`),
  setUpDemo: () => http.post<Demo>('/api/demo'),
  replay: (id: string) => http.post<Sent>(`/api/events/${seg(id)}/replay`),
  dashboard: (minutes: number) => http.get<Dashboard>('/api/dashboard', { minutes }),
  deliveriesOf: (eventId: string) => http.get<Page<DeliverySummary & { body?: string }>>('/api/deliveries', { event: eventId }),
  delivery: (id: string) => http.get<DeliverySummary & { body: string; attempts: unknown[] }>(`/api/deliveries/${seg(id)}`),
  destinations: () => http.get<Page<{ id: string; name: string; kind: string }>>('/api/destinations'),
  preview: (eventId: string) => http.post<{ payload: unknown; unresolved: string[]; notes: string[] }>('/api/transform/preview', { event_id: eventId }),
  bin: (name: string) => http.get<Page<BinRequest>>(`/api/bins/${seg(name)}`),
};
