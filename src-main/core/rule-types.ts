// The records of notification rules and a dry run's answer: plain data, no runtime
// dependencies, so the UI reads the same types the server writes. Operations are in rules.ts.
import type { Dialect, EventType, Priority, Severity, Status } from './types';

export interface RuleConditions {
  severity?: Severity[];
  priority?: Priority[];
  status?: Status[];
  /** Compared with `event.source`: a configured source's id, else the dialect name. */
  source?: string[];
  dialect?: Dialect[];
  definition_id?: string[];
  /** The event carries at least one of these tags (exact match). */
  tags_any?: string[];
  event_type?: EventType[];
  /** Case-insensitive substring of the title or the body. */
  text?: string;
}

export type RuleAction = { type: 'destination'; destination_id: string } | { type: 'in_app' } | { type: 'email'; to: string };

export interface Rule {
  id: string;
  organization: string;
  name: string;
  enabled: boolean;
  conditions: RuleConditions;
  actions: RuleAction[];
  created_at: string;
  updated_at: string;
}

export interface RulesConfig {
  rules: Rule[];
}

export interface RuleInput {
  name: string;
  enabled?: boolean;
  conditions?: RuleConditions;
  actions: RuleAction[];
}

/** What matching and dry runs need: a stored rule or a not-yet-saved input both fit. */

export interface DryRunResult {
  evaluated: number;
  matched: { event_id: string; title: string; received_at: string; actions: string[] }[];
}
