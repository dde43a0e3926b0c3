// Events, samples, the demo, replay and the dashboard's figures.
import type { Dashboard } from '../../../src-main/core/dashboard';
import type { DeliverySummary, DeliveryView } from '../../../src-shared/deliveries';
import type { SampleView as SamplePack, SentView as Sent } from '../../../src-shared/sources';
import { http, seg, type Page } from './client';

export type { SampleView as SamplePack, SentView as Sent } from '../../../src-shared/sources';
export type { Dashboard } from '../../../src-main/core/dashboard';

/** POST /api/demo. */
export interface Demo {
  destination_id: string;
  bin: string;
  bin_url: string;
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
  deliveriesOf: (eventId: string) => http.get<Page<DeliverySummary>>('/api/deliveries', { event: eventId }),
  delivery: (id: string) => http.get<DeliveryView>(`/api/deliveries/${seg(id)}`),
  destinations: () => http.get<Page<{ id: string; name: string; kind: string }>>('/api/destinations'),
  preview: (eventId: string) => http.post<{ payload: unknown; unresolved: string[]; notes: string[] }>('/api/transform/preview', { event_id: eventId }),
  bin: (name: string) => http.get<Page<BinRequest>>(`/api/bins/${seg(name)}`),
};
