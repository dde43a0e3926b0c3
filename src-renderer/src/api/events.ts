// Events, samples, the demo, replay and the dashboard's figures.
// Shapes: src-shared/sources.ts, bins.ts, transform.ts; the body: src-main/schemas/settings.ts.
import type { Dashboard } from '../../../src-main/core/dashboard';
import type { Static } from '../../../src-main/schemas/builders';
import type { transformPreviewSchema } from '../../../src-main/schemas/settings';
import type { BinRequest } from '../../../src-shared/bins';
import type { DeliverySummary, DeliveryView } from '../../../src-shared/deliveries';
import type { DestinationView } from '../../../src-shared/destinations';
import type { DemoSetup, SampleView as SamplePack, SentView as Sent } from '../../../src-shared/sources';
import type { TransformPreview } from '../../../src-shared/transform';
import { http, seg, type Page } from './client';

export type { BinRequest } from '../../../src-shared/bins';
export type { DemoSetup, SampleView as SamplePack, SentView as Sent } from '../../../src-shared/sources';
export type { Dashboard } from '../../../src-main/core/dashboard';

export const eventsApi = {
  samples: () => http.get<Page<SamplePack>>('/api/samples'),
  sendSample: (name: string) => http.post<Sent>(`/api/samples/${seg(name)}/send`),
  setUpDemo: () => http.post<DemoSetup>('/api/demo'),
  replay: (id: string) => http.post<Sent>(`/api/events/${seg(id)}/replay`),
  dashboard: (minutes: number) => http.get<Dashboard>('/api/dashboard', { minutes }),
  deliveriesOf: (eventId: string) => http.get<Page<DeliverySummary>>('/api/deliveries', { event: eventId }),
  delivery: (id: string) => http.get<DeliveryView>(`/api/deliveries/${seg(id)}`),
  destinations: () => http.get<Page<DestinationView>>('/api/destinations'),
  preview: (eventId: string) => http.post<TransformPreview>('/api/transform/preview', { event_id: eventId } satisfies Static<typeof transformPreviewSchema>),
  bin: (name: string) => http.get<Page<BinRequest>>(`/api/bins/${seg(name)}`),
};
