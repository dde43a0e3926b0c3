// Request bodies of the transform config (Armor "Detections Transform Config", the shape of
// test/fixtures/transform-config.json) and of tag store entries.
import { EVENT_TYPE_SPELLINGS, KEY_PATH_MESSAGE, KEY_PATH_SOURCE, TRANSFORM_FORMATS, TRANSFORM_OP_TYPES, type TransformOp } from '../core/transform/types';
import {
  NAME_MAX, TAG_KEY_MAX, TAG_VALUE_MAX, TRANSFORM_KEY_MAX, TRANSFORM_LABELS_MAX, TRANSFORM_OPS_MAX, TRANSFORM_VALUE_MAX,
} from '../limits';
import { Enum, Type } from './builders';

const keyPath = Type.String({
  minLength: 1,
  maxLength: TRANSFORM_KEY_MAX,
  pattern: KEY_PATH_SOURCE,
  'x-message': KEY_PATH_MESSAGE,
  description: 'a field name, or a bracket path: `[event].provider_id` = event.provider_id (in splunk format, keys address the HEC envelope)',
});
const value = { type: 'string', maxLength: TRANSFORM_VALUE_MAX } as const;

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

/**
 * One operation. TypeBox has no type for if/then, so its type is core's TransformOp: the
 * per-type value rules above are what make a valid operation one of its branches.
 */
const op = Type.Unsafe<TransformOp>({
  type: 'object',
  additionalProperties: false,
  required: ['type', 'key'],
  properties: { type: Enum(TRANSFORM_OP_TYPES), key: keyPath, value: {} },
  allOf: opValueRules,
});

export const transformBodySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: NAME_MAX }),
  format: Enum(TRANSFORM_FORMATS),
  event_type: Type.Array(Enum(EVENT_TYPE_SPELLINGS), {
    minItems: 1,
    description: 'the spaced spellings (`security event`) are stored with underscores',
  }),
  default_label: Type.Optional(Type.Array(
    Type.Object({ key: keyPath, value: Type.String({ maxLength: TRANSFORM_VALUE_MAX }) }, { additionalProperties: false }),
    { maxItems: TRANSFORM_LABELS_MAX },
  )),
  transform: Type.Optional(Type.Array(op, { maxItems: TRANSFORM_OPS_MAX })),
}, {
  title: 'TransformConfig',
  description: 'one per organization; applied to every record of the subscribed event types',
  additionalProperties: false,
});

export const tagEntrySchema = Type.Object({
  key: Type.String({ minLength: 1, maxLength: TAG_KEY_MAX, pattern: '^[A-Za-z0-9_.:@$-]*$', 'x-message': 'may contain only letters, digits and _ . : @ $ -', description: 'letters, digits and _ . : @ $ -' }),
  value: Type.String({ maxLength: TAG_VALUE_MAX }),
}, {
  title: 'TagStoreEntry',
  description: 'a value that transform templates reach as {{key}}',
  additionalProperties: false,
});
