// Request bodies of notification rules: create, update and dry run.
import { DIALECTS, EVENT_TYPES, PRIORITIES, SEVERITIES, STATUSES } from '../core/types';
import { IDENTIFIER_MAX, NAME_MAX, RULE_ACTIONS_MAX, RULE_DRY_RUN_EVENTS_MAX, TAG_LENGTH_MAX, TAGS_MAX, TITLE_MAX } from '../limits';
import { Const, Enum, OneOf, Type } from './builders';

const enumList = <const T extends readonly string[]>(values: T) => Type.Array(Enum(values), { minItems: 1, uniqueItems: true });
const stringList = (maxLength: number, maxItems: number, description?: string) => Type.Array(Type.String({ minLength: 1, maxLength }), {
  minItems: 1,
  maxItems,
  uniqueItems: true,
  ...(description ? { description } : {}),
});

const conditionFields = {
  severity: Type.Optional(enumList(SEVERITIES)),
  priority: Type.Optional(enumList(PRIORITIES)),
  status: Type.Optional(enumList(STATUSES)),
  source: Type.Optional(stringList(IDENTIFIER_MAX, 200, 'source id, or dialect name for events without a configured source')),
  dialect: Type.Optional(enumList(DIALECTS)),
  definition_id: Type.Optional(stringList(IDENTIFIER_MAX, 500)),
  tags_any: Type.Optional(stringList(TAG_LENGTH_MAX, TAGS_MAX, 'the event carries at least one of these tags')),
  event_type: Type.Optional(enumList(EVENT_TYPES)),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: TITLE_MAX, description: 'case-insensitive substring of title or body' })),
};
const conditions = (description: string) => Type.Object(conditionFields, { additionalProperties: false, description });

// One branch per action type; `type` is required everywhere so oneOf picks exactly one.
const action = OneOf([
  Type.Object({ type: Const('destination'), destination_id: Type.String({ minLength: 1, maxLength: IDENTIFIER_MAX }) }, { additionalProperties: false }),
  Type.Object({ type: Const('in_app') }, { additionalProperties: false }),
  Type.Object({ type: Const('email'), to: Type.String({ format: 'email' }) }, { additionalProperties: false }),
]);

const ruleFields = {
  name: Type.String({ minLength: 1, maxLength: NAME_MAX }),
  enabled: Type.Optional(Type.Boolean()),
  conditions: Type.Optional(conditions('every given condition must hold; within a list any value matches; {} matches every event')),
  actions: Type.Array(action, { minItems: 1, maxItems: RULE_ACTIONS_MAX }),
};

export const ruleCreateSchema = Type.Object(ruleFields, { title: 'RuleCreate', additionalProperties: false });

export const ruleUpdateSchema = Type.Object({
  name: Type.Optional(ruleFields.name),
  enabled: ruleFields.enabled,
  conditions: Type.Optional(conditions('replaces every condition of the rule')),
  actions: Type.Optional(ruleFields.actions),
}, { title: 'RuleUpdate', additionalProperties: false, minProperties: 1 });

export const ruleDryRunSchema = Type.Object({
  rule: ruleCreateSchema,
  last: Type.Optional(Type.Integer({ minimum: 1, maximum: RULE_DRY_RUN_EVENTS_MAX, default: 100, description: 'how many of the latest events to evaluate' })),
}, { title: 'RuleDryRun', additionalProperties: false });
