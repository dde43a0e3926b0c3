// Destinations: where records go, with circuit state, test sends and signing secrets.
// Routes: src-main/server/routes/destinations.ts; records: src-main/core/destination-types.ts.
import type { DestinationInput } from '../../../src-main/core/destination-types';
import type { CircuitSnapshot } from '../../../src-main/delivery/circuit-breaker';
import type { Static } from '../../../src-main/schemas/builders';
import type { destinationUpdateSchema, rotateSecretSchema } from '../../../src-main/schemas/destinations';
import type { DestinationDetailView as DestinationDetail, DestinationView as Destination, WithSecret } from '../../../src-shared/destinations';
import type { TestSendResult } from '../../../src-shared/outgoing';
import { http, seg, type Page } from './client';

export type { DestinationDetailView as DestinationDetail, DestinationView as Destination, WithSecret } from '../../../src-shared/destinations';
export type { TestSendResult };

export { DELIVERED_KINDS, DESTINATION_KINDS, WEBHOOK_FORMATS, type DestinationInput, type DestinationKind, type HeaderEntry, type WebhookFormat } from '../../../src-main/core/destination-types';
/** Headers a webhook may carry. */
export { DESTINATION_HEADERS_MAX as HEADERS_MAX, SIGNING_SECRET_GRACE_DEFAULT_S } from '../../../src-main/limits';

/**
 * PATCH body: any field create takes (kind only as it is: it cannot change). Headers replace
 * the list; a header value or token sent back masked as shown (`Bearer ***`, `***`) keeps
 * the saved secret.
 */
export type DestinationPatch = Static<typeof destinationUpdateSchema>;

export const destinationApi = {
  list: () => http.get<Page<Destination>>('/api/destinations'),
  get: (id: string) => http.get<DestinationDetail>(`/api/destinations/${seg(id)}`),
  create: (input: DestinationInput) => http.post<WithSecret<Destination>>('/api/destinations', input),
  update: (id: string, patch: DestinationPatch) => http.patch<Destination>(`/api/destinations/${seg(id)}`, patch),
  remove: (id: string) => http.del(`/api/destinations/${seg(id)}`),
  /** `graceS`: how long the replaced secret keeps signing beside the new one (0: stops at once). */
  rotateSecret: (id: string, graceS: number) => http.post<WithSecret<Destination>>(`/api/destinations/${seg(id)}/rotate-secret`, { grace_s: graceS } satisfies Static<typeof rotateSecretSchema>),
  /** One attempt at once, outside the queue: its outcome, never a pending delivery. */
  test: (id: string) => http.post<TestSendResult>(`/api/destinations/${seg(id)}/test`),
};

/** One word for the list and the badge: the circuit state, and whether sends have been failing. */
export function healthOf(c: CircuitSnapshot): 'healthy' | 'failing' | 'open-circuit' | 'half-open' {
  if (c.state === 'open') return 'open-circuit';
  if (c.state === 'half_open') return 'half-open';
  return c.failures > 0 ? 'failing' : 'healthy';
}

/** A test send's outcome in one line, e.g. "Test succeeded: HTTP 200 in 12 ms". */
export function testOutcomeText(r: TestSendResult): string {
  if (r.error_class === 'refused_address') return `Test refused: ${r.error}`;
  const how = r.status !== null ? `HTTP ${r.status}` : (r.error ?? r.error_class ?? 'no response');
  return `${r.ok ? 'Test succeeded' : 'Test failed'}: ${how} in ${r.duration_ms} ms`;
}

/** Where a destination sends, in a few words (URI, recipient, or the bell). */
export function targetOf(d: Pick<Destination, 'kind' | 'uri' | 'email_to'>): string {
  if (d.kind === 'email') return d.email_to ?? '—';
  if (d.kind === 'in_app') return 'bell (in-app notifications)';
  return d.uri ?? '—';
}
