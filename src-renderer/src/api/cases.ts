// Cases (opened by definitions with create_case): new → triage → closed.
// Shapes: src-main/core/signals/types.ts and src-main/server/routes/signals.ts.
import type { Alert, CatalogLink, TimelineEntry } from './alerts';
import { http, seg, type Page, type Query } from './client';

export const CASE_STATUSES = ['new', 'triage', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface Case {
  id: string;
  short_id: string;
  organization: string;
  title: string;
  status: CaseStatus;
  conversation_target: string | null;
  definition_id: string;
  alert_ids: string[];
  catalog: CatalogLink[];
  created_at: string;
  updated_at: string;
  timeline: TimelineEntry[];
}

/** GET /api/cases/:id adds the linked alerts. */
export interface CaseDetail extends Case {
  alerts: Alert[];
}

export interface CaseFilters extends Query {
  status?: string;
  text?: string;
}

export const caseApi = {
  list: (filters: CaseFilters, cursor?: string) => http.get<Page<Case>>('/api/cases', { ...filters, cursor }),
  get: (id: string) => http.get<CaseDetail>(`/api/cases/${seg(id)}`),
  setStatus: (id: string, status: CaseStatus) => http.post<Case>(`/api/cases/${seg(id)}/status`, { status }),
};

/** The server's `text` filter (engine.ts listCases), for cases that arrive on the stream. */
export function caseMatchesText(c: Case, text: string): boolean {
  const t = text.toLowerCase();
  return [c.title, c.short_id, c.id].some((s) => s.toLowerCase().includes(t));
}

/** Where a case may go from its status (engine.ts CASE_TRANSITIONS: closed reopens into triage). */
export function nextStatuses(status: CaseStatus): CaseStatus[] {
  return { new: ['triage', 'closed'], triage: ['closed'], closed: ['triage'] }[status] as CaseStatus[];
}
