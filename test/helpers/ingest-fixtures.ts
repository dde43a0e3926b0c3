// Shared setup for the ingest, normalization and signals unit tests: request metadata,
// an ingest context with predictable ids, outcome unwrappers, the JSON fixtures, and
// a normalized event with every field at a plain default.
import { readFileSync } from 'node:fs';
import type { IngestContext, IngestOutcome } from '../../src-main/core/ingest';
import type { NormalizedEvent, RequestMeta } from '../../src-main/core/types';

/** Request metadata of an API-key POST; tests pass what differs (path, user agent, length…). */
export function requestMeta(over: Partial<RequestMeta> = {}): RequestMeta {
  return {
    method: 'POST', path: '/v1/ingest/event', remote_address: '127.0.0.1', user_agent: 'curl/8.5', content_length: 0,
    content_type: 'application/json', auth: 'api_key', key_id: 'key-1', idempotency_key: null, ...over,
  };
}

/** An ingest context in org-1 received at 2026-03-01T12:00Z; each context numbers its ids evt-1, evt-2, … */
export function ingestContext(over: Partial<IngestContext> = {}): IngestContext {
  let n = 0;
  return {
    organization: { id: 'org-1', slug: 'default', name: 'Default', parent_id: null, created_at: '2026-01-01T00:00:00.000Z' },
    source: null, receivedAt: new Date('2026-03-01T12:00:00.000Z'), request: requestMeta(), customMappings: [], newId: () => `evt-${++n}`, ...over,
  };
}

/** The events of an accepted outcome; throws with the errors of a refused one. */
export function accepted(outcome: IngestOutcome): NormalizedEvent[] {
  if (!outcome.ok) throw new Error(`refused: ${outcome.errors.join('; ')}`);
  return outcome.events;
}

/** The errors of a refused outcome, [] for an accepted one. */
export function refusals(outcome: IngestOutcome): string[] {
  return outcome.ok ? [] : outcome.errors;
}

/** A JSON file of test/fixtures, parsed. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
}

/** A normalized event-dialect event with every field at its plain default, then `over`. */
export function normalizedEvent(over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    schema_version: 1, id: 'evt-1', organization: 'org-1', project: null, source: 'event', source_name: 'event', dialect: 'event',
    received_at: '2026-03-01T12:00:00.000Z', occurred_at: '2026-03-01T12:00:00.000Z', title: 'untitled', body: '',
    severity: 'pending', level: 'INFO', status: 'OPEN', priority: 'HIGH', idempotency_key: null, tags: [], catalog: [],
    annotations: {}, images: [], links: [], attachments: [], indicators: [], event_type: 'security_event', external_id: null,
    variant: null, source_rule_id: null, definition_id: null, alert_id: null, dedup_key: null, raw: {}, request: requestMeta(),
    ...over,
  };
}
