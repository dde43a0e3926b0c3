// Request bodies of definitions, filters, catalog, alert/case actions and flap settings.
import { CATALOG_KINDS, CASE_STATUSES, FILTER_KINDS } from '../core/signals/types';
import { DESCRIPTION_MAX, IDENTIFIER_MAX, NAME_MAX, SIGNAL_EXPRESSION_MAX } from '../limits';

const name = { type: 'string', minLength: 1, maxLength: NAME_MAX };
const optionalText = { type: ['string', 'null'], maxLength: NAME_MAX };
const definitionFields = {
  name,
  description: { type: 'string', maxLength: DESCRIPTION_MAX },
  variant: { type: ['string', 'null'], maxLength: IDENTIFIER_MAX },
  owner: optionalText,
  external_id: { type: 'string', minLength: 1, maxLength: IDENTIFIER_MAX, description: 'unique across definitions; signal instances attach by raw.externalId (+ raw.variant)' },
  conversation_target: optionalText,
  create_case: { type: 'boolean', description: 'default true; false makes the definition contextual (alerts, no case)' },
  enabled: { type: 'boolean' },
  auto_resolve_after_s: { type: ['integer', 'null'], minimum: 1, description: 'resolve an open alert with no new event for this long' },
};

export const definitionCreateSchema = {
  title: 'SignalDefinitionCreate',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'external_id'],
  properties: definitionFields,
};

export const definitionUpdateSchema = {
  title: 'SignalDefinitionUpdate',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: definitionFields,
};

export const filterCreateSchema = {
  title: 'SignalFilterCreate',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name', 'expression'],
  properties: {
    kind: { enum: [...FILTER_KINDS] },
    name,
    expression: { type: 'string', minLength: 1, maxLength: SIGNAL_EXPRESSION_MAX, description: 'JSONata over the event; deduplicate: the group value, snooze: truthy = snoozed' },
    window_s: { type: ['integer', 'null'], minimum: 1, description: 'deduplicate: join an alert seen this recently' },
    until: { type: ['string', 'null'], description: 'snooze: ISO 8601 end time' },
  },
};

export const catalogCreateSchema = {
  title: 'CatalogComponentCreate',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name'],
  properties: {
    kind: { enum: [...CATALOG_KINDS] },
    name,
    slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$', 'x-message': 'may contain only lowercase letters, digits and - (starting with a letter or digit, at most 63)', description: 'defaults to the slugified name; tags use <kind>:<slug>' },
  },
};

export const caseStatusSchema = {
  title: 'CaseStatusChange',
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: { status: { enum: [...CASE_STATUSES] } },
};

export const flapSettingsSchema = {
  title: 'FlapSettings',
  type: 'object',
  additionalProperties: false,
  required: ['max_transitions', 'window_s'],
  properties: {
    max_transitions: { type: 'integer', minimum: 1, maximum: 1000 },
    window_s: { type: 'integer', minimum: 1, maximum: 86400 * 7 },
  },
};
