// Answers of the alert routes beyond the alert record itself (src-main/core/signals/types.ts).
// Types only.
import type { Severity } from '../src-main/core/types';

/** An event an alert's timeline names, as GET /api/alerts/{id}/events lists it. */
export interface AlertEventView {
  id: string;
  title: string;
  received_at: string;
  severity: Severity;
  source_name: string;
}
