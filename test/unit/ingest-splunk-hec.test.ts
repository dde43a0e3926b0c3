// Splunk HEC dialect: envelopes, one or many, with SIEM-shaped events.
import { describe, expect, it } from 'vitest';
import { checkHecEnvelopes, eventTypeOf, hecEventBody, hecRawBody, severityFromScale } from '../../src-main/core/dialects/splunk-hec';
import { ingest, type IngestContext } from '../../src-main/core/ingest';
import { describeHecAnswer, hecAnswer } from '../../src-main/core/splunk-hec-codes';
import { MAX_EVENTS_PER_REQUEST } from '../../src-main/limits';
import { accepted, fixture, ingestContext, refusals, requestMeta } from '../helpers/ingest-fixtures';

const request = requestMeta({ path: '/services/collector/event', user_agent: 'splunk-forwarder', content_length: 2048, content_type: null });
const context = (over: Partial<IngestContext> = {}) => ingestContext({ request, ...over });
const one = async (envelope: Record<string, unknown>) => accepted(await ingest('splunk_hec', envelope, context()))[0];
const errorsOf = async (body: unknown) => refusals(await ingest('splunk_hec', body, context()));

describe('splunk HEC dialect', () => {
  it('normalizes the detection fixture: a detection and its correlated event, grouped by offense', async () => {
    const body = fixture('splunk-hec-detection-with-events.json') as Record<string, unknown>[];
    const [detection, event] = accepted(await ingest('splunk_hec', body, context()));
    expect(detection).toEqual({
      schema_version: 1,
      id: 'evt-1',
      organization: 'org-1',
      project: null,
      source: 'splunk_hec',
      source_name: 'splunk_hec',
      dialect: 'splunk_hec',
      received_at: '2026-03-01T12:00:00.000Z',
      occurred_at: '2020-05-28T13:49:24.000Z',
      title: '10000000 Armor - External - FIM - Task Scheduler Entries Modified',
      body: '',
      severity: 'low',
      level: 'WARN',
      status: 'OPEN',
      priority: 'HIGH',
      idempotency_key: 'offense:10000000',
      tags: ['sourcetype:_json'],
      catalog: [],
      annotations: {
        'private.signals.firehydrant.com/actor-source': 'api_key',
        'private.signals.firehydrant.com/via': '/services/collector/event',
      },
      images: [],
      links: [],
      attachments: [],
      indicators: [],
      event_type: 'security_detection',
      external_id: null,
      variant: null,
      source_rule_id: null,
      definition_id: null,
      alert_id: null,
      dedup_key: null,
      raw: body[0],
      request: { ...request, batch: { index: 0, count: 2, in_request: '[0]', in_raw: [] } },
    });
    expect({
      id: event.id, title: event.title, body: event.body, severity: event.severity, status: event.status, occurred_at: event.occurred_at,
      idempotency_key: event.idempotency_key, event_type: event.event_type, tags: event.tags, indicators: event.indicators, raw: event.raw,
    }).toEqual({
      id: 'evt-2',
      title: 'Task Scheduler Entries Modified',
      body: (body[1].event as Record<string, unknown>).payload,
      severity: 'pending',
      status: 'OPEN',
      occurred_at: '2020-05-28T13:45:04.000Z',
      idempotency_key: 'offense:10000000',
      event_type: 'security_event',
      tags: ['sourcetype:_json'],
      indicators: [{ type: 'ip', value: '10.128.49.107', found_by: ['system'] }],
      raw: body[1],
    });
  });

  it('accepts envelopes back to back as split by hecEventBody, and a text event', async () => {
    const read = hecEventBody(Buffer.from('{"event":{"title":"one"},"time":1700000000}\n{"event":"two as text","host":"fw-1"}'));
    if (!read.ok) throw new Error(read.problem.errors.join());
    const events = accepted(await ingest('splunk_hec', read.envelopes, context()));
    expect(events.map((e) => [e.title, e.body, e.occurred_at, e.tags])).toEqual([
      ['one', '', '2023-11-14T22:13:20.000Z', []],
      ['two as text', '', '2026-03-01T12:00:00.000Z', ['host:fw-1']],
    ]);
  });

  it('titles a long text event with its first 250 characters and keeps the whole line as body', async () => {
    const line = `${'x'.repeat(250)}TAIL`;
    const e = await one({ event: line });
    expect([e.title, e.body]).toEqual(['x'.repeat(250), line]);
  });

  it('takes the title from title, summary, eventName, description, correlationDescription, sourcetype, else a default', async () => {
    const pick = async (event: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      const e = await one({ event, ...extra });
      return [e.title, e.body];
    };
    expect(await pick({ title: 'T', summary: 'S', description: 'D', payload: 'P' })).toEqual(['T', 'D']);
    expect(await pick({ summary: 'S', payload: 'P' })).toEqual(['S', 'P']);
    expect(await pick({ eventName: 'E', description: 'D' })).toEqual(['E', 'D']);
    expect(await pick({ description: 'D', payload: 'P' })).toEqual(['D', 'P']);
    expect(await pick({ correlationDescription: 'C', payload: 'P' })).toEqual(['C', 'P']);
    expect(await pick({ message: 'M', severity: 'info' })).toEqual(['M', '']);
    expect(await pick({ payload: { not: 'text' } }, { sourcetype: 'fw:log' })).toEqual(['fw:log', '']);
    expect(await pick({ payload: 7 })).toEqual(['Splunk event', '']);
  });

  it('reads severity on the 0–10 scale or as a word', async () => {
    expect([0, 0.4, 1, 3, 4, 6, 7, 8, 9, 10, 11, -1].map(severityFromScale)).toEqual([
      'informational', 'informational', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical', 'pending', 'pending',
    ]);
    const severities = await Promise.all([7, '9', 'High', 'warning', 'whatever', undefined].map(async (severity) => (await one({ event: { title: 't', severity } })).severity));
    expect(severities).toEqual(['high', 'critical', 'high', 'medium', 'pending', 'pending']);
  });

  it('takes the time from the envelope as epoch seconds, fractions and numeric strings too', async () => {
    expect((await one({ event: 'e', time: 1590673764.25 })).occurred_at).toBe('2020-05-28T13:49:24.250Z');
    expect((await one({ event: 'e', time: '1590673764' })).occurred_at).toBe('2020-05-28T13:49:24.000Z');
    expect((await one({ event: 'e' })).occurred_at).toBe('2026-03-01T12:00:00.000Z');
  });

  it('reads status and offenseStatus, default OPEN', async () => {
    const statuses = await Promise.all([{ status: 'closed' }, { offenseStatus: 'CLOSED' }, { status: 'weird', offenseStatus: 'OPEN' }, {}].map(async (f) => (await one({ event: { title: 't', ...f } })).status));
    expect(statuses).toEqual(['CLOSED', 'CLOSED', 'OPEN', 'OPEN']);
  });

  it('takes the idempotency key from fields, then the event, then the offense id', async () => {
    const keyOf = async (envelope: Record<string, unknown>) => (await one(envelope)).idempotency_key;
    expect(await keyOf({ event: { title: 't', idempotency_key: 'ev', offenseId: 7 }, fields: { idempotency_key: 'fld' } })).toBe('fld');
    expect(await keyOf({ event: { title: 't', idempotency_key: 'ev', offenseId: 7 } })).toBe('ev');
    expect(await keyOf({ event: { title: 't', offenseId: 7 } })).toBe('offense:7');
    expect(await keyOf({ event: { title: 't', offenseId: null } })).toBeNull();
    expect(await keyOf({ event: 'text' })).toBeNull();
  });

  it('classifies detections, incidents and plain events', () => {
    expect([
      eventTypeOf({ documentType: 'OFFENSE_DETECTION_1590673764004', incidentId: 'IR1', offenseType: 'Detection' }),
      eventTypeOf({ offenseType: 'Incident' }),
      eventTypeOf({ incidentId: 'IR1', offenseType: 'Offense' }),
      eventTypeOf({ incidentId: 'IR1', offenseType: 'Detection' }),
      eventTypeOf({ documentType: 'EVENT_1590673504500' }),
    ]).toEqual(['security_detection', 'security_incident', 'security_incident', 'security_event', 'security_event']);
  });

  it('adds sourcetype, index and host as tags after the event tags', async () => {
    const e = await one({ event: { title: 't', tags: ['a', 'b'] }, sourcetype: 'st', index: 'main', host: 'h1' });
    expect(e.tags).toEqual(['a', 'b', 'sourcetype:st', 'index:main', 'host:h1']);
    expect((await one({ event: { title: 't', tags: ['a', 1] } })).tags).toEqual([]);
  });

  it('prefixes problems of an array with the index', async () => {
    expect(await errorsOf([{ event: 'ok' }, { time: 'noon' }, { event: 5, fields: [] }])).toEqual([
      '[1].event: is required',
      '[1].time: must match the pattern ^\\d{1,11}(\\.\\d+)?$',
      '[2].event: must be an object or a string',
      '[2].fields: must be an object',
    ]);
    expect(await errorsOf({ event: '', time: -5, host: 1 })).toEqual(['time: must be >= 0', 'host: must be a string', 'event: must not be empty']);
    expect(await errorsOf({ event: {} })).toEqual(['event: must have at least 1 field']);
    expect(await errorsOf({ event: { idempotency_key: 'k'.repeat(256) } })).toEqual(['event.idempotency_key: longer than 255 characters']);
  });

  it(`needs one envelope or 1 to ${MAX_EVENTS_PER_REQUEST} of them`, async () => {
    expect(await errorsOf([])).toEqual(['body: no data; send at least one event']);
    expect(await errorsOf(Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, () => ({ event: 'e' })))).toEqual([`body: ${MAX_EVENTS_PER_REQUEST + 1} events; at most ${MAX_EVENTS_PER_REQUEST} in one request`]);
    expect(await errorsOf('just text')).toEqual(['body: must be an object']);
    expect(await errorsOf({})).toEqual(['event: is required']);
  });
});

describe('splunk HEC bodies and Splunk\'s codes', () => {
  const bytes = (text: string) => Buffer.from(text, 'utf8');

  it('splits a JSON body into envelopes: one, back to back, newline separated, arrays flattened', () => {
    expect(hecEventBody(bytes('{"event":"a"}'))).toEqual({ ok: true, envelopes: [{ event: 'a' }] });
    expect(hecEventBody(bytes('{"event":"a"}{"event":"b"}\n{"event":"c"}'))).toEqual({ ok: true, envelopes: [{ event: 'a' }, { event: 'b' }, { event: 'c' }] });
    expect(hecEventBody(bytes('[{"event":"a"},{"event":"b"}]{"event":"c"}'))).toEqual({ ok: true, envelopes: [{ event: 'a' }, { event: 'b' }, { event: 'c' }] });
  });

  it('calls a blank body no data (code 5) and numbers the event where the JSON breaks (code 6)', () => {
    expect(hecEventBody(bytes(' \r\n '))).toEqual({ ok: false, problem: { code: 5, errors: ['body: no data; send at least one event'] } });
    expect(hecEventBody(bytes('[]'))).toMatchObject({ ok: false, problem: { code: 5 } });
    expect(hecEventBody(bytes('{"event":"a"}{"event":"b"}{"event": nope}'))).toEqual({
      ok: false, problem: { code: 6, errors: ["body: invalid JSON at position 37: Unexpected token 'o'"], invalidEventNumber: 2 },
    });
    expect(hecEventBody(bytes('[{"event":"a"},{"event":"b"}]{"event"'))).toMatchObject({ ok: false, problem: { code: 6, invalidEventNumber: 2 } });
  });

  it('makes one text event per non-blank line of a raw body, with the metadata given', () => {
    expect(hecRawBody(bytes('first line\r\n\n  \nsecond line\rthird'), { sourcetype: 'syslog', host: 'fw-1', source: undefined })).toEqual({
      ok: true,
      envelopes: [
        { sourcetype: 'syslog', host: 'fw-1', event: 'first line' },
        { sourcetype: 'syslog', host: 'fw-1', event: 'second line' },
        { sourcetype: 'syslog', host: 'fw-1', event: 'third' },
      ],
    });
    expect(hecRawBody(bytes('\n\n'), {})).toMatchObject({ ok: false, problem: { code: 5 } });
    expect(hecRawBody(Buffer.from([0x61, 0xff]), {})).toMatchObject({ ok: false, problem: { code: 6, invalidEventNumber: 0 } });
  });

  it('gives the first bad envelope\'s code and number: 12 no event, 13 blank event, 6 anything else; every problem listed', () => {
    expect(checkHecEnvelopes([{ event: 'ok' }, { time: 1 }, { event: '' }])).toEqual({ code: 12, invalidEventNumber: 1, errors: ['[1].event: is required', '[2].event: must not be empty'] });
    expect(checkHecEnvelopes([{ event: null }])).toMatchObject({ code: 12, invalidEventNumber: 0 });
    expect(checkHecEnvelopes([{ event: 'ok' }, { event: '' }])).toMatchObject({ code: 13, invalidEventNumber: 1 });
    expect(checkHecEnvelopes([{ event: {} }])).toMatchObject({ code: 13, invalidEventNumber: 0 });
    expect(checkHecEnvelopes([{ event: 'x', time: 'noon' }])).toEqual({ code: 6, invalidEventNumber: 0, errors: ['time: must match the pattern ^\\d{1,11}(\\.\\d+)?$'] });
    expect(checkHecEnvelopes(['text'])).toMatchObject({ code: 6, invalidEventNumber: 0, errors: ['body: must be an object'] });
    expect(checkHecEnvelopes([{ event: 'a' }, { event: { title: 't' } }])).toBeNull();
  });

  it('answers in Splunk\'s shape and reads a Splunk answer back', () => {
    expect(hecAnswer(0)).toEqual({ text: 'Success', code: 0 });
    expect(hecAnswer(6, 3)).toEqual({ text: 'Invalid data format', code: 6, 'invalid-event-number': 3 });
    expect(describeHecAnswer('{"text":"Invalid data format","code":6,"invalid-event-number":0}')).toBe('HEC code 6 (Invalid data format), invalid-event-number 0');
    expect(describeHecAnswer('{"text":"Incorrect index","code":7}')).toBe('HEC code 7 (Incorrect index)');
    expect(describeHecAnswer('{"text":"Success","code":0}')).toBeNull();
    expect(describeHecAnswer('<html>bad gateway</html>')).toBeNull();
    expect(describeHecAnswer('[1]')).toBeNull();
  });
});
