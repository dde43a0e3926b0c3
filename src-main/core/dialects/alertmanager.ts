// Prometheus Alertmanager webhook, version 4 (POST /v1/ingest/alertmanager): one event per
// alert. Fingerprint (else the sorted label set) is the idempotency key, so a resolved
// notification closes the alert its firing one opened.
import { createHash } from 'node:crypto';
import { IDEMPOTENCY_KEY_MAX } from '../../limits';
import { alertmanagerSchema } from '../../schemas/ingest';
import { validate } from '../../schemas/validate';
import type { IngestContext, IngestOutcome } from '../ingest';
import { buildEvent, firstText, parseTimestamp, severityFromWord } from '../normalize';
import type { NormalizedEvent } from '../types';

type StringMap = Record<string, string>;

interface AlertmanagerAlert {
  status: 'firing' | 'resolved';
  labels?: StringMap;
  annotations?: StringMap;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
  fingerprint?: string;
}

interface AlertmanagerBody {
  alerts: AlertmanagerAlert[];
  [field: string]: unknown;
}

function sortedEntries(map: StringMap): [string, string][] {
  return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The label set as a key: `k=v` sorted and joined by `,`; hashed when longer than a key may be. */
export function labelSetKey(labels: StringMap): string | null {
  const entries = sortedEntries(labels);
  if (entries.length === 0) return null;
  const joined = entries.map(([k, v]) => `${k}=${v}`).join(',');
  if (joined.length <= IDEMPOTENCY_KEY_MAX) return joined;
  return `labels-sha256:${createHash('sha256').update(joined).digest('hex')}`;
}

/** Alertmanager sends the zero time (0001-01-01T00:00:00Z) for "not set". */
function alertTime(value: string | undefined): string | undefined {
  const iso = parseTimestamp(value);
  return iso && !iso.startsWith('0001-01-01') ? iso : undefined;
}

function eventOf(alert: AlertmanagerAlert, header: Record<string, unknown>, ctx: IngestContext): NormalizedEvent {
  const labels = alert.labels ?? {};
  const annotations = alert.annotations ?? {};
  const started = alertTime(alert.startsAt);
  return buildEvent(ctx, {
    dialect: 'alertmanager',
    // The group's fields with just this alert: a valid one-alert webhook, bounded in size.
    raw: { ...header, alerts: [alert] },
    title: firstText(annotations.summary, annotations.title, labels.alertname) ?? 'Alertmanager alert',
    body: firstText(annotations.description, annotations.message) ?? '',
    severity: severityFromWord(labels.severity),
    status: alert.status === 'resolved' ? 'CLOSED' : 'OPEN',
    occurred_at: alert.status === 'resolved' ? alertTime(alert.endsAt) ?? started : started,
    idempotency_key: firstText(alert.fingerprint) ?? labelSetKey(labels),
    tags: sortedEntries(labels).map(([k, v]) => `${k}:${v}`),
    annotations,
    links: alert.generatorURL ? [{ href: alert.generatorURL, text: 'Source' }] : [],
  });
}

export function normalizeAlertmanager(body: unknown, ctx: IngestContext): IngestOutcome {
  const errors = validate(alertmanagerSchema, body);
  if (errors.length > 0) return { ok: false, errors };
  const { alerts, ...header } = body as AlertmanagerBody;
  return { ok: true, events: alerts.map((alert) => eventOf(alert, header, ctx)) };
}
