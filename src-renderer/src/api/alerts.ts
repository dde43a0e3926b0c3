// Alerts and their timelines; ack / resolve / dismiss (src-main/server/routes/signals.ts).
import type { Alert, AlertStatus, TimelineEntry } from '../../../src-main/core/signals/types';
import type { AlertEventView } from '../../../src-shared/alerts';
import { http, seg, type Page, type Query } from './client';

export type { AlertEventView };

// The records are the server's own types; the UI reads them as the API answers them.
export { ALERT_STATUSES, type Alert, type AlertStatus, type CatalogLink, type TimelineEntry } from '../../../src-main/core/signals/types';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational', 'pending'] as const;
export const ALERT_ACTIONS = ['ack', 'resolve', 'dismiss'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];
/** What a button says, and what it says once done. */
export const ACTION_LABEL: Record<AlertAction, string> = { ack: 'Acknowledge', resolve: 'Resolve', dismiss: 'Dismiss' };
export const ACTION_DONE: Record<AlertAction, string> = { ack: 'Acknowledged', resolve: 'Resolved', dismiss: 'Dismissed' };

export interface AlertFilters extends Query {
  status?: string;
  definition_id?: string;
  severity?: string;
  /** Substring of title, short id, id, idempotency key or tag. */
  text?: string;
}

export const alertApi = {
  list: (filters: AlertFilters, cursor?: string) => http.get<Page<Alert>>('/api/alerts', { ...filters, cursor }),
  get: (id: string) => http.get<Alert>(`/api/alerts/${seg(id)}`),
  act: (id: string, action: AlertAction) => http.post<Alert>(`/api/alerts/${seg(id)}/${action}`),
  /** The events its timeline names, by title and time, oldest first. */
  events: (id: string) => http.get<Page<AlertEventView>>(`/api/alerts/${seg(id)}/events`),
};

/** Which actions the server allows from a status (engine.ts ALERT_TRANSITIONS). */
export function allowedActions(status: AlertStatus): AlertAction[] {
  if (status === 'open') return ['ack', 'resolve', 'dismiss'];
  if (status === 'acknowledged') return ['resolve', 'dismiss'];
  return [];
}

/** The server's `text` filter (engine.ts listAlerts), for alerts that arrive on the stream. */
export function alertMatchesText(a: Alert, text: string): boolean {
  const t = text.toLowerCase();
  return [a.title, a.short_id, a.id, a.idempotency_key ?? '', ...a.tags].some((s) => s.toLowerCase().includes(t));
}

/** The distinct event ids a timeline names, oldest first. */
export function timelineEventIds(timeline: TimelineEntry[]): string[] {
  return [...new Set(timeline.flatMap((t) => (t.event_id ? [t.event_id] : [])))];
}
