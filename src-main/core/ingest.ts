// The ingest core's entry point: one body of one dialect in, normalized events or every
// problem out. Pure apart from the transposer's clock: no I/O, no HTTP. The server reads
// and parses the body (json-body.ts), calls ingest(), stores what comes back.
import { IDEMPOTENCY_HEADER_MAX } from '../limits';
import { normalizeAlertmanager } from './dialects/alertmanager';
import { normalizeCustom } from './dialects/custom';
import { normalizeEvent } from './dialects/event';
import { normalizeGeneric } from './dialects/generic';
import { normalizeSignalInstance } from './dialects/signal-instance';
import { normalizeSplunkHec } from './dialects/splunk-hec';
import type { IngestContext, IngestOutcome } from './dialects/types';
import type { BatchItem, CustomIndicatorMapping, Dialect, NormalizedEvent, Organization, RequestMeta, SourceRecord } from './types';

export type { IngestContext, IngestOutcome };

export { checkTransposer, runTransposer } from './dialects/custom';

type Normalizer = (body: unknown, ctx: IngestContext) => IngestOutcome | Promise<IngestOutcome>;

const NORMALIZERS: Record<Dialect, Normalizer> = {
  generic: normalizeGeneric,
  signal_instance: normalizeSignalInstance,
  event: normalizeEvent,
  alertmanager: normalizeAlertmanager,
  splunk_hec: normalizeSplunkHec,
  custom: normalizeCustom,
};

function headerErrors(request: RequestMeta): string[] {
  const key = request.idempotency_key;
  return key !== null && key.length > IDEMPOTENCY_HEADER_MAX ? [`Idempotency-Key: longer than ${IDEMPOTENCY_HEADER_MAX} characters`] : [];
}

/**
 * The Idempotency-Key header makes a request an exact retry of an earlier one: item 0 gets
 * `header:<key>`, item i of a batch `header:<key>#<i>`. A dialect's own key (a signal
 * instance id) wins, because it already names the event.
 */
function applyHeaderKey(events: NormalizedEvent[], key: string | null): void {
  if (!key) return;
  events.forEach((event, i) => {
    if (event.dedup_key === null) event.dedup_key = i === 0 ? `header:${key}` : `header:${key}#${i}`;
  });
}

/**
 * Where item i of a batch request sits, for the inspector: in the request body and in the
 * stored raw (an Alertmanager event keeps the group's fields with only its own alert; a HEC
 * event keeps its envelope; a custom event keeps the whole body). Null: not a batch.
 */
function batchItem(dialect: Dialect, body: unknown, index: number, count: number): BatchItem | null {
  switch (dialect) {
    case 'alertmanager':
      return { index, count, in_request: `alerts[${index}]`, in_raw: ['alerts', 0] };
    case 'splunk_hec':
      // The HEC endpoints hand every body over as a list of envelopes; one envelope is no batch.
      return count > 1 ? { index, count, in_request: `[${index}]`, in_raw: [] } : null;
    case 'custom':
      if (count < 2) return null;
      // A transposer that maps an array body item by item keeps the order; otherwise no single item of the body is this event.
      return { index, count, in_request: `transposer output[${index}]`, in_raw: Array.isArray(body) && body.length === count ? [index] : null };
    default:
      return null;
  }
}

function markBatch(events: NormalizedEvent[], dialect: Dialect, body: unknown): void {
  events.forEach((event, i) => {
    const batch = batchItem(dialect, body, i, events.length);
    if (batch) event.request = { ...event.request, batch };
  });
}

export async function ingest(dialect: Dialect, body: unknown, ctx: IngestContext): Promise<IngestOutcome> {
  const header = headerErrors(ctx.request);
  const outcome = await NORMALIZERS[dialect](body, ctx);
  if (!outcome.ok) return { ok: false, errors: [...header, ...outcome.errors] };
  if (header.length > 0) return { ok: false, errors: header };
  applyHeaderKey(outcome.events, ctx.request.idempotency_key);
  markBatch(outcome.events, dialect, body);
  return outcome;
}
