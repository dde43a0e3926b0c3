// Splunk HTTP Event Collector (POST /services/collector/event): one envelope, an array,
// or envelopes back to back (json-body joins those into an array). One event per envelope;
// the envelope is the event's raw. Field names follow what SIEMs put in `event`
// (Armor/QRadar offenses: offenseId, offenseStatus, documentType, eventName, ...).
import { IDEMPOTENCY_KEY_MAX, SUMMARY_CUT } from '../../limits';
import { splunkHecBatchSchema, splunkHecEnvelopeSchema } from '../../schemas/ingest';
import { validate } from '../../schemas/validate';
import type { IngestContext, IngestOutcome } from '../ingest';
import {
  buildEvent, charLength, epochSecondsToIso, firstText, isObject, parseStatus, severityFromWord, stringArray, truncateChars,
  type JsonObject,
} from '../normalize';
import type { EventType, NormalizedEvent, Severity } from '../types';

interface HecEnvelope {
  time?: number | string;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  event: JsonObject | string;
  fields?: JsonObject;
}

/** The 0–10 scale of QRadar-style severities; fractions round to the nearest step. */
export function severityFromScale(value: number): Severity {
  if (!Number.isFinite(value) || value < 0 || value > 10) return 'pending';
  const n = Math.round(value);
  if (n === 0) return 'informational';
  if (n <= 3) return 'low';
  if (n <= 6) return 'medium';
  if (n <= 8) return 'high';
  return 'critical';
}

function severityOf(value: unknown): Severity {
  if (typeof value === 'number') return severityFromScale(value);
  if (typeof value === 'string' && /^\d+(?:\.\d+)?$/.test(value)) return severityFromScale(Number(value));
  return severityFromWord(value);
}

/**
 * Kept simple on purpose: an OFFENSE_DETECTION document is a detection; an offense of type
 * Incident, or one carrying an incidentId without being a Detection, is an incident;
 * everything else is a plain security event.
 */
export function eventTypeOf(event: JsonObject): EventType {
  if (typeof event.documentType === 'string' && event.documentType.startsWith('OFFENSE_DETECTION')) return 'security_detection';
  if (event.offenseType === 'Incident') return 'security_incident';
  if (event.incidentId != null && event.offenseType !== 'Detection') return 'security_incident';
  return 'security_event';
}

function titleAndBody(envelope: HecEnvelope): { title: string; body: string } {
  const { event } = envelope;
  if (typeof event === 'string') {
    // A line of text: its start is the title; a longer line is kept whole as the body.
    return { title: truncateChars(event, SUMMARY_CUT), body: charLength(event) > SUMMARY_CUT ? event : '' };
  }
  const payload = firstText(event.payload) ?? '';
  const named = firstText(event.title, event.summary, event.eventName);
  const description = firstText(event.description);
  if (named) return { title: named, body: description ?? payload };
  if (description) return { title: description, body: payload };
  return { title: firstText(event.correlationDescription, envelope.sourcetype) ?? 'Splunk event', body: payload };
}

function idempotencyKeyOf(envelope: HecEnvelope, event: JsonObject | null): string | null {
  const given = firstText(envelope.fields?.idempotency_key, event?.idempotency_key);
  if (given) return given;
  const offense = event?.offenseId;
  if (typeof offense !== 'string' && typeof offense !== 'number') return null;
  const key = `offense:${offense}`;
  return key.length <= IDEMPOTENCY_KEY_MAX ? key : null;
}

function eventOf(envelope: HecEnvelope, ctx: IngestContext): NormalizedEvent {
  const event = isObject(envelope.event) ? envelope.event : null;
  const tags = [
    ...(stringArray(event?.tags) ?? []),
    ...(['sourcetype', 'index', 'host'] as const).filter((k) => envelope[k]).map((k) => `${k}:${envelope[k]}`),
  ];
  return buildEvent(ctx, {
    dialect: 'splunk_hec',
    raw: envelope,
    ...titleAndBody(envelope),
    severity: event ? severityOf(event.severity) : 'pending',
    status: (event && (parseStatus(event.status) ?? parseStatus(event.offenseStatus))) ?? 'OPEN',
    occurred_at: epochSecondsToIso(envelope.time) ?? undefined,
    idempotency_key: idempotencyKeyOf(envelope, event),
    event_type: event ? eventTypeOf(event) : 'security_event',
    tags,
  });
}

export function normalizeSplunkHec(body: unknown, ctx: IngestContext): IngestOutcome {
  const batch = Array.isArray(body);
  const errors = validate(batch ? splunkHecBatchSchema : splunkHecEnvelopeSchema, body);
  if (errors.length > 0) return { ok: false, errors };
  const envelopes = (batch ? body : [body]) as HecEnvelope[];
  return { ok: true, events: envelopes.map((e) => eventOf(e, ctx)) };
}
