// Request bodies of destinations (ours and Armor's notification config).
import { DESTINATION_KINDS, WEBHOOK_FORMATS } from '../core/destination-types';
import { EVENT_TYPES } from '../core/types';
import { DESTINATION_HEADERS_MAX, NAME_MAX, SIGNING_SECRET_GRACE_DEFAULT_S, SIGNING_SECRET_GRACE_MAX_S } from '../limits';

const eventTypes = { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...EVENT_TYPES] } };
const header = { type: 'object', additionalProperties: false, required: ['key', 'value'], properties: { key: { type: 'string', minLength: 1, maxLength: 256 }, value: { type: 'string' } } };

export const destinationCreateSchema = {
  title: 'DestinationCreate',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'kind'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: NAME_MAX },
    kind: { enum: [...DESTINATION_KINDS] },
    event_type: eventTypes,
    email_for_error: { type: ['string', 'null'], format: 'email' },
    enabled: { type: 'boolean' },
    uri: { type: ['string', 'null'], maxLength: 2048 },
    headers: { type: 'array', maxItems: DESTINATION_HEADERS_MAX, items: header },
    format: { enum: [...WEBHOOK_FORMATS], description: "webhook: default or splunk (Armor's records), envelope (alert envelope), or transform: the format of the organization's transform config at each delivery (what Armor's notifications API makes)" },
    token: { type: ['string', 'null'], maxLength: 512, description: 'splunk_hec: the HEC token' },
    email_to: { type: ['string', 'null'], format: 'email', description: 'email: the recipient' },
    email_enriched: { type: 'boolean', description: 'email: include contextual information, not only a link' },
  },
};

/** PATCH: any field create takes; given headers replace the list; masked secrets sent back as shown keep the saved ones. */
export const destinationUpdateSchema = {
  title: 'DestinationUpdate',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    ...destinationCreateSchema.properties,
    kind: { enum: [...DESTINATION_KINDS], description: 'cannot change: only the current kind is accepted' },
    headers: { ...destinationCreateSchema.properties.headers, description: 'replaces every header; a value sent back masked as answers show it (e.g. "Bearer ***") keeps the saved value' },
    token: { ...destinationCreateSchema.properties.token, description: 'splunk_hec: the HEC token; "***" (as answers show it) keeps the saved one' },
  },
};

/** POST /api/destinations/{id}/rotate-secret (the body is optional: no body = the default grace). */
export const rotateSecretSchema = {
  title: 'SigningSecretRotation',
  type: 'object',
  additionalProperties: false,
  properties: {
    grace_s: {
      type: 'integer', minimum: 0, maximum: SIGNING_SECRET_GRACE_MAX_S, default: SIGNING_SECRET_GRACE_DEFAULT_S,
      description: `seconds the replaced secret keeps signing beside the new one (webhook-signature: "v1,<new> v1,<old>"); 0 switches at once; default ${SIGNING_SECRET_GRACE_DEFAULT_S} (24 h)`,
    },
  },
};

export const armorNotificationSchema = {
  title: 'ArmorNotificationConfig',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'event_type', 'properties'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: NAME_MAX },
    email_for_error: { type: 'string', format: 'email' },
    event_type: eventTypes,
    properties: {
      type: 'array',
      minItems: 1,
      maxItems: DESTINATION_HEADERS_MAX + 1,
      items: { type: 'object', additionalProperties: false, required: ['type', 'key', 'value'], properties: { type: { enum: ['uri', 'header'] }, key: { type: 'string', minLength: 1 }, value: { type: 'string' } } },
    },
  },
};

export const notificationsReadSchema = {
  title: 'NotificationsRead',
  type: 'object',
  additionalProperties: false,
  properties: {
    ids: { type: 'array', maxItems: 1000, items: { type: 'string' } },
    all: { type: 'boolean' },
  },
};

export const smtpSettingsSchema = {
  title: 'SmtpSettings',
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port', 'from'],
  properties: {
    host: { type: 'string', minLength: 1, maxLength: 255 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    secure: { type: 'boolean', description: 'TLS from the start (port 465); otherwise STARTTLS is required except on loopback' },
    user: { type: ['string', 'null'], maxLength: 255 },
    password: { type: ['string', 'null'], maxLength: 1024, description: "omit to keep the saved one; it is never shown again" },
    from: { type: 'string', format: 'email' },
  },
};

export const smtpTestSchema = {
  title: 'SmtpTest',
  type: 'object',
  additionalProperties: false,
  required: ['to'],
  properties: { to: { type: 'string', format: 'email' } },
};
