// Request bodies of the transform config (Armor "Detections Transform Config", the shape of
// test/fixtures/transform-config.json) and of tag store entries.
import { EVENT_TYPE_SPELLINGS, KEY_PATH_MESSAGE, KEY_PATH_SOURCE, TRANSFORM_FORMATS, TRANSFORM_OP_TYPES } from '../core/transform/types';
import {
  NAME_MAX, TAG_KEY_MAX, TAG_VALUE_MAX, TRANSFORM_KEY_MAX, TRANSFORM_LABELS_MAX, TRANSFORM_OPS_MAX, TRANSFORM_VALUE_MAX,
} from '../limits';

const keyPath = {
  type: 'string',
  minLength: 1,
  maxLength: TRANSFORM_KEY_MAX,
  pattern: KEY_PATH_SOURCE,
  'x-message': KEY_PATH_MESSAGE,
  description: 'a field name, or a bracket path: `[event].provider_id` = event.provider_id (in splunk format, keys address the HEC envelope)',
};
const value = { type: 'string', maxLength: TRANSFORM_VALUE_MAX };

/** `if` picks the operation by its type; the matching `then` says what its value must be. */
const opValueRules = [
  {
    if: { required: ['type'], properties: { type: { const: 'add_dynamic_tag' } } },
    then: { required: ['value'], properties: { value: { ...value, minLength: 1, description: 'template: {{name}} from the tag store, then the record' } } },
  },
  {
    if: { required: ['type'], properties: { type: { const: 'remove_dynamic_tag' } } },
    then: { properties: { value: { type: 'null' } } },
  },
  {
    if: { required: ['type'], properties: { type: { const: 'add_log_search_url' } } },
    then: { required: ['value'], properties: { value: { ...keyPath, description: 'the record field whose value goes into the search URL' } } },
  },
];

export const transformBodySchema = {
  title: 'TransformConfig',
  description: 'one per organization; applied to every record of the subscribed event types',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'format', 'event_type'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: NAME_MAX },
    format: { enum: [...TRANSFORM_FORMATS] },
    event_type: {
      type: 'array',
      minItems: 1,
      items: { enum: [...EVENT_TYPE_SPELLINGS] },
      description: 'the spaced spellings (`security event`) are stored with underscores',
    },
    default_label: {
      type: 'array',
      maxItems: TRANSFORM_LABELS_MAX,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'value'],
        properties: { key: keyPath, value },
      },
    },
    transform: {
      type: 'array',
      maxItems: TRANSFORM_OPS_MAX,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'key'],
        properties: { type: { enum: [...TRANSFORM_OP_TYPES] }, key: keyPath, value: {} },
        allOf: opValueRules,
      },
    },
  },
};

export const tagEntrySchema = {
  title: 'TagStoreEntry',
  description: 'a value that transform templates reach as {{key}}',
  type: 'object',
  additionalProperties: false,
  required: ['key', 'value'],
  properties: {
    key: { type: 'string', minLength: 1, maxLength: TAG_KEY_MAX, pattern: '^[A-Za-z0-9_.:@$-]*$', 'x-message': 'may contain only letters, digits and _ . : @ $ -', description: 'letters, digits and _ . : @ $ -' },
    value: { type: 'string', maxLength: TAG_VALUE_MAX },
  },
};
