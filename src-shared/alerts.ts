// Answers of the alert and case routes beyond the records themselves (src-main/core/signals/types.ts).
// Types only.
import type { Alert, Case } from '../src-main/core/signals/types';
import type { Severity } from '../src-main/core/types';

/** GET /api/cases/{id}: the case with its linked alerts. */
export interface CaseDetail extends Case {
  alerts: Alert[];
}

/** An event an alert's timeline names, as GET /api/alerts/{id}/events lists it. */
export interface AlertEventView {
  id: string;
  title: string;
  received_at: string;
  severity: Severity;
  source_name: string;
}
