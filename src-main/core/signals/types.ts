// Records of the signals engine (PRODUCT.md §3): definitions, filters and catalog
// components are configuration; alerts and cases are state, persisted as snapshots.
import type { Priority, Severity } from '../types';

/** Metadata that incoming signals attach to by external_id (+ variant), as in Dispatch. */
export interface SignalDefinition {
  id: string;
  organization: string;
  name: string;
  description: string;
  /** null matches any variant of the external_id. */
  variant: string | null;
  owner: string | null;
  /** Unique across all definitions of the organization. */
  external_id: string;
  /** Channel name a case for this signal is opened in. */
  conversation_target: string | null;
  /** false = contextual: alerts but no case. */
  create_case: boolean;
  enabled: boolean;
  /** tick() resolves an alert with no new event for this long; null = never. */
  auto_resolve_after_s: number | null;
  created_at: string;
  updated_at: string;
}

export const FILTER_KINDS = ['deduplicate', 'snooze'] as const;
export type FilterKind = (typeof FILTER_KINDS)[number];

export interface SignalFilter {
  id: string;
  organization: string;
  definition_id: string;
  kind: FilterKind;
  name: string;
  /**
   * JSONata evaluated on the event (the normalized event, `raw` included).
   * deduplicate: its value, stringified, is the group key. snooze: truthy = snoozed.
   */
  expression: string;
  /** deduplicate: the alert's last_seen must be this recent to join it. */
  window_s: number | null;
  /** snooze: ISO time the snooze ends. */
  until: string | null;
  created_at: string;
  /** Set when expired; an expired filter is kept for history but never applies. */
  expired_at: string | null;
}

export const CATALOG_KINDS = ['service', 'environment', 'functionality'] as const;
export type CatalogKind = (typeof CATALOG_KINDS)[number];

/** A FireHydrant-style service catalog entry, linked by `<kind>:<slug>` tags. */
export interface CatalogComponent {
  id: string;
  organization: string;
  kind: CatalogKind;
  slug: string;
  name: string;
  created_at: string;
}

/** A catalog tag resolved against the catalog; id null = unknown slug (unlinked). */
export interface CatalogLink {
  kind: CatalogKind;
  slug: string;
  id: string | null;
}

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'dismissed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const TIMELINE_KINDS = [
  'opened',
  'event_joined',
  'acknowledged',
  'resolved',
  'dismissed',
  'auto_resolved',
  'flapping',
  'settled',
  'case_opened',
  // Cases only: a person moved the case (new / triage / closed).
  'status_changed',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  text: string;
  event_id: string | null;
  actor: string | null;
}

export interface Alert {
  id: string;
  /** Source id of its first event (or the dialect name); a source may set auto-resolve. */
  source?: string;
  /** 'AL' + 10 base62 characters, e.g. ALEY4fqz8moo. */
  short_id: string;
  organization: string;
  idempotency_key: string | null;
  status: AlertStatus;
  title: string;
  /** The highest severity of its events. */
  severity: Severity;
  priority: Priority;
  first_seen: string;
  last_seen: string;
  event_count: number;
  definition_id: string | null;
  case_id: string | null;
  /** Open/resolve transitions of its key are too frequent: notifications are held back. */
  flapping: boolean;
  /** Union of its events' catalog links. */
  catalog: CatalogLink[];
  /** Union of its events' tags (at most TAGS_MAX). */
  tags: string[];
  /** Deduplicate filter id → the group value this alert was opened with (kept so replay needs no events). */
  dedup_values: Record<string, string>;
  created_at: string;
  updated_at: string;
  /** When it left the open set: resolved, auto-resolved or dismissed. */
  resolved_at: string | null;
  /** At most ALERT_TIMELINE_MAX entries: the first and the latest. */
  timeline: TimelineEntry[];
}

export const CASE_STATUSES = ['new', 'triage', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface Case {
  id: string;
  /** 'CA' + 10 base62 characters. */
  short_id: string;
  organization: string;
  title: string;
  status: CaseStatus;
  conversation_target: string | null;
  definition_id: string;
  alert_ids: string[];
  catalog: CatalogLink[];
  created_at: string;
  updated_at: string;
  /** Opening and status changes with their actor; bounded like an alert's. */
  timeline: TimelineEntry[];
}

/**
 * A full snapshot of a changed record. The persistence layer appends these and replays
 * them with SignalsEngine.load (the last snapshot per id wins). `notify` is false for
 * changes to flapping alerts (and their cases): store them, but do not notify.
 */
export type StateChange =
  /**
   * `tail`: how many of the alert's latest timeline entries are new since its last full
   * snapshot was stored (set when the engine knows, so the record may be written as a patch).
   */
  | { kind: 'alert'; alert: Alert; notify: boolean; tail?: number }
  | { kind: 'case'; case: Case; notify: boolean };

export interface FlapSettings {
  /** More open/resolve transitions than this within window_s marks the alert flapping. */
  max_transitions: number;
  window_s: number;
}

/** The signals part of the configuration; the caller merges these fields into its ConfigData. */
/** What the engine reads of a configured source. */
export interface SourceRef {
  id: string;
  organization: string;
  name: string;
  auto_resolve_after_s: number | null;
}

export interface SignalsConfig {
  definitions: SignalDefinition[];
  /** Sources may set auto-resolve for alerts that no definition governs. */
  sources?: SourceRef[];
  filters: SignalFilter[];
  catalog: CatalogComponent[];
  flap: FlapSettings;
}
