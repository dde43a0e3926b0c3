// Prometheus Alertmanager webhook, version 4 (POST /v1/ingest/alertmanager): one event per
// alert. Fingerprint (else the sorted label set) is the idempotency key, so a resolved
// notification closes the alert its firing one opened.
// Alertmanager drops a whole group on any 4xx, resolves included, so nothing here refuses a
// well-formed group for its size or counts: over-long values are cut with a visible mark.
import { createHash } from 'node:crypto';
import { ALERTMANAGER_ANNOTATION_VALUE_MAX, ALERTMANAGER_LABEL_VALUE_MAX, ALERTMANAGER_URL_MAX, IDEMPOTENCY_KEY_MAX } from '../../limits';
import { alertmanagerSchema } from '../../schemas/ingest';
import { validate } from '../../schemas/validate';
import type { IngestContext, IngestOutcome } from './types';
import { buildEvent, cutWithMark, firstText, severityFromWord } from '../normalize';
import { parseTimestamp } from '../timestamps';
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

/** The group's fields this dialect reads or cuts; the others (version, status, …) pass through as received. */
interface Header {
  groupKey?: string;
  receiver?: string;
  externalURL?: string;
  groupLabels?: StringMap;
  commonLabels?: StringMap;
  commonAnnotations?: StringMap;
}

interface AlertmanagerBody extends Header {
  alerts: AlertmanagerAlert[];
}

function cutValues(map: StringMap | undefined, max: number): StringMap | undefined {
  if (!map) return map;
  let out: StringMap | undefined;
  for (const [k, v] of Object.entries(map)) {
    const cut = cutWithMark(v, max);
    if (cut !== v) (out ??= { ...map })[k] = cut;
  }
  return out ?? map;
}

function cutText(value: string | undefined, max: number): string | undefined {
  return value === undefined ? value : cutWithMark(value, max);
}

function fitAlert(alert: AlertmanagerAlert): AlertmanagerAlert {
  return {
    ...alert,
    ...(alert.labels ? { labels: cutValues(alert.labels, ALERTMANAGER_LABEL_VALUE_MAX) } : {}),
    ...(alert.annotations ? { annotations: cutValues(alert.annotations, ALERTMANAGER_ANNOTATION_VALUE_MAX) } : {}),
    ...(alert.generatorURL !== undefined ? { generatorURL: cutText(alert.generatorURL, ALERTMANAGER_URL_MAX) } : {}),
  };
}

function fitHeader(header: Header): Header {
  const out: Header = { ...header };
  if (header.groupKey !== undefined) out.groupKey = cutText(header.groupKey, ALERTMANAGER_LABEL_VALUE_MAX);
  if (header.receiver !== undefined) out.receiver = cutText(header.receiver, ALERTMANAGER_LABEL_VALUE_MAX);
  if (header.externalURL !== undefined) out.externalURL = cutText(header.externalURL, ALERTMANAGER_URL_MAX);
  for (const field of ['groupLabels', 'commonLabels'] as const) if (header[field]) out[field] = cutValues(header[field], ALERTMANAGER_LABEL_VALUE_MAX);
  if (header.commonAnnotations) out.commonAnnotations = cutValues(header.commonAnnotations, ALERTMANAGER_ANNOTATION_VALUE_MAX);
  return out;
}

/** The entries of a group-wide map this alert really has: all of them from Alertmanager itself. */
function sharedWith(common: StringMap | undefined, own: StringMap | undefined): StringMap | undefined {
  if (!common) return common;
  return Object.fromEntries(Object.entries(common).filter(([k, v]) => own?.[k] === v));
}

/**
 * Each event keeps the group's fields with just its alert: a valid one-alert webhook. The
 * group-wide maps keep only what the alert shares, so a crafted group cannot make every one
 * of its alerts store a copy of a large map it does not have.
 */
function rawOf(header: Header, alert: AlertmanagerAlert): Record<string, unknown> {
  const raw: Record<string, unknown> = { ...header, alerts: [alert] };
  if (header.groupLabels) raw.groupLabels = sharedWith(header.groupLabels, alert.labels);
  if (header.commonLabels) raw.commonLabels = sharedWith(header.commonLabels, alert.labels);
  if (header.commonAnnotations) raw.commonAnnotations = sharedWith(header.commonAnnotations, alert.annotations);
  return raw;
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

function eventOf(received: AlertmanagerAlert, header: Header, ctx: IngestContext): NormalizedEvent {
  const alert = fitAlert(received);
  const labels = alert.labels ?? {};
  const annotations = alert.annotations ?? {};
  const started = alertTime(alert.startsAt);
  return buildEvent(ctx, {
    dialect: 'alertmanager',
    raw: rawOf(header, alert),
    title: firstText(annotations.summary, annotations.title, labels.alertname) ?? 'Alertmanager alert',
    body: firstText(annotations.description, annotations.message) ?? '',
    severity: severityFromWord(labels.severity),
    status: alert.status === 'resolved' ? 'CLOSED' : 'OPEN',
    occurred_at: alert.status === 'resolved' ? alertTime(alert.endsAt) ?? started : started,
    // The label set as received: two alerts differing only past a cut stay two alerts.
    idempotency_key: firstText(alert.fingerprint) ?? labelSetKey(received.labels ?? {}),
    tags: sortedEntries(labels).map(([k, v]) => `${k}:${v}`),
    annotations,
    links: alert.generatorURL ? [{ href: alert.generatorURL, text: 'Source' }] : [],
  });
}

export function normalizeAlertmanager(body: unknown, ctx: IngestContext): IngestOutcome {
  const errors = validate(alertmanagerSchema, body);
  if (errors.length > 0) return { ok: false, errors };
  const { alerts, ...header } = body as AlertmanagerBody;
  const fitted = fitHeader(header);
  return { ok: true, events: alerts.map((alert) => eventOf(alert, fitted, ctx)) };
}
