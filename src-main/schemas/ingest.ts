// Ingest bodies of every dialect (PRODUCT.md §2). The dialects validate with these and
// /openapi.json publishes them. Field rules come from shared/reference/: Calseta generic
// webhook, Dispatch signal instances, the FireHydrant event model, Alertmanager v4, Splunk HEC.
// Checks a schema cannot say (indicator values against their type) live in the dialects.
import { INDICATOR_TYPES, LEVELS, STATUSES } from '../core/types';
import { SEVERITY_NAMES } from '../core/timestamps';
import {
  ALERTMANAGER_ANNOTATION_VALUE_MAX, ALERTMANAGER_BODY_LIMIT_BYTES, ALERTMANAGER_LABEL_VALUE_MAX, ALERTMANAGER_URL_MAX, ANNOTATIONS_MAX, ATTACHMENTS_MAX, BODY_TEXT_MAX, IDEMPOTENCY_KEY_MAX, IDENTIFIER_MAX, IMAGES_MAX, INDICATOR_VALUE_MAX,
  INDICATORS_MAX, INSTANCE_ID_MAX, LINKS_MAX, MAX_EVENTS_PER_REQUEST, NAME_MAX, TAG_LENGTH_MAX, TAGS_MAX, TITLE_MAX,
} from '../limits';
import { ENUM_CI } from './validate';

const tags = {
  type: 'array',
  maxItems: TAGS_MAX,
  items: { type: 'string', maxLength: TAG_LENGTH_MAX },
  description: 'free-form tags; `service:<slug>`, `environment:<slug>`, `functionality:<slug>` link catalog components',
};

const text = (maxLength: number, description?: string) => ({ type: 'string', maxLength, ...(description ? { description } : {}) });

// ---------------------------------------------------------------------------

export const genericSchema = {
  title: 'GenericAlert',
  description: 'Calseta generic webhook: any tool that can POST JSON. POST /v1/ingest/generic',
  type: 'object',
  required: ['title'],
  properties: {
    title: { type: 'string', minLength: 1, maxLength: TITLE_MAX, description: 'alert title' },
    severity: {
      type: 'string',
      [ENUM_CI]: [...SEVERITY_NAMES],
      description: `one of ${SEVERITY_NAMES.join(', ')} (any case); default Pending`,
      examples: ['High'],
    },
    occurred_at: { type: 'string', format: 'date-time', description: 'ISO 8601; default: the time it was received' },
    description: text(BODY_TEXT_MAX, 'alert description (the event body)'),
    tags,
    source_rule_id: text(IDENTIFIER_MAX, 'detection rule id in the source system'),
    indicators: {
      type: 'array',
      maxItems: INDICATORS_MAX,
      description: 'pre-extracted indicators; each value is checked against its type',
      items: {
        type: 'object',
        required: ['type', 'value'],
        properties: {
          type: { enum: [...INDICATOR_TYPES] },
          value: { type: 'string', minLength: 1, maxLength: INDICATOR_VALUE_MAX },
        },
      },
    },
  },
};

// ---------------------------------------------------------------------------

export const signalInstanceSchema = {
  title: 'SignalInstance',
  description: 'Dispatch signal instance. POST /api/v1/{organization}/signals/instances',
  type: 'object',
  required: ['raw'],
  properties: {
    // Type-specific keywords apply to their type only, so each form gets its own precise error.
    project: {
      type: ['string', 'object', 'null'],
      minLength: 1,
      maxLength: NAME_MAX,
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1, maxLength: NAME_MAX } },
      description: 'project label inside the organization: a name, or an object with `name` (Dispatch\'s SignalInstanceCreate sends its ProjectRead); absent or null: none (the organization\'s default project)',
    },
    external_id: {
      type: ['string', 'null'],
      maxLength: IDENTIFIER_MAX,
      description: 'Dispatch\'s top-level external id: attaches the signal to its definition when raw.externalId is absent',
    },
    raw: {
      type: 'object',
      description: 'the signal as the tool produced it; kept as received',
      properties: {
        id: {
          type: 'string',
          maxLength: INSTANCE_ID_MAX,
          pattern: '^[A-Za-z0-9._:-]+$',
          description: 'becomes the event id; a second POST of the same id is a duplicate, not a new event',
        },
        externalId: text(IDENTIFIER_MAX, 'attaches the signal to the definition with this external id'),
        variant: text(IDENTIFIER_MAX, 'signal subtype, matched with externalId'),
        // Read when they have the right shape, ignored otherwise: raw is the tool's own data.
        name: { description: 'string: the title when nothing better (title, summary) exists' },
        calendarTime: { description: 'ISO 8601 string: the time of the signal' },
        time: { description: 'epoch seconds: the time when calendarTime is absent or invalid' },
      },
    },
  },
};

// ---------------------------------------------------------------------------

const imageSchema = {
  type: 'object',
  required: ['src'],
  properties: {
    src: { type: 'string', minLength: 1, maxLength: INDICATOR_VALUE_MAX, description: 'URL of the image' },
    alt: text(TITLE_MAX, 'alt and display text'),
  },
};

const linkSchema = {
  type: 'object',
  required: ['href'],
  properties: {
    href: { type: 'string', minLength: 1, maxLength: INDICATOR_VALUE_MAX, description: 'URL' },
    text: text(TITLE_MAX, 'display text'),
  },
};

const attachmentSchema = {
  type: 'object',
  properties: {
    filename: text(TITLE_MAX),
    content_type: text(TITLE_MAX),
    size: { type: 'integer', minimum: 0 },
    label: text(TITLE_MAX),
    url: text(INDICATOR_VALUE_MAX),
  },
};

export const eventSchema = {
  title: 'Event',
  description:
    'FireHydrant Signals event model. POST /v1/ingest/event; also the shape a custom source transposer must produce ' +
    '(in transposer output a null field counts as absent).',
  type: 'object',
  required: ['summary'],
  properties: {
    summary: {
      type: 'string',
      minLength: 1,
      maxLength: BODY_TEXT_MAX,
      description: 'over 255 characters it is cut to 250 + "..." and the rest goes to the start of body',
    },
    body: text(BODY_TEXT_MAX, 'longer description of the alert'),
    status: { type: ['string', 'integer'], [ENUM_CI]: [...STATUSES, 0, 1], description: 'OPEN (0) or CLOSED (1); default OPEN' },
    level: {
      type: ['string', 'integer'],
      [ENUM_CI]: [...LEVELS, 0, 1, 2, 3],
      description: 'INFO (0), WARN (1), ERROR (2), FATAL (3), any case; default INFO with severity pending',
    },
    idempotency_key: text(IDEMPOTENCY_KEY_MAX, 'groups events into one open alert; a CLOSED event resolves it'),
    tags,
    annotations: {
      type: 'object',
      maxProperties: ANNOTATIONS_MAX,
      description: 'free-form; `private.*` keys are removed; `signals.firehydrant.com/notification-priority` (HIGH|MEDIUM|LOW) sets priority',
    },
    images: { type: 'array', maxItems: IMAGES_MAX, items: imageSchema },
    links: { type: 'array', maxItems: LINKS_MAX, items: linkSchema },
    attachments: { type: 'array', maxItems: ATTACHMENTS_MAX, items: attachmentSchema },
  },
};

// ---------------------------------------------------------------------------

// No size or count limits here: Alertmanager drops a group on any 4xx. Long values are cut
// with a mark by the dialect (limits.ts, ALERTMANAGER_*); the body limit of the endpoint bounds the rest.
const labelMap = (description: string) => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  description,
});

const ALERT_STATUSES = ['firing', 'resolved'];
const CUT = (max: number) => `over ${max} characters it is cut, marked "… [truncated N chars]"`;

export const alertmanagerAlertSchema = {
  title: 'AlertmanagerAlert',
  description: 'one alert of an Alertmanager webhook group; becomes one event',
  type: 'object',
  required: ['status'],
  properties: {
    status: { enum: ALERT_STATUSES, description: 'firing → OPEN, resolved → CLOSED' },
    labels: labelMap(`become tags \`name:value\`; \`severity\` sets the severity; the sorted set is the key without a fingerprint; a value ${CUT(ALERTMANAGER_LABEL_VALUE_MAX)}`),
    annotations: labelMap(`\`summary\`/\`title\` → title, \`description\`/\`message\` → body; kept as annotations; a value ${CUT(ALERTMANAGER_ANNOTATION_VALUE_MAX)}`),
    startsAt: { type: 'string', description: 'RFC 3339; the event time' },
    endsAt: { type: 'string', description: 'RFC 3339; the event time of a resolved alert' },
    generatorURL: { type: 'string', description: `becomes a link "Source"; ${CUT(ALERTMANAGER_URL_MAX)}` },
    fingerprint: text(IDEMPOTENCY_KEY_MAX, 'the idempotency key'),
  },
};

export const alertmanagerSchema = {
  title: 'AlertmanagerWebhook',
  description: 'Prometheus Alertmanager webhook payload, version 4. POST /v1/ingest/alertmanager. Never refused for size or counts ' +
    `(Alertmanager drops a group on any 4xx): the body limit of this endpoint is ${ALERTMANAGER_BODY_LIMIT_BYTES} bytes by default (SWITCHYARD_ALERTMANAGER_BODY_LIMIT), any number of alerts, long values cut and marked`,
  type: 'object',
  required: ['alerts'],
  properties: {
    version: { const: '4' },
    groupKey: { type: 'string', description: CUT(ALERTMANAGER_LABEL_VALUE_MAX) },
    truncatedAlerts: { type: 'integer', minimum: 0 },
    status: { enum: ALERT_STATUSES },
    receiver: { type: 'string', description: CUT(ALERTMANAGER_LABEL_VALUE_MAX) },
    groupLabels: labelMap('labels the group was formed by'),
    commonLabels: labelMap('labels every alert of the group has'),
    commonAnnotations: labelMap('annotations every alert of the group has'),
    externalURL: { type: 'string', description: CUT(ALERTMANAGER_URL_MAX) },
    alerts: { type: 'array', minItems: 1, items: alertmanagerAlertSchema, description: 'any number: each becomes one event' },
  },
};

// ---------------------------------------------------------------------------

const hecKey = { idempotency_key: text(IDEMPOTENCY_KEY_MAX, 'groups events into one open alert') };

export const splunkHecEnvelopeSchema = {
  title: 'SplunkHecEvent',
  description: 'one Splunk HTTP Event Collector envelope',
  type: 'object',
  required: ['event'],
  properties: {
    time: {
      type: ['number', 'string'],
      minimum: 0,
      maximum: 99_999_999_999,
      pattern: '^\\d{1,11}(\\.\\d+)?$',
      description: 'epoch seconds (fractions allowed, a numeric string too); default: the time it was received',
    },
    host: text(TAG_LENGTH_MAX),
    source: text(TAG_LENGTH_MAX),
    sourcetype: text(TAG_LENGTH_MAX),
    index: text(TAG_LENGTH_MAX),
    event: {
      type: ['object', 'string'],
      minLength: 1,
      minProperties: 1,
      properties: hecKey,
      description: 'the event: an object (title/summary/eventName/description, severity 0–10 or a word, status, tags, …) or a line of text',
    },
    fields: { type: 'object', properties: hecKey, description: 'indexed fields; `idempotency_key` is honored' },
  },
};

export const splunkHecBatchSchema = {
  title: 'SplunkHecBatch',
  description: 'several HEC envelopes (a JSON array, or envelopes back to back in the body)',
  type: 'array',
  minItems: 1,
  maxItems: MAX_EVENTS_PER_REQUEST,
  items: splunkHecEnvelopeSchema,
};

export const splunkHecSchema = {
  title: 'SplunkHec',
  description: 'Splunk HEC: one envelope, an array of them, or envelopes back to back. POST /services/collector, /services/collector/event (+ /1.0)',
  anyOf: [splunkHecEnvelopeSchema, splunkHecBatchSchema],
};
