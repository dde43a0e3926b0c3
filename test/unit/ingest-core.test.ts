// The entry point across dialects: header checks, exact-retry keys, system annotations,
// configured sources, and what never ends up in a stored event.
import { describe, expect, it } from 'vitest';
import { ingest, type IngestContext } from '../../src-main/core/ingest';
import { DIALECTS, type Dialect, type RequestMeta, type SourceRecord } from '../../src-main/core/types';
import { IDEMPOTENCY_HEADER_MAX } from '../../src-main/limits';
import { accepted, ingestContext, requestMeta } from '../helpers/ingest-fixtures';

const request = (over: Partial<RequestMeta> = {}) => requestMeta({ path: '/v1/ingest/event', user_agent: 'curl/8.5', content_length: 64, ...over });

const source = (dialect: Dialect, transposer: string | null = null): SourceRecord => ({
  id: 'src-7', organization: 'org-1', name: 'Edge Firewall', slug: 'edge-firewall', dialect, transposer,
  token_hash: 'hash', token_prefix: 'syh_abcd', auto_resolve_after_s: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
});

const context = (over: Partial<IngestContext> = {}) => ingestContext({ request: request(), ...over });

/** One valid body per dialect. */
const VALID: Record<Dialect, unknown> = {
  generic: { title: 't' },
  signal_instance: { project: 'p', raw: { name: 'n' } },
  event: { summary: 's' },
  alertmanager: { alerts: [{ status: 'firing' }] },
  splunk_hec: { event: 'e' },
  custom: { anything: 's' },
};

describe('ingest', () => {
  it('accepts a valid body of every dialect, tagging events with the dialect', async () => {
    for (const dialect of DIALECTS) {
      const ctx = dialect === 'custom' ? context({ source: source('custom', '{ "summary": anything }') }) : context();
      const events = accepted(await ingest(dialect, VALID[dialect], ctx));
      expect(events.map((e) => e.dialect), dialect).toEqual([dialect]);
    }
  });

  it('refuses a non-object body in every dialect with a root error', async () => {
    for (const dialect of DIALECTS.filter((d) => d !== 'custom')) {
      expect(await ingest(dialect, 42, context()), dialect).toEqual({ ok: false, errors: ['body: must be an object'] });
    }
  });

  it('makes the Idempotency-Key header the dedup key', async () => {
    const [e] = accepted(await ingest('event', { summary: 's' }, context({ request: request({ idempotency_key: 'retry-1' }) })));
    expect(e.dedup_key).toBe('header:retry-1');
    const [none] = accepted(await ingest('event', { summary: 's' }, context()));
    expect(none.dedup_key).toBeNull();
  });

  it('numbers the dedup keys of a batch', async () => {
    const events = accepted(await ingest('splunk_hec', [{ event: 'a' }, { event: 'b' }, { event: 'c' }], context({ request: request({ idempotency_key: 'k' }) })));
    expect(events.map((e) => e.dedup_key)).toEqual(['header:k', 'header:k#1', 'header:k#2']);
  });

  it(`refuses an Idempotency-Key header over ${IDEMPOTENCY_HEADER_MAX} characters, with the body's problems`, async () => {
    const long = request({ idempotency_key: 'k'.repeat(IDEMPOTENCY_HEADER_MAX + 1) });
    expect(await ingest('event', { summary: 's' }, context({ request: long }))).toEqual({ ok: false, errors: ['Idempotency-Key: longer than 255 characters'] });
    expect(await ingest('event', {}, context({ request: long }))).toEqual({ ok: false, errors: ['Idempotency-Key: longer than 255 characters', 'summary: is required'] });
    const edge = request({ idempotency_key: 'k'.repeat(IDEMPOTENCY_HEADER_MAX) });
    expect(accepted(await ingest('event', { summary: 's' }, context({ request: edge })))[0].dedup_key).toBe(`header:${'k'.repeat(IDEMPOTENCY_HEADER_MAX)}`);
  });

  it('records the route in via and the request metadata as given', async () => {
    const meta = request({ path: '/api/v1/default/signals/instances' });
    const [e] = accepted(await ingest('signal_instance', VALID.signal_instance, context({ request: meta })));
    expect(e.annotations['private.signals.firehydrant.com/via']).toBe('/api/v1/default/signals/instances');
    expect(e.request).toEqual(meta);
  });

  it('keeps a URL token out of the stored event', async () => {
    const token = 'syh_s3cr3t-token-value';
    const meta = request({ path: '/v1/hooks/{token}', auth: 'url_token', key_id: null });
    const body = { summary: 'via hook' };
    const [e] = accepted(await ingest('event', body, context({ source: source('event'), request: meta })));
    expect(e.annotations).toEqual({
      'private.signals.firehydrant.com/actor-source': 'integration',
      'private.signals.firehydrant.com/via': '/v1/hooks',
    });
    expect([e.source, e.source_name]).toEqual(['src-7', 'Edge Firewall']);
    expect(JSON.stringify(e)).not.toContain(token);
  });

  it('gives transposer annotations only to custom events', async () => {
    const transposed = accepted(await ingest('custom', { s: 'x' }, context({ source: source('custom', '{ "summary": s }') })))[0];
    expect(transposed.annotations).toEqual({
      'private.signals.firehydrant.com/actor-source': 'integration',
      'private.signals.firehydrant.com/via': '/v1/ingest/event',
      'signals.firehydrant.com/transposer-id': 'src-7',
      'signals.firehydrant.com/transposer-name': 'edge-firewall',
    });
    const generic = accepted(await ingest('generic', { title: 't' }, context({ source: source('generic') })))[0];
    expect(Object.keys(generic.annotations)).toEqual(['private.signals.firehydrant.com/actor-source', 'private.signals.firehydrant.com/via']);
  });

  it('draws ids from the generator in order', async () => {
    const events = accepted(await ingest('alertmanager', { alerts: [{ status: 'firing' }, { status: 'resolved' }] }, context()));
    expect(events.map((e) => e.id)).toEqual(['evt-1', 'evt-2']);
  });
});
