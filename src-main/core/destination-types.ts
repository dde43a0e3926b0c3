// The records of destinations (PRODUCT.md §5): plain data, no runtime dependencies, so the
// UI reads the same types the server writes. Operations on them are in destinations.ts.
import type { EventType } from './types';

export const DESTINATION_KINDS = ['webhook', 'splunk_hec', 'mattermost', 'slack', 'teams', 'email', 'in_app'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];
/** Kinds delivered by an HTTP request (in-app goes to the bell, email through SMTP). */
export const HTTP_KINDS: readonly DestinationKind[] = ['webhook', 'splunk_hec', 'mattermost', 'slack', 'teams'];
/** Kinds the delivery engine sends, with retries and history. */
export const DELIVERED_KINDS: readonly DestinationKind[] = [...HTTP_KINDS, 'email'];
/**
 * `transform`: whatever `format` the organization's transform config has when a delivery is
 * made (default when it has none), so changing the transform changes the next deliveries —
 * what destinations made through Armor's notifications API get.
 */
export const WEBHOOK_FORMATS = ['default', 'splunk', 'envelope', 'transform'] as const;
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
  /**
   * The secret the last rotation replaced: requests carry its signature too, after the new
   * one's, until `expires_at`, so receivers can switch secrets without refusing anything.
   * Absent (or null) when there is none, on records saved before rotations had a grace.
   */
  previous_signing_secret?: { secret: string; expires_at: string } | null;
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
