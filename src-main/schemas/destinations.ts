// Request bodies of destinations (ours and Armor's notification config).
import { DESTINATION_KINDS, WEBHOOK_FORMATS } from '../core/destination-types';
import { EVENT_TYPES } from '../core/types';
import { DESTINATION_HEADERS_MAX, NAME_MAX, SIGNING_SECRET_GRACE_DEFAULT_S, SIGNING_SECRET_GRACE_MAX_S } from '../limits';
import { Enum, Nullable, Type } from './builders';

const name = Type.String({ minLength: 1, maxLength: NAME_MAX });
const eventTypes = Type.Array(Enum(EVENT_TYPES), { minItems: 1, uniqueItems: true });
const header = Type.Object({ key: Type.String({ minLength: 1, maxLength: 256 }), value: Type.String() }, { additionalProperties: false });
const headers = (description?: string) => Type.Array(header, { maxItems: DESTINATION_HEADERS_MAX, ...(description ? { description } : {}) });
const token = (description: string) => Nullable(Type.String({ maxLength: 512 }), { description });

/** Every field but `name` and `kind`, all optional in create and update alike. */
const settings = {
  event_type: Type.Optional(eventTypes),
  email_for_error: Type.Optional(Nullable(Type.String({ format: 'email' }))),
  enabled: Type.Optional(Type.Boolean()),
  uri: Type.Optional(Nullable(Type.String({ maxLength: 2048 }))),
  headers: Type.Optional(headers()),
  format: Type.Optional(Enum(WEBHOOK_FORMATS, { description: "webhook: default or splunk (Armor's records), envelope (alert envelope), or transform: the format of the organization's transform config at each delivery (what Armor's notifications API makes)" })),
  token: Type.Optional(token('splunk_hec: the HEC token')),
  email_to: Type.Optional(Nullable(Type.String({ format: 'email' }), { description: 'email: the recipient' })),
  email_enriched: Type.Optional(Type.Boolean({ description: 'email: include contextual information, not only a link' })),
};

export const destinationCreateSchema = Type.Object({
  name,
  kind: Enum(DESTINATION_KINDS),
  ...settings,
}, { title: 'DestinationCreate', additionalProperties: false });

/** PATCH: any field create takes; given headers replace the list; masked secrets sent back as shown keep the saved ones. */
export const destinationUpdateSchema = Type.Object({
  name: Type.Optional(name),
  kind: Type.Optional(Enum(DESTINATION_KINDS, { description: 'cannot change: only the current kind is accepted' })),
  ...settings,
  headers: Type.Optional(headers('replaces every header; a value sent back masked as answers show it (e.g. "Bearer ***") keeps the saved value')),
  token: Type.Optional(token('splunk_hec: the HEC token; "***" (as answers show it) keeps the saved one')),
}, { title: 'DestinationUpdate', additionalProperties: false, minProperties: 1 });

/** POST /api/destinations/{id}/rotate-secret (the body is optional: no body = the default grace). */
export const rotateSecretSchema = Type.Object({
  grace_s: Type.Optional(Type.Integer({
    minimum: 0, maximum: SIGNING_SECRET_GRACE_MAX_S, default: SIGNING_SECRET_GRACE_DEFAULT_S,
    description: `seconds the replaced secret keeps signing beside the new one (webhook-signature: "v1,<new> v1,<old>"); 0 switches at once; default ${SIGNING_SECRET_GRACE_DEFAULT_S} (24 h)`,
  })),
}, { title: 'SigningSecretRotation', additionalProperties: false });

export const armorNotificationSchema = Type.Object({
  name,
  email_for_error: Type.Optional(Type.String({ format: 'email' })),
  event_type: eventTypes,
  properties: Type.Array(
    Type.Object({ type: Enum(['uri', 'header']), key: Type.String({ minLength: 1 }), value: Type.String() }, { additionalProperties: false }),
    { minItems: 1, maxItems: DESTINATION_HEADERS_MAX + 1 },
  ),
}, { title: 'ArmorNotificationConfig', additionalProperties: false });

export const notificationsReadSchema = Type.Object({
  ids: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
  all: Type.Optional(Type.Boolean()),
}, { title: 'NotificationsRead', additionalProperties: false });

export const smtpSettingsSchema = Type.Object({
  host: Type.String({ minLength: 1, maxLength: 255 }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  secure: Type.Optional(Type.Boolean({ description: 'TLS from the start (port 465); otherwise STARTTLS is required except on loopback' })),
  user: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
  password: Type.Optional(Nullable(Type.String({ maxLength: 1024 }), { description: 'omit to keep the saved one; it is never shown again' })),
  from: Type.String({ format: 'email' }),
}, { title: 'SmtpSettings', additionalProperties: false });

export const smtpTestSchema = Type.Object({
  to: Type.String({ format: 'email' }),
}, { title: 'SmtpTest', additionalProperties: false });
