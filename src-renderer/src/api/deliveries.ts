// Deliveries and their attempt history; redelivery. Shapes: src-shared/deliveries.ts.
import type { DeliveryStatus, DeliverySummary, DeliveryView as Delivery } from '../../../src-shared/deliveries';
import { http, seg, type Page, type Query } from './client';

export type { AttemptView as Attempt, DeliveryChange, DeliveryStatus, DeliverySummary, DeliveryView as Delivery } from '../../../src-shared/deliveries';

/** Every status, for filters; keyed by the shared type, so the compiler notices a new one. */
const STATUS_SET: Record<DeliveryStatus, true> = { pending: true, succeeded: true, dead: true };
export const DELIVERY_STATUSES = Object.keys(STATUS_SET) as DeliveryStatus[];

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
