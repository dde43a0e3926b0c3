// Domain types shared by core, store and server. Plain data only; imports nothing.

export const DIALECTS = ['generic', 'signal_instance', 'event', 'alertmanager', 'splunk_hec', 'custom'] as const;
export type Dialect = (typeof DIALECTS)[number];

export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical', 'pending'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const LEVELS = ['INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type Level = (typeof LEVELS)[number];

export const STATUSES = ['OPEN', 'CLOSED'] as const;
export type Status = (typeof STATUSES)[number];

export const PRIORITIES = ['HIGH', 'MEDIUM', 'LOW'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const INDICATOR_TYPES = ['ip', 'domain', 'hash_md5', 'hash_sha1', 'hash_sha256', 'url', 'email', 'account'] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

/** Which extraction pass found an indicator (PRODUCT.md §2, four passes). */
export const INDICATOR_PASSES = ['explicit', 'system', 'custom', 'pattern'] as const;
export type IndicatorPass = (typeof INDICATOR_PASSES)[number];

export const EVENT_TYPES = ['security_incident', 'security_detection', 'security_event'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const SCOPES = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Indicator {
  type: IndicatorType;
  value: string;
  /** Every pass that found it; duplicates are merged into one entry. */
  found_by: IndicatorPass[];
}

export interface ImageRef { src: string; alt?: string }
export interface LinkRef { href: string; text?: string }
export interface Attachment { filename?: string; content_type?: string; size?: number; label?: string; url?: string }

/** What the server knew about the HTTP request. Never holds the key or the token. */
export interface RequestMeta {
  method: string;
  path: string;
  remote_address: string | null;
  user_agent: string | null;
  content_length: number;
  content_type: string | null;
  /** How the request authenticated: an API key, a source's URL token, or the UI session (samples, replays). */
  auth: 'api_key' | 'url_token' | 'session';
  /** Set when the event is a replay (from the UI) of a stored one. */
  replay_of?: string;
  key_id: string | null;
  idempotency_key: string | null;
  /** Headers as received (names as sent, in order), secrets masked, bounded (RECEIVED_HEADERS_MAX); absent on older events and UI sends. */
  headers?: [string, string][];
  /** Headers received beyond RECEIVED_HEADERS_MAX, not kept. */
  headers_omitted?: number;
  /** The query string as received, without "?", secret-named parameters masked; "" when none. */
  query?: string;
  /** Set when the request carried several items (an Alertmanager group, a HEC batch, a transposer's array) and this event is one of them. */
  batch?: BatchItem;
}

/** Which item of a batch request became an event. */
export interface BatchItem {
  /** 0-based position of the item in the request, and how many items it carried. */
  index: number;
  count: number;
  /** Where that item sits in the request body, e.g. `alerts[2]`, `[2]`, or `transposer output[2]`. */
  in_request: string;
  /** Path to the item inside the stored raw payload ([] = the whole raw), or null when the raw holds no single item for it. */
  in_raw: (string | number)[] | null;
}

export const DECISION_ACTIONS = [
  'opened_alert',
  'joined_alert',
  'resolved_alerts',
  'closed_without_alert',
  'deduplicated',
  'snoozed',
  'unattached',
] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

/** Machine names of the rules a Decision can report (`Decision.rule`). */
export const DECISION_RULES = [
  'unknown_external_id',
  'snooze_filter',
  'dedup_filter',
  'idempotency_key_join',
  'idempotency_key_open',
  'reopen_after_resolve',
  'no_key_own_alert',
  'close_resolves_key',
  'close_no_open_alert',
  'close_without_key',
] as const;
export type DecisionRule = (typeof DECISION_RULES)[number];

/**
 * What the engine did with one event and why. `rule` is the grouping rule that fired;
 * secondary rules (definition_creates_case, definition_contextual, flap_detection) are
 * named in `text`, which is a readable explanation for the UI.
 */
export interface Decision {
  action: DecisionAction;
  /** The alert the event belongs to (for resolved_alerts: the first resolved). */
  alert_id: string | null;
  resolved_alert_ids: string[];
  case_id: string | null;
  definition_id: string | null;
  filter_id: string | null;
  rule: DecisionRule;
  text: string;
  /** false = held back from notifications (snoozed, or an alert it touched is flapping). */
  notify: boolean;
}

export interface NormalizedEvent {
  schema_version: number;
  id: string;
  organization: string;
  project: string | null;
  /** Source id for configured sources, else the dialect name. */
  source: string;
  source_name: string;
  dialect: Dialect;
  received_at: string;
  occurred_at: string;
  title: string;
  body: string;
  severity: Severity;
  level: Level;
  status: Status;
  priority: Priority;
  idempotency_key: string | null;
  tags: string[];
  catalog: { kind: string; slug: string; id: string | null }[];
  annotations: Record<string, unknown>;
  images: ImageRef[];
  links: LinkRef[];
  attachments: Attachment[];
  indicators: Indicator[];
  event_type: EventType;
  external_id: string | null;
  variant: string | null;
  source_rule_id: string | null;
  definition_id: string | null;
  alert_id: string | null;
  /** Why the signals engine did what it did with this event (null until decided). */
  decision?: Decision | null;
  /** Exact-retry key: `instance:<raw.id>` or `header:<Idempotency-Key>[#n]`; null if none. */
  dedup_key: string | null;
  raw: unknown;
  request: RequestMeta;
}

/** The part of an event kept in memory for lists and filters. */
export interface EventSummary {
  id: string;
  organization: string;
  source: string;
  source_name: string;
  dialect: Dialect;
  received_at: string;
  title: string;
  severity: Severity;
  status: Status;
  priority: Priority;
  alert_id: string | null;
}

export interface Organization {
  id: string;
  slug: string;
  name: string;
  parent_id: string | null;
  created_at: string;
}

export interface ApiKeyRecord {
  id: string;
  organization: string;
  name: string;
  scopes: Scope[];
  /** SHA-256 hex of the key; the key itself is shown once and never stored. */
  hash: string;
  /** First characters, for recognising a key in lists. */
  prefix: string;
  created_at: string;
}

export interface SourceRecord {
  id: string;
  organization: string;
  name: string;
  slug: string;
  dialect: Dialect;
  /** JSONata expression mapping any JSON to the event model (custom dialect). */
  transposer: string | null;
  /** SHA-256 hex of the URL token (`/v1/hooks/{token}`); null when none was issued. */
  token_hash: string | null;
  token_prefix: string | null;
  /** Alerts from this source resolve themselves after this long without a new event (unless their definition says otherwise). */
  auto_resolve_after_s: number | null;
  created_at: string;
  updated_at: string;
}

/** Pass 3 of indicator extraction: a path into the raw payload and the type it holds. */
export interface CustomIndicatorMapping {
  id: string;
  organization: string;
  /** Dotted path with optional [n] / [*] steps, e.g. `event.sourceIp` or `alerts[*].labels.host`. */
  path: string;
  type: IndicatorType;
  created_at: string;
}
