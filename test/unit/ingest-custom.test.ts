// Custom sources: JSONata transposers to the event model, compile checks, guarded evaluation.
import { describe, expect, it } from 'vitest';
import { eventModelsOf } from '../../src-main/core/dialects/custom';
import { checkTransposer, ingest, runTransposer, type IngestContext } from '../../src-main/core/ingest';
import type { CustomIndicatorMapping, SourceRecord } from '../../src-main/core/types';
import { MAX_EVENTS_PER_REQUEST, TRANSPOSER_MAX, TRANSPOSER_SEQUENCE_MAX, TRANSPOSER_TIMEOUT_MS } from '../../src-main/limits';
import { accepted, ingestContext, refusals, requestMeta } from '../helpers/ingest-fixtures';

const TRANSPOSER = '{ "summary": alert.name, "body": alert.text, "level": alert.sev, "status": "OPEN", "idempotency_key": alert.id, "tags": ["team:" & team] }';
const sample = { alert: { name: 'Disk full', text: '/var at 99% on 10.20.30.40', sev: 'warn', id: 'disk-1', host_ip: '10.9.9.9' }, team: 'infra' };

const source = (transposer: string | null = TRANSPOSER): SourceRecord => ({
  id: 'src-42', organization: 'org-1', name: 'Acme Monitor', slug: 'acme-monitor', dialect: 'custom', transposer,
  token_hash: null, token_prefix: null, auto_resolve_after_s: null, created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z',
});

const request = requestMeta({ path: '/v1/ingest/custom/acme-monitor', user_agent: 'acme/1.0', content_length: 120 });
const context = (over: Partial<IngestContext> = {}) => ingestContext({ source: source(), request, ...over });
const withTransposer = (transposer: string, over: Partial<IngestContext> = {}) => context({ source: source(transposer), ...over });
const errorsOf = async (transposer: string, body: unknown = sample) => refusals(await ingest('custom', body, withTransposer(transposer)));

describe('custom dialect', () => {
  it('maps any JSON through the transposer and normalizes it like an event, field by field', async () => {
    const mapping: CustomIndicatorMapping = { id: 'm1', organization: 'org-1', path: 'alert.host_ip', type: 'ip', created_at: '2026-01-01T00:00:00.000Z' };
    expect(accepted(await ingest('custom', sample, context({ customMappings: [mapping] })))).toEqual([{
      schema_version: 1,
      id: 'evt-1',
      organization: 'org-1',
      project: null,
      source: 'src-42',
      source_name: 'Acme Monitor',
      dialect: 'custom',
      received_at: '2026-03-01T12:00:00.000Z',
      occurred_at: '2026-03-01T12:00:00.000Z',
      title: 'Disk full',
      body: '/var at 99% on 10.20.30.40',
      severity: 'medium',
      level: 'WARN',
      status: 'OPEN',
      priority: 'HIGH',
      idempotency_key: 'disk-1',
      tags: ['team:infra'],
      catalog: [],
      annotations: {
        'private.signals.firehydrant.com/actor-source': 'integration',
        'private.signals.firehydrant.com/via': '/v1/ingest/custom/acme-monitor',
        'signals.firehydrant.com/transposer-id': 'src-42',
        'signals.firehydrant.com/transposer-name': 'acme-monitor',
      },
      images: [],
      links: [],
      attachments: [],
      indicators: [
        { type: 'ip', value: '10.9.9.9', found_by: ['custom'] },
        { type: 'ip', value: '10.20.30.40', found_by: ['pattern'] },
      ],
      event_type: 'security_event',
      external_id: null,
      variant: null,
      source_rule_id: null,
      definition_id: null,
      alert_id: null,
      dedup_key: null,
      raw: sample,
      request,
    }]);
  });

  it('applies the event rules to the output: summary cut, private annotations, priority', async () => {
    const [e] = accepted(await ingest('custom', { n: 'N'.repeat(260) }, withTransposer(
      '{ "summary": n, "annotations": { "private.signals.firehydrant.com/actor-source": "forged", "signals.firehydrant.com/notification-priority": "medium" } }',
    )));
    expect([e.title, e.body, e.priority]).toEqual(['N'.repeat(250) + '...', 'N'.repeat(10), 'MEDIUM']);
    expect(e.annotations).toEqual({
      'signals.firehydrant.com/notification-priority': 'medium',
      'private.signals.firehydrant.com/actor-source': 'integration',
      'private.signals.firehydrant.com/via': '/v1/ingest/custom/acme-monitor',
      'signals.firehydrant.com/transposer-id': 'src-42',
      'signals.firehydrant.com/transposer-name': 'acme-monitor',
    });
  });

  it('turns an array output into several events, each keeping the original body as raw', async () => {
    const ctx = withTransposer('items.{ "summary": name, "status": state }', { request: { ...request, idempotency_key: 'h1' } });
    const body = { items: [{ name: 'a', state: 0 }, { name: 'b', state: 1 }] };
    const events = accepted(await ingest('custom', body, ctx));
    expect(events.map((e) => [e.title, e.status, e.dedup_key, e.raw])).toEqual([['a', 'OPEN', 'header:h1', body], ['b', 'CLOSED', 'header:h1#1', body]]);
  });

  it('counts null fields of the output as absent', async () => {
    const [e] = accepted(await ingest('custom', { alert: { name: 'x', text: null, sev: null } }, context()));
    expect([e.body, e.level, e.severity, e.idempotency_key, e.tags]).toEqual(['', 'INFO', 'pending', null, ['team:']]);
  });

  it('validates the output with the event schema, prefixing problems', async () => {
    expect(await errorsOf('{ "body": alert.text, "level": "loud" }')).toEqual([
      'transposer output: summary: is required',
      'transposer output: level: must be one of INFO, WARN, ERROR, FATAL, 0, 1, 2, 3',
    ]);
    expect(await errorsOf('[{ "summary": "ok" }, { "level": 9 }, "text"]')).toEqual([
      'transposer output[1]: summary: is required',
      'transposer output[1]: level: must be one of INFO, WARN, ERROR, FATAL, 0, 1, 2, 3',
      'transposer output[2]: must be an object',
    ]);
    expect(await errorsOf('nothing.here')).toEqual(['transposer output: produced nothing; it must be an event object or an array of them']);
    expect(await errorsOf('[]')).toEqual(['transposer output: produced an empty array; it must be an event object or an array of them']);
    expect(await errorsOf('"a string"')).toEqual(['transposer output: must be an object']);
    expect(eventModelsOf(Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, () => ({ summary: 's' })))).toEqual({
      ok: false, errors: [`transposer output: more than ${MAX_EVENTS_PER_REQUEST} events`],
    });
  });

  it('reports a runtime error of the transposer', async () => {
    expect(await errorsOf('alert.name / 2')).toEqual(['transposer: The left side of the "/" operator must evaluate to a number (at position 12)']);
    expect(await errorsOf('$error("no mapping for this alert")')).toEqual(['transposer: no mapping for this alert (at position 7)']);
  });

  it(`cuts an endless transposer off after ${TRANSPOSER_TIMEOUT_MS} ms`, async () => {
    const started = Date.now();
    expect(await errorsOf('($f := function($n) { $f($n + 1) }; $f(0))')).toEqual([
      `transposer: Evaluation timeout after ${TRANSPOSER_TIMEOUT_MS} milliseconds. Check for infinite loop`,
    ]);
    expect(Date.now() - started).toBeLessThan(TRANSPOSER_TIMEOUT_MS * 4);
  });

  it('refuses sequences too long to build', async () => {
    expect(await errorsOf(`$count([1..${TRANSPOSER_SEQUENCE_MAX + 1}])`)).toEqual([
      `transposer: The maximum sequence length of ${TRANSPOSER_SEQUENCE_MAX + 1} was exceeded. (at position 11)`,
    ]);
  });

  it('needs a transposer on the source', async () => {
    const outcome = await ingest('custom', sample, context({ source: source(null) }));
    expect(outcome).toEqual({ ok: false, errors: ['transposer: this source has no transposer'] });
    expect(await ingest('custom', sample, context({ source: null }))).toEqual({ ok: false, errors: ['transposer: this source has no transposer'] });
  });
});

describe('checkTransposer', () => {
  it('accepts an expression that compiles', () => {
    expect(checkTransposer(TRANSPOSER)).toEqual([]);
  });
  it('names the syntax error and its position', () => {
    expect(checkTransposer('{ "summary": ')).toEqual(['transposer: Expected "}" before end of expression (at position 13)']);
    expect(checkTransposer('"abc')).toEqual(['transposer: String literal must be terminated by a matching quote (at position 4)']);
  });
  it('refuses empty and oversized expressions', () => {
    expect(checkTransposer('  ')).toEqual(['transposer: is empty']);
    expect(checkTransposer(`"${'x'.repeat(TRANSPOSER_MAX)}"`)).toEqual([`transposer: longer than ${TRANSPOSER_MAX} characters`]);
  });
});

describe('runTransposer', () => {
  it('returns the output as plain JSON', async () => {
    expect(await runTransposer('items.name', { items: [{ name: 'a' }, { name: 'b' }] })).toEqual({ ok: true, output: ['a', 'b'] });
    expect(await runTransposer('{ "f": function($x) { $x }, "n": 1 }', {})).toEqual({ ok: true, output: { n: 1 } });
    expect(await runTransposer('missing', {})).toEqual({ ok: true, output: undefined });
  });
  it('reports compile and runtime errors the same way', async () => {
    expect(await runTransposer('{ "a": ', {})).toEqual({ ok: false, errors: ['transposer: Expected "}" before end of expression (at position 7)'] });
    expect(await runTransposer('$sum("a")', {})).toEqual({ ok: false, errors: ['transposer: Argument 1 of function "sum" must be an array of "numbers" (at position 5)'] });
  });
  it('lets evaluations of one expression run side by side', async () => {
    const expr = '{ "summary": name }';
    const results = await Promise.all(['a', 'b', 'c'].map((name) => runTransposer(expr, { name })));
    expect(results).toEqual([{ ok: true, output: { summary: 'a' } }, { ok: true, output: { summary: 'b' } }, { ok: true, output: { summary: 'c' } }]);
  });
});
