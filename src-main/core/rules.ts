// Notification rules: conditions over an event → one or more actions (PRODUCT.md §5).
// Every given condition must hold (AND); within one list any value matches (OR);
// a rule without conditions matches every event of its organization.
import { randomUUID } from 'node:crypto';
import { NAME_MAX, RULE_ACTIONS_MAX, RULES_MAX } from '../limits';
import { LimitError, NotFoundError, ValidationError } from './errors';
import { isValidEmail } from './indicators';
import type { DryRunResult, Rule, RuleAction, RuleConditions, RuleInput, RulesConfig } from './rule-types';
import type { NormalizedEvent } from './types';

export type { DryRunResult, Rule, RuleAction, RuleConditions, RuleInput, RulesConfig };

export interface RuleShape {
  conditions?: RuleConditions;
  actions: RuleAction[];
}

export function emptyRulesConfig(): RulesConfig {
  return { rules: [] };
}

// ---------------------------------------------------------------- matching

const LIST_CONDITIONS = ['severity', 'priority', 'status', 'source', 'dialect', 'definition_id', 'tags_any', 'event_type'] as const;
type ListCondition = (typeof LIST_CONDITIONS)[number];

/** The event's values a list condition is compared with (tags are the only multi-valued one). */
function eventValues(key: ListCondition, event: NormalizedEvent): (string | null)[] {
  return key === 'tags_any' ? event.tags : [event[key]];
}

interface Check {
  held: boolean;
  line: string;
}

const quote = (v: string | null) => (v === null ? 'none' : `"${v}"`);

/** One check per given condition; empty lists and empty text count as "not given". */
function checks(conditions: RuleConditions | undefined, event: NormalizedEvent): Check[] {
  const out: Check[] = [];
  for (const key of LIST_CONDITIONS) {
    const wanted = conditions?.[key] as readonly string[] | undefined;
    if (!wanted?.length) continue;
    const values = eventValues(key, event);
    const held = values.some((v) => v !== null && wanted.includes(v));
    const actual = key === 'tags_any' ? (values.length ? values.map(quote).join(', ') : 'no tags') : quote(values[0]);
    const label = key === 'tags_any' ? 'tags' : key;
    out.push({ held, line: `${label} is ${actual}, wanted any of ${wanted.map((w) => `"${w}"`).join(', ')}` });
  }
  const text = conditions?.text;
  if (text) {
    const needle = text.toLowerCase();
    const held = event.title.toLowerCase().includes(needle) || event.body.toLowerCase().includes(needle);
    out.push({ held, line: `text "${text}" ${held ? 'found' : 'not found'} in title or body` });
  }
  return out;
}

export function matches(rule: Pick<RuleShape, 'conditions'>, event: NormalizedEvent): boolean {
  return checks(rule.conditions, event).every((c) => c.held);
}

/** Each condition, prefixed with whether it held, e.g. `failed: status is "CLOSED", wanted any of "OPEN"`. */
export function explainMatch(rule: Pick<RuleShape, 'conditions'>, event: NormalizedEvent): string[] {
  const all = checks(rule.conditions, event);
  if (!all.length) return ['held: no conditions, every event matches'];
  return all.map((c) => `${c.held ? 'held' : 'failed'}: ${c.line}`);
}

/** The enabled rules of the event's organization whose conditions hold, in configured order. */
export function matchingRules(rules: readonly Rule[], event: NormalizedEvent): Rule[] {
  return rules.filter((r) => r.enabled && r.organization === event.organization && matches(r, event));
}

// ---------------------------------------------------------------- config operations

/** Drops empty lists and empty text, so a stored rule only shows conditions that constrain. */
function normalizeConditions(c: RuleConditions | undefined): RuleConditions {
  const out: RuleConditions = {};
  for (const key of LIST_CONDITIONS) {
    const list = c?.[key];
    if (list?.length) (out as Record<string, unknown>)[key] = [...new Set<string>(list)];
  }
  if (c?.text) out.text = c.text;
  return out;
}

/** Every problem of a rule's name and actions, as "<field path>: <message>". */
export function checkRule(input: { name: string; actions: RuleAction[] }, destinationIds: readonly string[]): string[] {
  const errors: string[] = [];
  const name = input.name?.trim() ?? '';
  if (!name) errors.push('name: is required');
  else if (name.length > NAME_MAX) errors.push(`name: at most ${NAME_MAX} characters`);
  if (!input.actions?.length) errors.push('actions: at least one action is required');
  else if (input.actions.length > RULE_ACTIONS_MAX) errors.push(`actions: at most ${RULE_ACTIONS_MAX} actions`);
  (input.actions ?? []).forEach((a, i) => {
    if (a.type === 'destination' && !destinationIds.includes(a.destination_id)) {
      errors.push(`actions[${i}].destination_id: no destination "${a.destination_id}"`);
    } else if (a.type === 'email' && !isValidEmail(a.to ?? '')) {
      errors.push(`actions[${i}].to: is not a valid e-mail address`);
    }
  });
  return errors;
}

/** `destinationIds`: the organization's destinations, so a rule never points elsewhere. */
export function createRule(
  draft: RulesConfig,
  organization: string,
  input: RuleInput,
  deps: { destinationIds: readonly string[] },
  now: Date,
): Rule {
  if (draft.rules.filter((r) => r.organization === organization).length >= RULES_MAX) {
    throw new LimitError([`rules: at most ${RULES_MAX} per organization`]);
  }
  const errors = checkRule(input, deps.destinationIds);
  if (errors.length) throw new ValidationError(errors);
  const at = now.toISOString();
  const rule: Rule = {
    id: randomUUID(),
    organization,
    name: input.name.trim(),
    enabled: input.enabled ?? true,
    conditions: normalizeConditions(input.conditions),
    actions: input.actions.map((a) => ({ ...a })),
    created_at: at,
    updated_at: at,
  };
  draft.rules.push(rule);
  return rule;
}

export function getRule(config: Readonly<RulesConfig>, organization: string, id: string): Rule {
  const r = config.rules.find((x) => x.organization === organization && x.id === id);
  if (!r) throw new NotFoundError([`id: no rule "${id}"`]);
  return r;
}

export function listRules(config: Readonly<RulesConfig>, organization: string): Rule[] {
  return config.rules.filter((r) => r.organization === organization);
}

/** Applies the given fields only; `conditions`, when given, replaces the whole set (no merge). */
export function updateRule(
  draft: RulesConfig,
  organization: string,
  id: string,
  patch: Partial<RuleInput>,
  deps: { destinationIds: readonly string[] },
  now: Date,
): Rule {
  const rule = getRule(draft, organization, id);
  const next = {
    name: patch.name ?? rule.name,
    enabled: patch.enabled ?? rule.enabled,
    conditions: patch.conditions !== undefined ? normalizeConditions(patch.conditions) : rule.conditions,
    actions: patch.actions ?? rule.actions,
  };
  // Re-checks untouched actions too: a destination they point to may have been deleted since.
  const errors = checkRule(next, deps.destinationIds);
  if (errors.length) throw new ValidationError(errors);
  Object.assign(rule, next, { name: next.name.trim(), actions: next.actions.map((a) => ({ ...a })), updated_at: now.toISOString() });
  return rule;
}

export function deleteRule(draft: RulesConfig, organization: string, id: string): void {
  getRule(draft, organization, id);
  draft.rules = draft.rules.filter((r) => r.id !== id);
}

// ---------------------------------------------------------------- dry run

/** A readable action: 'destination "Ops webhook"', 'in-app notification', 'e-mail to x@y'. */
export function describeAction(action: RuleAction, destinationNames: Readonly<Record<string, string>>): string {
  switch (action.type) {
    case 'destination':
      return `destination "${destinationNames[action.destination_id] ?? action.destination_id}"`;
    case 'in_app':
      return 'in-app notification';
    case 'email':
      return `e-mail to ${action.to}`;
  }
}


/**
 * What the rule would have done over past events, in the order given. `enabled` is ignored
 * (a dry run tests a draft); the caller passes only the organization's events.
 */
export function dryRun(rule: RuleShape, events: readonly NormalizedEvent[], destinationNames: Readonly<Record<string, string>>): DryRunResult {
  const actions = rule.actions.map((a) => describeAction(a, destinationNames));
  const matched = events
    .filter((e) => matches(rule, e))
    .map((e) => ({ event_id: e.id, title: e.title, received_at: e.received_at, actions: [...actions] }));
  return { evaluated: events.length, matched };
}
