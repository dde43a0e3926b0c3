// Destinations: where and how an organization's records are delivered (PRODUCT.md §5).
// Secrets (signing secret, HEC token, secret-looking headers) never leave masked views.
import { randomUUID } from 'node:crypto';
import { DESTINATIONS_MAX } from '../limits';
import { LimitError, NotFoundError, ValidationError } from './errors';
import { HTTP_KINDS, type Destination, type DestinationInput, type DestinationKind, type DestinationsConfig, type HeaderEntry } from './destination-types';
import type { EventType } from './types';

export function emptyDestinationsConfig(): DestinationsConfig {
  return { destinations: [] };
}

function checkUri(kind: DestinationKind, uri: string | null | undefined): string[] {
  if (!HTTP_KINDS.includes(kind)) return [];
  if (!uri) return [`uri: is required for a ${kind} destination`];
  try {
    const u = new URL(uri);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return ['uri: must be an http or https URL'];
  } catch {
    return ['uri: is not a valid URL'];
  }
  return [];
}

/**
 * `validateHeaders` is injected (delivery/headers.ts owns the header rules) so this module
 * stays free of the delivery layer.
 */
export function createDestination(
  draft: DestinationsConfig,
  organization: string,
  input: DestinationInput,
  deps: { validateHeaders: (h: HeaderEntry[]) => string[]; newSecret: () => string },
  now: Date,
): Destination {
  if (draft.destinations.filter((d) => d.organization === organization).length >= DESTINATIONS_MAX) {
    throw new LimitError([`destinations: at most ${DESTINATIONS_MAX} per organization`]);
  }
  const errors = [...checkUri(input.kind, input.uri), ...deps.validateHeaders(input.headers ?? []), ...checkKindFields(input.kind, input)];
  if (errors.length) throw new ValidationError(errors);
  const at = now.toISOString();
  const destination: Destination = {
    id: randomUUID(),
    organization,
    name: input.name,
    kind: input.kind,
    event_type: input.event_type ?? ['security_incident', 'security_detection', 'security_event'],
    email_for_error: input.email_for_error ?? null,
    enabled: input.enabled ?? true,
    uri: input.uri ?? null,
    headers: input.headers ?? [],
    format: input.kind === 'splunk_hec' ? 'splunk' : (input.format ?? 'default'),
    token: input.token ?? null,
    signing_secret: deps.newSecret(),
    email_to: input.email_to ?? null,
    email_enriched: input.email_enriched ?? false,
    created_at: at,
    updated_at: at,
  };
  draft.destinations.push(destination);
  return destination;
}

/** What a kind needs beyond its URI, for create and update alike. */
function checkKindFields(kind: DestinationKind, d: { token?: string | null; email_to?: string | null }): string[] {
  if (kind === 'splunk_hec' && !d.token) return ['token: is required for a splunk_hec destination'];
  if (kind === 'email' && !d.email_to) return ['email_to: is required for an email destination'];
  return [];
}

/** PATCH body: any field create takes; `kind` only as the current kind (it cannot change). */
export type DestinationPatch = Partial<DestinationInput>;

/** How answers show a saved HEC token (publicDestination); sent back, it keeps the saved one. */
export const MASKED_TOKEN = '***';
/** A value as maskHeaderValue leaves it: `***`, or a scheme then `***` (`Bearer ***`). */
const MASKED_HEADER_VALUE = /^(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+ )?\*\*\*$/;

/**
 * Headers of an edit, with masked values put back to the saved ones. A form shows the masked
 * view (`Authorization: Bearer ***`); sending it back unchanged must keep the secret, never
 * store the mask. An entry matches a saved header of the same name (any case) whose masked
 * view is exactly the value sent; repeated names match in order. A masked-looking value with
 * no saved header to keep is an error (the real value has to be sent).
 */
function restoreMaskedHeaders(saved: readonly HeaderEntry[], sent: readonly HeaderEntry[], maskHeader: (name: string, value: string) => string, errors: string[]): HeaderEntry[] {
  const used = new Set<number>();
  return sent.map((h, i) => {
    if (typeof h.value !== 'string' || !MASKED_HEADER_VALUE.test(h.value)) return { key: h.key, value: h.value };
    const at = saved.findIndex((s, j) => !used.has(j) && s.key.toLowerCase() === String(h.key).toLowerCase() && maskHeader(s.key, s.value) === h.value && s.value !== h.value);
    if (at >= 0) {
      used.add(at);
      return { key: h.key, value: saved[at].value };
    }
    if (saved.some((s) => s.key === h.key && s.value === h.value)) return { key: h.key, value: h.value }; // saved as typed, shown unmasked
    errors.push(`headers[${i}].value: "${h.value}" is a masked value and no saved ${h.key} header has it; send the real value`);
    return { key: h.key, value: h.value };
  });
}

/**
 * Changes the given fields of a destination, checked like a create (URI, headers, what the
 * kind requires). Given `headers` replace the list; masked secrets sent back unchanged (a
 * header value or the token as answers show them) keep the saved ones. `uri_changed` tells
 * the caller to reset the destination's circuit breaker.
 */
export function updateDestination(
  draft: DestinationsConfig,
  organization: string,
  id: string,
  patch: DestinationPatch,
  deps: { validateHeaders: (h: HeaderEntry[]) => string[]; maskHeader: (name: string, value: string) => string },
  now: Date,
): { destination: Destination; uri_changed: boolean } {
  const d = getDestination(draft, organization, id);
  const errors: string[] = [];
  if (patch.kind !== undefined && patch.kind !== d.kind) errors.push(`kind: cannot be changed (this destination is ${d.kind}); create a new destination instead`);
  const headers = patch.headers !== undefined ? restoreMaskedHeaders(d.headers, patch.headers, deps.maskHeader, errors) : d.headers;
  let token = d.token;
  if (patch.token !== undefined) {
    if (patch.token === MASKED_TOKEN && d.token === null) errors.push(`token: "${MASKED_TOKEN}" is the masked view of a saved token and none is saved; send the token itself`);
    else if (patch.token !== MASKED_TOKEN) token = patch.token;
  }
  const next = {
    name: patch.name ?? d.name,
    event_type: patch.event_type ?? d.event_type,
    email_for_error: patch.email_for_error !== undefined ? patch.email_for_error : d.email_for_error,
    enabled: patch.enabled ?? d.enabled,
    uri: patch.uri !== undefined ? patch.uri : d.uri,
    headers,
    format: d.kind === 'splunk_hec' ? ('splunk' as const) : (patch.format ?? d.format),
    token,
    email_to: patch.email_to !== undefined ? patch.email_to : d.email_to,
    email_enriched: patch.email_enriched ?? d.email_enriched,
  };
  errors.push(...checkUri(d.kind, next.uri));
  if (patch.headers !== undefined) errors.push(...deps.validateHeaders(next.headers));
  errors.push(...checkKindFields(d.kind, next));
  if (errors.length) throw new ValidationError(errors);
  const uri_changed = next.uri !== d.uri;
  Object.assign(d, next, { headers: next.headers.map((h) => ({ ...h })), event_type: [...next.event_type], updated_at: now.toISOString() });
  return { destination: d, uri_changed };
}

export function getDestination(config: Readonly<DestinationsConfig>, organization: string, id: string): Destination {
  const d = config.destinations.find((x) => x.organization === organization && x.id === id);
  if (!d) throw new NotFoundError([`id: no destination "${id}"`]);
  return d as Destination;
}

export function deleteDestination(draft: DestinationsConfig, organization: string, id: string): void {
  getDestination(draft, organization, id);
  draft.destinations = draft.destinations.filter((d) => d.id !== id);
}

/**
 * A new signing secret. For `graceS` seconds the replaced one keeps signing beside it (0: it
 * stops at once). A second rotation within the grace drops the oldest: at most two sign.
 */
export function rotateSigningSecret(draft: DestinationsConfig, organization: string, id: string, newSecret: () => string, graceS: number, now: Date): Destination {
  const d = getDestination(draft, organization, id);
  d.previous_signing_secret = graceS > 0 ? { secret: d.signing_secret, expires_at: new Date(now.getTime() + graceS * 1000).toISOString() } : null;
  d.signing_secret = newSecret();
  d.updated_at = now.toISOString();
  return d;
}

/**
 * The secrets a request sent at `now` is signed with: the current one first, then the one a
 * rotation replaced while its grace lasts. Read at each attempt, so retries of deliveries
 * owed from before a rotation carry the current secrets too.
 */
export function signingSecrets(d: Pick<Destination, 'signing_secret' | 'previous_signing_secret'>, now: Date): string[] {
  const previous = d.previous_signing_secret;
  return previous && now.getTime() < Date.parse(previous.expires_at) ? [d.signing_secret, previous.secret] : [d.signing_secret];
}

/** Armor's notification config → a webhook destination (`properties`: one uri, headers) following the transform's format. */
export function fromArmorNotification(body: {
  name: string;
  email_for_error?: string;
  event_type: EventType[];
  properties: { type: 'uri' | 'header'; key: string; value: string }[];
}): DestinationInput {
  const uris = body.properties.filter((p) => p.type === 'uri');
  if (uris.length !== 1) throw new ValidationError([`properties: exactly one uri entry is required (found ${uris.length})`]);
  return {
    name: body.name,
    kind: 'webhook',
    event_type: body.event_type,
    email_for_error: body.email_for_error ?? null,
    uri: uris[0].value,
    headers: body.properties.filter((p) => p.type === 'header').map((p) => ({ key: p.key, value: p.value })),
    // Armor's notification config has no format: deliveries take the transform config's, as it is at the time.
    format: 'transform',
  };
}

/** The view every answer gives: secrets masked; the previous signing secret only while it still signs. */
export function publicDestination(d: Destination, maskHeader: (name: string, value: string) => string, now: Date) {
  const previous = signingSecrets(d, now).length > 1 ? d.previous_signing_secret! : null;
  return {
    ...d,
    headers: d.headers.map((h) => ({ key: h.key, value: maskHeader(h.key, h.value) })),
    token: d.token ? MASKED_TOKEN : null,
    signing_secret: MASKED_SIGNING_SECRET,
    previous_signing_secret: previous && { secret: MASKED_SIGNING_SECRET, expires_at: previous.expires_at },
  };
}

const MASKED_SIGNING_SECRET = 'whsec_***';
