// Notification rules (PRODUCT.md §5): each condition kind, AND/OR semantics, org isolation,
// config operations and their errors, dry runs, and the request schemas.
import { describe, expect, it } from 'vitest';
import { LimitError, NotFoundError, ValidationError } from '../../src-main/core/errors';
import {
  createRule,
  deleteRule,
  dryRun,
  emptyRulesConfig,
  explainMatch,
  getRule,
  listRules,
  matches,
  matchingRules,
  updateRule,
  type Rule,
  type RuleConditions,
  type RuleInput,
  type RulesConfig,
} from '../../src-main/core/rules';
import { ruleCreateSchema, ruleDryRunSchema, ruleUpdateSchema } from '../../src-main/schemas/rules';
import { validate } from '../../src-main/schemas/validate';
import { RULE_DRY_RUN_EVENTS_MAX, RULES_MAX } from '../../src-main/limits';
import { normalizedEvent } from '../helpers/ingest-fixtures';

const ORG = 'org-1';
const OTHER = 'org-2';
const NOW = new Date('2026-03-01T12:00:00.000Z');
const LATER = new Date('2026-03-02T08:00:00.000Z');
const DEPS = { destinationIds: ['dst-1', 'dst-2'] };

const event = normalizedEvent({
  id: 'evt-1',
  organization: ORG,
  source: 'src-42',
  dialect: 'alertmanager',
  title: 'Disk FULL on db-1',
  body: 'the /var partition reached 98%',
  severity: 'high',
  priority: 'MEDIUM',
  status: 'OPEN',
  tags: ['env:prod', 'team:storage'],
  event_type: 'security_detection',
  definition_id: 'def-7',
});

const ruleWith = (conditions: RuleConditions): Pick<Rule, 'conditions'> => ({ conditions });

function config(...inputs: Partial<RuleInput>[]): RulesConfig {
  const c = emptyRulesConfig();
  for (const i of inputs) createRule(c, ORG, { name: 'r', actions: [{ type: 'in_app' }], ...i }, DEPS, NOW);
  return c;
}

function errorsOf(fn: () => unknown): { type: string; errors: string[] } {
  try {
    fn();
  } catch (e) {
    return { type: (e as Error).name, errors: (e as ValidationError).errors };
  }
  throw new Error('expected an error');
}

describe('matches: each condition kind', () => {
  const cases: [string, RuleConditions, RuleConditions][] = [
    ['severity', { severity: ['high'] }, { severity: ['low'] }],
    ['priority', { priority: ['MEDIUM'] }, { priority: ['HIGH'] }],
    ['status', { status: ['OPEN'] }, { status: ['CLOSED'] }],
    ['source (source id)', { source: ['src-42'] }, { source: ['src-9'] }],
    ['dialect', { dialect: ['alertmanager'] }, { dialect: ['generic'] }],
    ['definition_id', { definition_id: ['def-7'] }, { definition_id: ['def-8'] }],
    ['tags_any', { tags_any: ['team:storage'] }, { tags_any: ['team:network'] }],
    ['event_type', { event_type: ['security_detection'] }, { event_type: ['security_incident'] }],
    ['text in title, any case', { text: 'disk full' }, { text: 'memory' }],
    ['text in body', { text: '/VAR partition' }, { text: '/home' }],
  ];
  for (const [name, hit, miss] of cases) {
    it(`${name}: holds and fails`, () => {
      expect(matches(ruleWith(hit), event)).toBe(true);
      expect(matches(ruleWith(miss), event)).toBe(false);
    });
  }

  it('source matches the dialect name of an event without a configured source', () => {
    const plain = normalizedEvent({ source: 'generic', dialect: 'generic' });
    expect(matches(ruleWith({ source: ['generic'] }), plain)).toBe(true);
  });

  it('definition_id never matches an event without a definition', () => {
    expect(matches(ruleWith({ definition_id: ['def-7'] }), normalizedEvent({ definition_id: null }))).toBe(false);
  });

  it('tags_any fails on an event without tags', () => {
    expect(matches(ruleWith({ tags_any: ['env:prod'] }), normalizedEvent({ tags: [] }))).toBe(false);
  });
});

describe('matches: semantics', () => {
  it('any value within a list matches (OR)', () => {
    expect(matches(ruleWith({ severity: ['low', 'high'] }), event)).toBe(true);
    expect(matches(ruleWith({ tags_any: ['nope', 'env:prod'] }), event)).toBe(true);
  });

  it('every given condition must hold (AND)', () => {
    expect(matches(ruleWith({ severity: ['high'], status: ['OPEN'], text: 'disk' }), event)).toBe(true);
    expect(matches(ruleWith({ severity: ['high'], status: ['CLOSED'], text: 'disk' }), event)).toBe(false);
  });

  it('empty conditions, empty lists and empty text match everything', () => {
    expect(matches(ruleWith({}), event)).toBe(true);
    expect(matches(ruleWith({ severity: [], text: '' }), event)).toBe(true);
  });
});

describe('explainMatch', () => {
  it('says which conditions held and which failed', () => {
    const lines = explainMatch(ruleWith({ severity: ['high', 'critical'], status: ['CLOSED'], tags_any: ['env:dev'], text: 'disk' }), event);
    expect(lines).toEqual([
      'held: severity is "high", wanted any of "high", "critical"',
      'failed: status is "OPEN", wanted any of "CLOSED"',
      'failed: tags is "env:prod", "team:storage", wanted any of "env:dev"',
      'held: text "disk" found in title or body',
    ]);
  });

  it('explains an empty rule and missing values', () => {
    expect(explainMatch(ruleWith({}), event)).toEqual(['held: no conditions, every event matches']);
    expect(explainMatch(ruleWith({ definition_id: ['d'] }), normalizedEvent())).toEqual(['failed: definition_id is none, wanted any of "d"']);
    expect(explainMatch(ruleWith({ tags_any: ['x'] }), normalizedEvent())).toEqual(['failed: tags is no tags, wanted any of "x"']);
  });
});

describe('matchingRules', () => {
  it('keeps enabled rules of the event organization whose conditions hold, in order', () => {
    const c = config({ name: 'a' }, { name: 'disabled', enabled: false }, { name: 'miss', conditions: { severity: ['low'] } }, { name: 'b', conditions: { text: 'disk' } });
    createRule(c, OTHER, { name: 'other org', actions: [{ type: 'in_app' }] }, DEPS, NOW);
    expect(matchingRules(c.rules, event).map((r) => r.name)).toEqual(['a', 'b']);
    expect(matchingRules(c.rules, { ...event, organization: OTHER }).map((r) => r.name)).toEqual(['other org']);
  });
});

describe('createRule', () => {
  it('stores a rule with defaults and normalized conditions', () => {
    const c = emptyRulesConfig();
    const r = createRule(
      c,
      ORG,
      { name: ' Prod disks ', conditions: { severity: ['high', 'high'], status: [], text: '' }, actions: [{ type: 'destination', destination_id: 'dst-1' }] },
      DEPS,
      NOW,
    );
    expect(r).toMatchObject({ organization: ORG, name: 'Prod disks', enabled: true, conditions: { severity: ['high'] }, created_at: NOW.toISOString(), updated_at: NOW.toISOString() });
    expect(r.conditions).not.toHaveProperty('status');
    expect(r.conditions).not.toHaveProperty('text');
    expect(c.rules).toEqual([r]);
  });

  it('refuses an unknown destination, no action, a bad e-mail and a blank name, listing every problem', () => {
    const c = emptyRulesConfig();
    expect(errorsOf(() => createRule(c, ORG, { name: 'x', actions: [{ type: 'in_app' }, { type: 'destination', destination_id: 'gone' }] }, DEPS, NOW))).toEqual({
      type: 'ValidationError',
      errors: ['actions[1].destination_id: no destination "gone"'],
    });
    expect(errorsOf(() => createRule(c, ORG, { name: ' ', actions: [] }, DEPS, NOW)).errors).toEqual(['name: is required', 'actions: at least one action is required']);
    expect(errorsOf(() => createRule(c, ORG, { name: 'x', actions: [{ type: 'email', to: 'nobody' }] }, DEPS, NOW)).errors).toEqual([
      'actions[0].to: is not a valid e-mail address',
    ]);
    expect(c.rules).toEqual([]);
  });

  it(`allows ${RULES_MAX} rules per organization, then a LimitError; other organizations are not counted`, () => {
    const c = emptyRulesConfig();
    for (let i = 0; i < RULES_MAX; i++) createRule(c, ORG, { name: `r${i}`, actions: [{ type: 'in_app' }] }, DEPS, NOW);
    expect(() => createRule(c, ORG, { name: 'one more', actions: [{ type: 'in_app' }] }, DEPS, NOW)).toThrow(LimitError);
    expect(createRule(c, OTHER, { name: 'fine', actions: [{ type: 'in_app' }] }, DEPS, NOW).organization).toBe(OTHER);
  });
});

describe('getRule, listRules, updateRule, deleteRule', () => {
  it('lists and gets only within the organization', () => {
    const c = config({ name: 'mine' });
    const theirs = createRule(c, OTHER, { name: 'theirs', actions: [{ type: 'in_app' }] }, DEPS, NOW);
    expect(listRules(c, ORG).map((r) => r.name)).toEqual(['mine']);
    expect(() => getRule(c, ORG, theirs.id)).toThrow(NotFoundError);
    expect(errorsOf(() => getRule(c, ORG, 'nope')).errors).toEqual(['id: no rule "nope"']);
  });

  it('applies given fields only; conditions are replaced, not merged', () => {
    const c = config({ name: 'r', conditions: { severity: ['high'], text: 'disk' } });
    const id = c.rules[0].id;
    const r = updateRule(c, ORG, id, { enabled: false, conditions: { status: ['OPEN'] } }, DEPS, LATER);
    expect(r).toMatchObject({ name: 'r', enabled: false, conditions: { status: ['OPEN'] }, created_at: NOW.toISOString(), updated_at: LATER.toISOString() });
    expect(r.conditions).toEqual({ status: ['OPEN'] });
    expect(getRule(c, ORG, id)).toBe(r);
  });

  it('refuses a bad update and leaves the rule unchanged', () => {
    const c = config({ name: 'r' });
    const before = structuredClone(c.rules[0]);
    expect(errorsOf(() => updateRule(c, ORG, before.id, { name: 'new', actions: [{ type: 'destination', destination_id: 'gone' }] }, DEPS, LATER))).toEqual({
      type: 'ValidationError',
      errors: ['actions[0].destination_id: no destination "gone"'],
    });
    expect(() => updateRule(c, ORG, before.id, { actions: [] }, DEPS, LATER)).toThrow(ValidationError);
    expect(c.rules[0]).toEqual(before);
    expect(() => updateRule(c, OTHER, before.id, { name: 'x' }, DEPS, LATER)).toThrow(NotFoundError);
  });

  it('re-checks kept actions whose destination was deleted', () => {
    const c = config({ actions: [{ type: 'destination', destination_id: 'dst-2' }] });
    expect(errorsOf(() => updateRule(c, ORG, c.rules[0].id, { name: 'renamed' }, { destinationIds: ['dst-1'] }, LATER)).errors).toEqual([
      'actions[0].destination_id: no destination "dst-2"',
    ]);
  });

  it('deletes within the organization only', () => {
    const c = config({ name: 'a' }, { name: 'b' });
    const [a, b] = c.rules;
    expect(() => deleteRule(c, OTHER, a.id)).toThrow(NotFoundError);
    deleteRule(c, ORG, a.id);
    expect(c.rules).toEqual([b]);
    expect(() => deleteRule(c, ORG, a.id)).toThrow(NotFoundError);
  });
});

describe('dryRun', () => {
  it('evaluates every event and lists the matches with readable actions', () => {
    const events = [
      event,
      normalizedEvent({ id: 'evt-2', title: 'CPU high', severity: 'high', received_at: '2026-03-01T12:05:00.000Z' }),
      normalizedEvent({ id: 'evt-3', title: 'Disk full again', severity: 'low' }),
    ];
    const rule = {
      enabled: false, // a dry run tests the conditions whatever the rule's state
      conditions: { severity: ['high' as const] },
      actions: [{ type: 'destination' as const, destination_id: 'dst-1' }, { type: 'in_app' as const }, { type: 'email' as const, to: 'ops@example.com' }],
    };
    expect(dryRun(rule, events, { 'dst-1': 'Ops webhook' })).toEqual({
      evaluated: 3,
      matched: [
        { event_id: 'evt-1', title: 'Disk FULL on db-1', received_at: '2026-03-01T12:00:00.000Z', actions: ['destination "Ops webhook"', 'in-app notification', 'e-mail to ops@example.com'] },
        { event_id: 'evt-2', title: 'CPU high', received_at: '2026-03-01T12:05:00.000Z', actions: ['destination "Ops webhook"', 'in-app notification', 'e-mail to ops@example.com'] },
      ],
    });
  });

  it('names an unknown destination by its id and handles no events', () => {
    expect(dryRun({ actions: [{ type: 'destination', destination_id: 'dst-9' }] }, [event], {}).matched[0].actions).toEqual(['destination "dst-9"']);
    expect(dryRun({ actions: [{ type: 'in_app' }] }, [], {})).toEqual({ evaluated: 0, matched: [] });
  });
});

describe('schemas', () => {
  const good = {
    name: 'Prod',
    conditions: { severity: ['high'], source: ['src-1'], tags_any: ['env:prod'], text: 'disk' },
    actions: [{ type: 'destination', destination_id: 'dst-1' }, { type: 'in_app' }, { type: 'email', to: 'a@example.com' }],
  };

  it('accepts a full rule, an update of one field and a dry run', () => {
    expect(validate(ruleCreateSchema, good)).toEqual([]);
    expect(validate(ruleUpdateSchema, { enabled: false })).toEqual([]);
    expect(validate(ruleDryRunSchema, { rule: good, last: 1000 })).toEqual([]);
    expect(validate(ruleDryRunSchema, { rule: good })).toEqual([]);
  });

  it('refuses unknown fields, bad enums, empty actions, bad action shapes and bad `last`', () => {
    expect(validate(ruleCreateSchema, { ...good, extra: 1 })).not.toEqual([]);
    expect(validate(ruleCreateSchema, { ...good, conditions: { severity: ['huge'] } })).not.toEqual([]);
    expect(validate(ruleCreateSchema, { ...good, conditions: { colour: ['red'] } })).not.toEqual([]);
    expect(validate(ruleCreateSchema, { ...good, actions: [] })).not.toEqual([]);
    expect(validate(ruleCreateSchema, { ...good, actions: [{ type: 'in_app', to: 'a@example.com' }] })).not.toEqual([]);
    expect(validate(ruleCreateSchema, { ...good, actions: [{ type: 'email', to: 'nope' }] })).not.toEqual([]);
    expect(validate(ruleUpdateSchema, {})).not.toEqual([]);
    expect(validate(ruleDryRunSchema, { rule: good, last: 0 })).not.toEqual([]);
    expect(validate(ruleDryRunSchema, { rule: good, last: RULE_DRY_RUN_EVENTS_MAX + 1 })).toEqual([`last: must be <= ${RULE_DRY_RUN_EVENTS_MAX}`]);
    expect(validate(ruleDryRunSchema, { rule: good, last: RULE_DRY_RUN_EVENTS_MAX })).toEqual([]);
    expect(validate(ruleDryRunSchema, { last: 5 })).not.toEqual([]);
  });
});
