// Destinations: where records go, with circuit state, test sends and signing secrets.
// Shapes: src-main/server/routes/destinations.ts and src-main/core/destinations.ts.
import { http, seg, type Page } from './client';
import type { DeliverySummary } from './deliveries';
import type { EventType } from './transform';

export const DESTINATION_KINDS = ['webhook', 'splunk_hec', 'mattermost', 'slack', 'teams', 'email', 'in_app'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];
export const WEBHOOK_FORMATS = ['default', 'splunk', 'envelope'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
/** Headers a webhook may carry (limits.ts DESTINATION_HEADERS_MAX). */
export const HEADERS_MAX = 25;

export interface HeaderEntry {
  key: string;
  value: string;
}

export interface CircuitSnapshot {
  state: 'closed' | 'open' | 'half_open';
  failures: number;
  opened_at: string | null;
  next_probe_at: string | null;
}

/** As every answer shows it: token, signing secret and secret-looking headers masked. */
export interface Destination {
  id: string;
  organization: string;
  name: string;
  kind: DestinationKind;
  event_type: EventType[];
  email_for_error: string | null;
  enabled: boolean;
  uri: string | null;
  headers: HeaderEntry[];
  format: WebhookFormat;
  token: string | null;
  signing_secret: string;
  email_to: string | null;
  email_enriched: boolean;
  created_at: string;
  updated_at: string;
  circuit: CircuitSnapshot;
}

export interface DestinationDetail extends Destination {
  recent_deliveries: DeliverySummary[];
}

export interface DestinationInput {
  name: string;
  kind: DestinationKind;
  event_type?: EventType[];
  email_for_error?: string | null;
  enabled?: boolean;
  uri?: string | null;
  headers?: HeaderEntry[];
  format?: WebhookFormat;
  token?: string | null;
  email_to?: string | null;
  email_enriched?: boolean;
}

/**
 * PATCH body: any field create takes (kind only as it is: it cannot change). Headers replace
 * the list; a header value or token sent back masked as shown (`Bearer ***`, `***`) keeps
 * the saved secret.
 */
export type DestinationPatch = Partial<DestinationInput>;

/** The one answer that carries the whsec_ secret unmasked (create, rotate). */
export type WithSecret<T> = T & { signing_secret: string };

/** Kinds the delivery engine sends with history (in_app goes to the bell instead). */
export const DELIVERED_KINDS: readonly DestinationKind[] = ['webhook', 'splunk_hec', 'mattermost', 'slack', 'teams', 'email'];

export const destinationApi = {
  list: () => http.get<Page<Destination>>('/api/destinations'),
  get: (id: string) => http.get<DestinationDetail>(`/api/destinations/${seg(id)}`),
  create: (input: DestinationInput) => http.post<WithSecret<Destination>>('/api/destinations', input),
  update: (id: string, patch: DestinationPatch) => http.patch<Destination>(`/api/destinations/${seg(id)}`, patch),
  remove: (id: string) => http.del(`/api/destinations/${seg(id)}`),
  rotateSecret: (id: string) => http.post<WithSecret<Destination>>(`/api/destinations/${seg(id)}/rotate-secret`),
  test: (id: string) => http.post<DeliverySummary>(`/api/destinations/${seg(id)}/test`),
};

/** One word for the list and the badge: the circuit state, and whether sends have been failing. */
export function healthOf(c: CircuitSnapshot): 'healthy' | 'failing' | 'open-circuit' | 'half-open' {
  if (c.state === 'open') return 'open-circuit';
  if (c.state === 'half_open') return 'half-open';
  return c.failures > 0 ? 'failing' : 'healthy';
}

/** Where a destination sends, in a few words (URI, recipient, or the bell). */
export function targetOf(d: Pick<Destination, 'kind' | 'uri' | 'email_to'>): string {
  if (d.kind === 'email') return d.email_to ?? '—';
  if (d.kind === 'in_app') return 'bell (in-app notifications)';
  return d.uri ?? '—';
}
