// Splunk HTTP Event Collector: JSON envelopes (one, an array, or back to back, as Splunk
// documents the batch form) or raw lines of text. One event per envelope; the envelope is
// the event's raw. Problems are numbered as Splunk numbers them (code, invalid-event-number).
// Field names follow what SIEMs put in `event` (Armor/QRadar offenses: offenseId,
// offenseStatus, documentType, eventName, ...) and what loggers send (`message`).
import { IDEMPOTENCY_KEY_MAX, MAX_EVENTS_PER_REQUEST, SUMMARY_CUT } from '../../limits';
import { splunkHecEnvelopeSchema } from '../../schemas/ingest';
import { validate } from '../../schemas/validate';
import type { IngestContext, IngestOutcome } from './types';
import { parseJsonSequence } from '../json-body';
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
  const named = firstText(event.title, event.summary, event.eventName, event.message);
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

/** Why a HEC request is refused, with Splunk's code and the number of the first bad event. */
export interface HecProblem {
  code: 5 | 6 | 12 | 13;
  errors: string[];
  invalidEventNumber?: number;
}

export type HecEnvelopes = { ok: true; envelopes: unknown[] } | { ok: false; problem: HecProblem };

/** Metadata of a raw request (Splunk takes it from the query string). */
export interface HecRawMeta {
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
}

const NO_DATA: HecProblem = { code: 5, errors: ['body: no data; send at least one event'] };

/** The envelopes of a JSON body: top-level values back to back; an array stands for its items. */
export function hecEventBody(bytes: Uint8Array): HecEnvelopes {
  const parsed = parseJsonSequence(bytes);
  const envelopes = parsed.values.flatMap((v) => (Array.isArray(v) ? v : [v]));
  if (!parsed.ok) return { ok: false, problem: { code: 6, errors: parsed.errors, invalidEventNumber: envelopes.length } };
  return envelopes.length === 0 ? { ok: false, problem: NO_DATA } : { ok: true, envelopes };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The envelopes of a raw body: one per non-blank line, each with the request's metadata. */
export function hecRawBody(bytes: Uint8Array, meta: HecRawMeta): HecEnvelopes {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, problem: { code: 6, errors: ['body: is not valid UTF-8'], invalidEventNumber: 0 } };
  }
  const given = Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined));
  const envelopes = text.split(/\r?\n|\r/).filter((line) => line.trim() !== '').map((line) => ({ ...given, event: line }));
  return envelopes.length === 0 ? { ok: false, problem: NO_DATA } : { ok: true, envelopes };
}

function isBlank(event: unknown): boolean {
  return event === '' || (isObject(event) && Object.keys(event).length === 0);
}

/**
 * Every problem of the envelopes; the code and number are those of the first bad one, as
 * Splunk answers: 12 when `event` is missing, 13 when it is blank, 6 for anything else.
 */
export function checkHecEnvelopes(envelopes: unknown[]): HecProblem | null {
  if (envelopes.length === 0) return NO_DATA;
  if (envelopes.length > MAX_EVENTS_PER_REQUEST) {
    return { code: 6, errors: [`body: ${envelopes.length} events; at most ${MAX_EVENTS_PER_REQUEST} in one request`] };
  }
  let first: Omit<HecProblem, 'errors'> | null = null;
  const errors: string[] = [];
  for (let i = 0; i < envelopes.length; i++) {
    const envelope = envelopes[i];
    const found = validate(splunkHecEnvelopeSchema, envelope, envelopes.length > 1 ? `[${i}]` : undefined);
    if (found.length === 0) continue;
    errors.push(...found);
    const event = isObject(envelope) ? envelope.event : undefined;
    first ??= { code: isObject(envelope) && event == null ? 12 : isBlank(event) ? 13 : 6, invalidEventNumber: i };
  }
  return first ? { ...first, errors } : null;
}

/** One envelope or an array of them (a JSON body split by hecEventBody, a raw body, a sample). */
export function normalizeSplunkHec(body: unknown, ctx: IngestContext): IngestOutcome {
  const envelopes = Array.isArray(body) ? body : [body];
  const problem = checkHecEnvelopes(envelopes);
  if (problem) return { ok: false, errors: problem.errors };
  return { ok: true, events: (envelopes as HecEnvelope[]).map((e) => eventOf(e, ctx)) };
}
