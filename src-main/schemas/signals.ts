// Request bodies of definitions, filters, catalog, alert/case actions and flap settings.
import { CATALOG_KINDS, CASE_STATUSES, FILTER_KINDS } from '../core/signals/types';
import { DESCRIPTION_MAX, IDENTIFIER_MAX, NAME_MAX, SIGNAL_EXPRESSION_MAX } from '../limits';
import { Enum, Nullable, Type } from './builders';

const name = Type.String({ minLength: 1, maxLength: NAME_MAX });
const externalId = Type.String({ minLength: 1, maxLength: IDENTIFIER_MAX, description: 'unique across definitions; signal instances attach by raw.externalId (+ raw.variant)' });
const optionalText = Type.Optional(Nullable(Type.String({ maxLength: NAME_MAX })));
/** Every field a definition takes; create requires name and external_id, update any one field. */
const definitionFields = {
  name: Type.Optional(name),
  description: Type.Optional(Type.String({ maxLength: DESCRIPTION_MAX })),
  variant: Type.Optional(Nullable(Type.String({ maxLength: IDENTIFIER_MAX }))),
  owner: optionalText,
  external_id: Type.Optional(externalId),
  conversation_target: optionalText,
  create_case: Type.Optional(Type.Boolean({ description: 'default true; false makes the definition contextual (alerts, no case)' })),
  enabled: Type.Optional(Type.Boolean()),
  auto_resolve_after_s: Type.Optional(Nullable(Type.Integer({ minimum: 1 }), { description: 'resolve an open alert with no new event for this long' })),
};

export const definitionCreateSchema = Type.Object({
  ...definitionFields,
  name,
  external_id: externalId,
}, { title: 'SignalDefinitionCreate', additionalProperties: false });

export const definitionUpdateSchema = Type.Object(definitionFields, { title: 'SignalDefinitionUpdate', additionalProperties: false, minProperties: 1 });

export const filterCreateSchema = Type.Object({
  kind: Enum(FILTER_KINDS),
  name,
  expression: Type.String({ minLength: 1, maxLength: SIGNAL_EXPRESSION_MAX, description: 'JSONata over the event; deduplicate: the group value, snooze: truthy = snoozed' }),
  window_s: Type.Optional(Nullable(Type.Integer({ minimum: 1 }), { description: 'deduplicate: join an alert seen this recently' })),
  until: Type.Optional(Nullable(Type.String(), { description: 'snooze: ISO 8601 end time' })),
}, { title: 'SignalFilterCreate', additionalProperties: false });

export const catalogCreateSchema = Type.Object({
  kind: Enum(CATALOG_KINDS),
  name,
  slug: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', 'x-message': 'may contain only lowercase letters, digits and - (starting with a letter or digit, at most 63)', description: 'defaults to the slugified name; tags use <kind>:<slug>' })),
}, { title: 'CatalogComponentCreate', additionalProperties: false });

export const caseStatusSchema = Type.Object({
  status: Enum(CASE_STATUSES),
}, { title: 'CaseStatusChange', additionalProperties: false });

export const flapSettingsSchema = Type.Object({
  max_transitions: Type.Integer({ minimum: 1, maximum: 1000 }),
  window_s: Type.Integer({ minimum: 1, maximum: 86400 * 7 }),
}, { title: 'FlapSettings', additionalProperties: false });
