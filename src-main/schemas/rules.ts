// Request bodies of notification rules: create, update and dry run.
import { DIALECTS, EVENT_TYPES, PRIORITIES, SEVERITIES, STATUSES } from '../core/types';
import { IDENTIFIER_MAX, NAME_MAX, RULE_ACTIONS_MAX, RULE_DRY_RUN_EVENTS_MAX, TAG_LENGTH_MAX, TAGS_MAX, TITLE_MAX } from '../limits';

const enumList = (values: readonly string[]) => ({ type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...values] } });
const stringList = (maxLength: number, maxItems: number) => ({
  type: 'array',
  minItems: 1,
  maxItems,
  uniqueItems: true,
  items: { type: 'string', minLength: 1, maxLength },
});

const conditions = {
  type: 'object',
  additionalProperties: false,
  description: 'every given condition must hold; within a list any value matches; {} matches every event',
  properties: {
    severity: enumList(SEVERITIES),
    priority: enumList(PRIORITIES),
    status: enumList(STATUSES),
    source: { ...stringList(IDENTIFIER_MAX, 200), description: 'source id, or dialect name for events without a configured source' },
    dialect: enumList(DIALECTS),
    definition_id: stringList(IDENTIFIER_MAX, 500),
    tags_any: { ...stringList(TAG_LENGTH_MAX, TAGS_MAX), description: 'the event carries at least one of these tags' },
    event_type: enumList(EVENT_TYPES),
    text: { type: 'string', minLength: 1, maxLength: TITLE_MAX, description: 'case-insensitive substring of title or body' },
  },
};

// One branch per action type; `type` is required everywhere so oneOf picks exactly one.
const action = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'destination_id'],
      properties: { type: { const: 'destination' }, destination_id: { type: 'string', minLength: 1, maxLength: IDENTIFIER_MAX } },
    },
    { type: 'object', additionalProperties: false, required: ['type'], properties: { type: { const: 'in_app' } } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'to'],
      properties: { type: { const: 'email' }, to: { type: 'string', format: 'email' } },
    },
  ],
};

const ruleFields = {
  name: { type: 'string', minLength: 1, maxLength: NAME_MAX },
  enabled: { type: 'boolean' },
  conditions,
  actions: { type: 'array', minItems: 1, maxItems: RULE_ACTIONS_MAX, items: action },
};

export const ruleCreateSchema = {
  title: 'RuleCreate',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'actions'],
  properties: ruleFields,
};

export const ruleUpdateSchema = {
  title: 'RuleUpdate',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { ...ruleFields, conditions: { ...conditions, description: 'replaces every condition of the rule' } },
};

export const ruleDryRunSchema = {
  title: 'RuleDryRun',
  type: 'object',
  additionalProperties: false,
  required: ['rule'],
  properties: {
    rule: ruleCreateSchema,
    last: { type: 'integer', minimum: 1, maximum: RULE_DRY_RUN_EVENTS_MAX, default: 100, description: 'how many of the latest events to evaluate' },
  },
};
