// Destinations as the API answers them (src-main/server/routes/destinations.ts): the stored
// record with secrets masked, with its circuit; one with its recent deliveries. Types only.
import type { Destination } from '../src-main/core/destination-types';
import type { CircuitSnapshot } from '../src-main/delivery/circuit-breaker';
import type { DeliverySummary } from './deliveries';

/** As every answer shows it: token, signing secret and secret-looking headers masked; with its circuit. */
export interface DestinationView extends Destination {
  circuit: CircuitSnapshot;
}

/** GET /api/destinations/{id}. */
export interface DestinationDetailView extends DestinationView {
  recent_deliveries: DeliverySummary[];
}

/** The one answer that carries the whsec_ secret unmasked (create, rotate). */
export type WithSecret<T> = T & { signing_secret: string };
