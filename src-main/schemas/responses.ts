// What the API answers (2xx bodies), as JSON Schemas for /openapi.json. The records are
// open (fields may be added); the fields listed as required are always there. A test
// validates live answers against these, so the document cannot drift from the code.
import { DIALECTS, EVENT_TYPES, INDICATOR_TYPES, LEVELS, PRIORITIES, SCOPES, SEVERITIES, STATUSES } from '../core/types';
import { DESTINATION_KINDS, WEBHOOK_FORMATS } from '../core/destination-types';
import { ALERT_STATUSES, CATALOG_KINDS, FILTER_KINDS } from '../core/signals/types';

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const strOrNull: Schema = { type: ['string', 'null'] };
const int: Schema = { type: 'integer' };
const intOrNull: Schema = { type: ['integer', 'null'] };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const timeOrNull: Schema = { type: ['string', 'null'], format: 'date-time' };
const strings: Schema = { type: 'array', items: str };
const anyObject: Schema = { type: 'object' };
/** How many match in all (lists that count). */
export const countSchema: Schema = { type: 'integer', minimum: 0 };
const oneOf = (values: readonly string[]): Schema => ({ type: 'string', enum: [...values] });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });

/** An object whose `required` fields are always present, plus optional ones. */
function record(title: string, required: Record<string, Schema>, optional: Record<string, Schema> = {}): Schema {
  return { title, type: 'object', required: Object.keys(required), properties: { ...required, ...optional } };
}

/** `{items, next_cursor}`: a list, a page at a time when next_cursor is not null. */
export function pageOf(item: Schema, extra: Record<string, Schema> = {}): Schema {
  return record(`${String(item.title ?? 'Item')}Page`, { items: arrayOf(item), next_cursor: strOrNull, ...extra });
}

/** With the fields of `base` and some more. */
function withFields(title: string, base: Schema, required: Record<string, Schema>, optional: Record<string, Schema> = {}): Schema {
  return {
    title,
    type: 'object',
    required: [...(base.required as string[]), ...Object.keys(required)],
    properties: { ...(base.properties as Schema), ...required, ...optional },
  };
}

// ---------------------------------------------------------------------------
// System

const storeState = { backend: oneOf(['file', 'postgres']), writable: bool, error: strOrNull, since: timeOrNull };

export const healthSchema = record('Health', {
  status: oneOf(['ok', 'store_unwritable']), version: str, uptime_s: num,
  store: record('StoreHealth', { events: int, queue_depth: int, segments: int, bytes: int, ...storeState }),
});
export const statusSchema = record('ApplianceStatus', { store: record('StoreStatus', storeState), version: str, uptime_s: num });
export const openApiDocumentSchema = record('OpenApiDocument', { openapi: str, info: anyObject, paths: anyObject });
export const textSchema: Schema = { type: 'string' };
export const loginLinkSchema = record('LoginLink', { url: str });

const ingestEndpoint = record('IngestEndpoint', { kind: oneOf([...DIALECTS, 'url_token']), label: str, path: str, auth: oneOf(['bearer', 'splunk', 'url_token']), description: str });
export const connectSchema = record('Connect', { organization: str, items: arrayOf(ingestEndpoint) });

export const organizationSchema = record('Organization', { id: str, slug: str, name: str, parent_id: strOrNull, created_at: time });
export const sessionSchema = record('Session', { organization: organizationSchema, via: oneOf(['api_key', 'env_key', 'session', 'url_token']), csrf_token: strOrNull });

// ---------------------------------------------------------------------------
// Ingest answers

export const ingestedSchema = record('Ingested', { success: { const: true }, event_id: str, alert_id: strOrNull }, { duplicate: bool });
export const ingestedBatchSchema = record('IngestedBatch', { success: { const: true }, event_ids: strings, alert_ids: arrayOf(strOrNull) }, { duplicate: bool });
export const hecAnswerSchema = record('HecAnswer', { text: str, code: int }, { duplicate: bool });
/** Samples and replays: the events made. */
export const acceptedSchema = record('Accepted', { event_ids: strings, alert_ids: arrayOf(strOrNull) });

// ---------------------------------------------------------------------------
// Configuration

export const apiKeySchema = record('ApiKey', { id: str, organization: str, name: str, scopes: arrayOf(oneOf(SCOPES)), prefix: str, created_at: time });
export const apiKeyCreatedSchema = withFields('ApiKeyCreated', apiKeySchema, { key: { type: 'string', description: 'the key itself: shown in this answer only' } });

export const sourceSchema = record('Source', {
  id: str, organization: str, name: str, slug: str, dialect: oneOf(DIALECTS), transposer: strOrNull,
  has_token: bool, token_prefix: strOrNull, auto_resolve_after_s: intOrNull, created_at: time, updated_at: time, ingest_url: str,
}, {
  url_token: { type: 'string', description: 'after create with url_token or rotate-token only' },
  hook_url: { type: 'string', description: 'after create with url_token or rotate-token only' },
});

export const indicatorMappingSchema = record('IndicatorMapping', { id: str, organization: str, path: str, type: oneOf(INDICATOR_TYPES), created_at: time });

// ---------------------------------------------------------------------------
// Events

export const eventSummarySchema = record('EventSummary', {
  id: str, organization: str, source: str, source_name: str, dialect: oneOf(DIALECTS), received_at: time,
  title: str, severity: oneOf(SEVERITIES), status: oneOf(STATUSES), priority: oneOf(PRIORITIES), alert_id: strOrNull,
});

const link = record('Link', { href: str }, { text: str });
const indicator = record('Indicator', { type: oneOf(INDICATOR_TYPES), value: str });

export const eventSchema = record('NormalizedEvent', {
  id: str, organization: str, project: strOrNull, source: str, source_name: str, dialect: oneOf(DIALECTS),
  received_at: time, occurred_at: time, title: str, body: str, severity: oneOf(SEVERITIES), level: oneOf(LEVELS),
  status: oneOf(STATUSES), priority: oneOf(PRIORITIES), idempotency_key: strOrNull, tags: strings, catalog: arrayOf(anyObject),
  annotations: anyObject, images: arrayOf(anyObject), links: arrayOf(link), attachments: arrayOf(anyObject), indicators: arrayOf(indicator),
  event_type: oneOf(EVENT_TYPES), external_id: strOrNull, variant: strOrNull, definition_id: strOrNull, alert_id: strOrNull,
  raw: { description: 'the payload as received' }, request: anyObject,
}, { decision: { type: ['object', 'null'], description: 'what the signals engine decided and why' } });

export const sourceTestSchema = record('SourceTest', { events: arrayOf(eventSchema) });

// ---------------------------------------------------------------------------
// Signals: definitions, filters, catalog, alerts, cases

export const definitionSchema = record('SignalDefinition', {
  id: str, organization: str, name: str, description: str, variant: strOrNull, owner: strOrNull, external_id: str,
  conversation_target: strOrNull, create_case: bool, enabled: bool, auto_resolve_after_s: intOrNull, created_at: time, updated_at: time,
});
export const filterSchema = record('SignalFilter', {
  id: str, organization: str, definition_id: str, kind: oneOf(FILTER_KINDS), name: str, expression: str,
  window_s: intOrNull, until: timeOrNull, created_at: time, expired_at: timeOrNull,
});
export const definitionWithFiltersSchema = withFields('SignalDefinitionWithFilters', definitionSchema, { filters: arrayOf(filterSchema) });
export const catalogComponentSchema = record('CatalogComponent', { id: str, organization: str, kind: oneOf(CATALOG_KINDS), slug: str, name: str, created_at: time });
export const flapSchema = record('FlapSettingsAnswer', { flap: record('FlapSettings', { max_transitions: int, window_s: int }) });

const timelineEntry = record('TimelineEntry', { kind: str, at: time });
export const alertSchema = record('Alert', {
  id: str, short_id: str, organization: str, idempotency_key: strOrNull, status: oneOf(ALERT_STATUSES), title: str,
  severity: oneOf(SEVERITIES), priority: oneOf(PRIORITIES), first_seen: time, last_seen: time, event_count: int,
  definition_id: strOrNull, case_id: strOrNull, flapping: bool, tags: strings, created_at: time, updated_at: time,
}, { timeline: arrayOf(timelineEntry), resolved_at: timeOrNull });
export const alertEventSchema = record('AlertEvent', { id: str, title: str, received_at: time, severity: oneOf(SEVERITIES), source_name: str });
export const caseSchema = record('Case', {
  id: str, short_id: str, organization: str, title: str, status: oneOf(['new', 'triage', 'closed']), conversation_target: strOrNull,
  definition_id: str, alert_ids: strings, created_at: time, updated_at: time, timeline: arrayOf(timelineEntry),
});
export const caseWithAlertsSchema = withFields('CaseWithAlerts', caseSchema, { alerts: arrayOf(alertSchema) });

// ---------------------------------------------------------------------------
// Transforms and the tag store

export const transformSchema = record('TransformConfig', {
  id: str, organization: str, name: str, format: str, event_type: arrayOf(oneOf(EVENT_TYPES)),
  default_label: arrayOf(anyObject), transform: arrayOf(anyObject), version: int, created_at: time, updated_at: time,
});
export const transformVersionSchema = record('TransformVersion', { version: int, config: transformSchema, saved_at: time });
export const transformDiffSchema = record('TransformDiff', { changes: arrayOf(record('TransformChange', { path: str }, { before: {}, after: {} })) });
export const transformPreviewSchema = record('TransformPreview', { payload: { description: 'the rendered payload' }, unresolved: strings }, { notes: strings });
export const tagSchema = record('Tag', { organization: str, key: str, value: str });
export const searchUrlTemplateSchema = record('SearchUrlTemplate', { template: strOrNull });

// ---------------------------------------------------------------------------
// Destinations, deliveries, notifications, request bins

const header = record('Header', { key: str, value: { type: 'string', description: 'secrets masked' } });
export const destinationSchema = record('Destination', {
  id: str, organization: str, name: str, kind: oneOf(DESTINATION_KINDS), event_type: arrayOf(oneOf(EVENT_TYPES)), email_for_error: strOrNull,
  enabled: bool, uri: strOrNull, headers: arrayOf(header), format: oneOf(WEBHOOK_FORMATS), signing_secret: { type: 'string', description: 'masked, except right after create or rotation' },
  created_at: time, updated_at: time, circuit: anyObject,
}, { token: strOrNull, email_to: strOrNull, email_enriched: bool });
export const deliverySummarySchema = record('DeliverySummary', {
  id: str, destination_id: str, event_id: strOrNull, alert_id: strOrNull, status: str, attempt_count: int,
  next_attempt_at: timeOrNull, origin: oneOf(['event', 'test', 'redeliver']), created_at: time, updated_at: time,
});
export const destinationDetailSchema = withFields('DestinationDetail', destinationSchema, { recent_deliveries: arrayOf(deliverySummarySchema) });
const attempt = record('Attempt', {
  at: time, duration_ms: num, request: record('AttemptRequest', { url: str, headers: anyObject, body: str }),
  response: { type: ['object', 'null'] }, error_class: strOrNull, error: strOrNull,
});
export const deliverySchema = withFields('Delivery', deliverySummarySchema, { organization: str, body: str, attempts: arrayOf(attempt), dead_reason: strOrNull, redelivery_of: strOrNull });
export const testSendResultSchema = record('TestSendResult', {
  ok: bool, status: intOrNull, duration_ms: num, response_excerpt: strOrNull,
  error_class: { type: ['string', 'null'], enum: ['timeout', 'connection', 'refused_address', 'tls', 'other', null] }, error: strOrNull,
  request: record('TestSendRequest', { url: str, headers: { type: 'object', description: 'secrets masked' } }),
});
export const notificationSchema = record('Notification', {
  id: str, organization: str, title: str, text: str, severity: str, link: str, event_id: strOrNull, alert_id: strOrNull, created_at: time, read_at: timeOrNull,
});
export const notificationsReadAnswerSchema = record('NotificationsMarked', { marked: int, unread: int });
export const binReceivedSchema = record('BinReceived', { received: int });
export const binSchema = record('Bin', { name: str, count: int });
export const binRequestSchema = record('BinRequest', { id: int, received_at: time, method: str, path: str, headers: anyObject, body: str });

// ---------------------------------------------------------------------------
// Rules, settings, dashboard, samples

export const ruleSchema = record('Rule', { id: str, organization: str, name: str, enabled: bool, conditions: anyObject, actions: arrayOf(record('RuleAction', { type: oneOf(['destination', 'in_app', 'email']) })), created_at: time, updated_at: time });
export const dryRunSchema = record('RuleDryRun', { evaluated: int, matched: arrayOf(record('RuleMatch', { event_id: str, title: str, received_at: time, actions: strings })) });
export const retentionSchema = record('Retention', { max_age_days: intOrNull, max_bytes: intOrNull });
export const smtpAnswerSchema = record('SmtpSettingsAnswer', { smtp: { type: ['object', 'null'], description: 'password masked' } });
const publicUrl = record('PublicUrl', { saved: strOrNull, environment: strOrNull, served: str, effective: str });
export const publicUrlAnswerSchema = record('PublicUrlAnswer', { public_url: publicUrl });
const addressPolicy = record('AddressPolicy', {
  allow_loopback: bool, allow_private: bool, loopback_ranges: strings, private_ranges: strings,
  always_refused: arrayOf(record('RefusedRange', { range: str, why: str })),
});
export const settingsSchema = record('Settings', {
  smtp: { type: ['object', 'null'], description: 'password masked' }, flap: anyObject, retention: anyObject, search_url_template: strOrNull, public_url: publicUrl, outgoing: addressPolicy,
});
export const smtpTestSchema = record('SmtpTestSent', { message_id: str });
export const dashboardSchema = record('Dashboard', {
  from: time, to: time, bucket_seconds: num,
  events: arrayOf(record('EventBucket', { at: time, ...Object.fromEntries(SEVERITIES.map((s) => [s, int])) })),
  attempts: arrayOf(record('AttemptBucket', { at: time, succeeded: int, failed: int })),
  totals: record('DashboardTotals', { events: int, deliveries: anyObject, attempts_succeeded: int, attempts_failed: int }),
  failing_destinations: arrayOf(record('FailingDestination', { id: str, name: str, kind: str, failed_attempts: int, dead: int, circuit: str })),
  truncated: bool,
});
export const sampleSchema = record('Sample', { name: str, dialect: oneOf(DIALECTS), title: str, description: str, endpoint: str, body: { description: 'the payload' } });
export const demoSchema = record('Demo', { destination_id: str, bin: str, bin_url: str });
