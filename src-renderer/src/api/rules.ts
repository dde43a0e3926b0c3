// Notification rules and their dry run. Shapes: src-main/core/rules.ts, schemas/rules.ts.
import { http, seg, type Page } from './client';
import type { EventType } from './transform';

export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical', 'pending'] as const;
export const PRIORITIES = ['HIGH', 'MEDIUM', 'LOW'] as const;
export const STATUSES = ['OPEN', 'CLOSED'] as const;
export const DIALECTS = ['generic', 'signal_instance', 'event', 'alertmanager', 'splunk_hec', 'custom'] as const;
/** How many of the latest events a dry run may replay (schemas/rules.ts). */
export const DRY_RUN_MAX = 1000;

export interface RuleConditions {
  severity?: string[];
  priority?: string[];
  status?: string[];
  source?: string[];
  dialect?: string[];
  definition_id?: string[];
  tags_any?: string[];
  event_type?: EventType[];
  text?: string;
}

export type RuleAction = { type: 'destination'; destination_id: string } | { type: 'in_app' } | { type: 'email'; to: string };

export interface RuleInput {
  name: string;
  enabled?: boolean;
  conditions?: RuleConditions;
  actions: RuleAction[];
}

export interface Rule extends Required<RuleInput> {
  id: string;
  organization: string;
  created_at: string;
  updated_at: string;
}

export interface DryRunResult {
  evaluated: number;
  matched: { event_id: string; title: string; received_at: string; actions: string[] }[];
}

export const ruleApi = {
  list: () => http.get<Page<Rule>>('/api/rules'),
  create: (input: RuleInput) => http.post<Rule>('/api/rules', input),
  update: (id: string, input: Partial<RuleInput>) => http.patch<Rule>(`/api/rules/${seg(id)}`, input),
  remove: (id: string) => http.del(`/api/rules/${seg(id)}`),
  dryRun: (rule: RuleInput, last: number) => http.post<DryRunResult>('/api/rules/dry-run', { rule, last }),
};
