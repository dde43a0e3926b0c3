// Cases (opened by definitions with create_case): new → triage → closed.
// Routes: src-main/server/routes/signals.ts.
import type { Case, CaseStatus } from '../../../src-main/core/signals/types';
import type { CaseDetail } from '../../../src-shared/alerts';
import type { Static } from '../../../src-main/schemas/builders';
import type { caseStatusSchema } from '../../../src-main/schemas/signals';
import { http, seg, type Page, type Query } from './client';

export { CASE_STATUSES, type Case, type CaseStatus } from '../../../src-main/core/signals/types';

export type { CaseDetail } from '../../../src-shared/alerts';

export interface CaseFilters extends Query {
  status?: string;
  text?: string;
}

export const caseApi = {
  list: (filters: CaseFilters, cursor?: string) => http.get<Page<Case>>('/api/cases', { ...filters, cursor }),
  get: (id: string) => http.get<CaseDetail>(`/api/cases/${seg(id)}`),
  setStatus: (id: string, status: CaseStatus) => http.post<Case>(`/api/cases/${seg(id)}/status`, { status } satisfies Static<typeof caseStatusSchema>),
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
