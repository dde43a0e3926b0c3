// Destinations: where and how an organization's records are delivered (PRODUCT.md §5).
// Secrets (signing secret, HEC token, secret-looking headers) never leave masked views.
import { randomUUID } from 'node:crypto';
import { DESTINATIONS_MAX } from '../limits';
import { LimitError, NotFoundError, ValidationError } from './errors';
import type { EventType } from './types';

export const DESTINATION_KINDS = ['webhook', 'splunk_hec', 'mattermost', 'slack', 'teams', 'email', 'in_app'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];
/** Kinds delivered by an HTTP request (in-app goes to the bell, email through SMTP). */
export const HTTP_KINDS: readonly DestinationKind[] = ['webhook', 'splunk_hec', 'mattermost', 'slack', 'teams'];
/** Kinds the delivery engine sends, with retries and history. */
export const DELIVERED_KINDS: readonly DestinationKind[] = [...HTTP_KINDS, 'email'];
export const WEBHOOK_FORMATS = ['default', 'splunk', 'envelope'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface HeaderEntry {
  key: string;
  value: string;
}

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
  /** splunk_hec: the HEC token, sent as `Authorization: Splunk <token>`. */
  token: string | null;
  /** Standard Webhooks `whsec_` secret every outgoing request is signed with. */
  signing_secret: string;
  /** email: the recipient, and whether the message carries the event's context (enriched) or only a link. */
  email_to: string | null;
  email_enriched: boolean;
  created_at: string;
  updated_at: string;
}

export interface DestinationsConfig {
  destinations: Destination[];
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
  const errors = [...checkUri(input.kind, input.uri), ...deps.validateHeaders(input.headers ?? [])];
  if (input.kind === 'splunk_hec' && !input.token) errors.push('token: is required for a splunk_hec destination');
  if (input.kind === 'email' && !input.email_to) errors.push('email_to: is required for an email destination');
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

export function getDestination(config: Readonly<DestinationsConfig>, organization: string, id: string): Destination {
  const d = config.destinations.find((x) => x.organization === organization && x.id === id);
  if (!d) throw new NotFoundError([`id: no destination "${id}"`]);
  return d as Destination;
}

export function deleteDestination(draft: DestinationsConfig, organization: string, id: string): void {
  getDestination(draft, organization, id);
  draft.destinations = draft.destinations.filter((d) => d.id !== id);
}

export function rotateSigningSecret(draft: DestinationsConfig, organization: string, id: string, newSecret: () => string, now: Date): Destination {
  const d = getDestination(draft, organization, id);
  d.signing_secret = newSecret();
  d.updated_at = now.toISOString();
  return d;
}

/** Armor's notification config → a webhook destination (`properties`: one uri, headers). */
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
  };
}

/** The view every answer gives: secrets masked. */
export function publicDestination(d: Destination, maskHeader: (name: string, value: string) => string) {
  return {
    ...d,
    headers: d.headers.map((h) => ({ key: h.key, value: maskHeader(h.key, h.value) })),
    token: d.token ? '***' : null,
    signing_secret: 'whsec_***',
  };
}
