// Calseta generic webhook (POST /v1/ingest/generic): title, severity, occurred_at,
// description, tags, source_rule_id and explicit indicators checked against their type.
import { INDICATOR_VALUE_MAX } from '../../limits';
import { genericSchema } from '../../schemas/ingest';
import { validate } from '../../schemas/validate';
import { isValidIndicator, type IndicatorCandidate } from '../indicators';
import type { IngestContext, IngestOutcome } from './types';
import { buildEvent, isObject, parseSeverity } from '../normalize';
import { parseTimestamp } from '../timestamps';
import { INDICATOR_TYPES, type IndicatorType } from '../types';

function isIndicatorType(value: unknown): value is IndicatorType {
  return (INDICATOR_TYPES as readonly unknown[]).includes(value);
}

interface GenericBody {
  title: string;
  severity?: string;
  occurred_at?: string;
  description?: string;
  tags?: string[];
  source_rule_id?: string;
  indicators?: IndicatorCandidate[];
}

/** Indicator values that do not fit their type; items the schema already refused are skipped. */
function indicatorErrors(body: unknown): string[] {
  if (!isObject(body) || !Array.isArray(body.indicators)) return [];
  const errors: string[] = [];
  body.indicators.forEach((item: unknown, i) => {
    if (!isObject(item) || typeof item.value !== 'string' || item.value === '' || item.value.length > INDICATOR_VALUE_MAX) return;
    // An unknown type is a schema error already; only judge values of known types.
    if (!isIndicatorType(item.type)) return;
    if (!isValidIndicator(item.type, item.value)) errors.push(`indicators[${i}].value: is not a valid ${item.type}`);
  });
  return errors;
}

export function normalizeGeneric(body: unknown, ctx: IngestContext): IngestOutcome {
  const errors = [...validate(genericSchema, body), ...indicatorErrors(body)];
  if (errors.length > 0) return { ok: false, errors };
  const b = body as GenericBody;
  const severity = parseSeverity(b.severity);
  return {
    ok: true,
    events: [buildEvent(ctx, {
      dialect: 'generic',
      raw: body,
      title: b.title,
      body: b.description ?? '',
      severity,
      status: 'OPEN',
      priority: 'HIGH',
      occurred_at: parseTimestamp(b.occurred_at) ?? undefined,
      tags: b.tags ?? [],
      source_rule_id: b.source_rule_id ?? null,
      explicitIndicators: (b.indicators ?? []).map(({ type, value }) => ({ type, value })),
    })],
  };
}
