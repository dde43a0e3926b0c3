// Alerts and their timelines; ack / resolve / dismiss. Shapes: src-main/core/signals/types.ts
// and src-main/server/routes/signals.ts.
import { http, seg, type Page, type Query } from './client';

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved', 'dismissed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'informational', 'pending'] as const;
export const ALERT_ACTIONS = ['ack', 'resolve', 'dismiss'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

export interface TimelineEntry {
  at: string;
  kind: string;
  /** The decision or action, readable (e.g. "Joined alert …: an open alert has idempotency key …"). */
  text: string;
  event_id: string | null;
  actor: string | null;
}

/** A catalog tag resolved against the catalog; id null = unknown slug (unlinked). */
export interface CatalogLink {
  kind: string;
  slug: string;
  id: string | null;
}

export interface Alert {
  id: string;
  short_id: string;
  organization: string;
  source?: string;
  idempotency_key: string | null;
  status: AlertStatus;
  title: string;
  severity: string;
  priority: string;
  first_seen: string;
  last_seen: string;
  event_count: number;
  definition_id: string | null;
  case_id: string | null;
  flapping: boolean;
  catalog: CatalogLink[];
  tags: string[];
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  timeline: TimelineEntry[];
}

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
