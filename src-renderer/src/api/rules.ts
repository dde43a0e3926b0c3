// Notification rules and their dry run. Records: src-main/core/rule-types.ts; bodies: schemas/rules.ts.
import type { DryRunResult, Rule, RuleInput } from '../../../src-main/core/rule-types';
import type { Static } from '../../../src-main/schemas/builders';
import type { ruleDryRunSchema } from '../../../src-main/schemas/rules';
import { http, seg, type Page } from './client';

// The records and the dry run's answer are the server's own types (core/rule-types.ts).
export type { DryRunResult, Rule, RuleAction, RuleConditions, RuleInput } from '../../../src-main/core/rule-types';
export { DIALECTS, PRIORITIES, SEVERITIES, STATUSES } from '../../../src-main/core/types';
/** How many of the latest events a dry run may replay. */
export { RULE_DRY_RUN_EVENTS_MAX as DRY_RUN_MAX } from '../../../src-main/limits';

export const ruleApi = {
  list: () => http.get<Page<Rule>>('/api/rules'),
  create: (input: RuleInput) => http.post<Rule>('/api/rules', input),
  update: (id: string, input: Partial<RuleInput>) => http.patch<Rule>(`/api/rules/${seg(id)}`, input),
  remove: (id: string) => http.del(`/api/rules/${seg(id)}`),
  dryRun: (rule: RuleInput, last: number) => http.post<DryRunResult>('/api/rules/dry-run', { rule, last } satisfies Static<typeof ruleDryRunSchema>),
};
