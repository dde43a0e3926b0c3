// Splunk HEC as Splunk documents it, over real HTTP into a running appliance: Splunk's own
// npm client (splunk-logging) with its defaults and with the event URL, every collector path,
// gzip, every way of sending the token, and every failure with Splunk's code.
import { gzipSync } from 'node:zlib';
import { Logger as SplunkLogger, type SplunkContext } from 'splunk-logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, MAX_EVENTS_PER_REQUEST } from '../../src-main/limits';
import { faultyDisk } from '../helpers/faulty-disk';
import { ADMIN_KEY, startHarness, type Harness } from '../helpers/harness';
import { until } from '../helpers/wait';

let h: Harness;
let ingestKey: string;

beforeAll(async () => {
  h = await startHarness();
  ingestKey = await h.key(['ingest']);
});
afterAll(async () => h.stop());

/** A request as a HEC sender makes it: no Content-Type unless given, the token as `Splunk <key>`. */
const hec = (path: string, raw: string | Buffer, headers: Record<string, string> = {}) =>
  h.http('POST', path, { raw, key: null, headers: { authorization: `Splunk ${ingestKey}`, ...headers } });

const SUCCESS = { text: 'Success', code: 0 };

/** The newest `n` HEC events, oldest first, as stored. */
async function latest(n: number): Promise<any[]> {
  const page = (await h.http('GET', `/api/events?dialect=splunk_hec&limit=${n}`)).json;
  const full = await Promise.all(page.items.map((e: { id: string }) => h.http('GET', `/api/events/${e.id}`)));
  return full.map((r) => r.json).reverse();
}

describe('the splunk-logging npm client (Splunk\'s HEC logger)', () => {
  const send = (logger: SplunkLogger, context: SplunkContext) =>
    new Promise<{ status: number | undefined; body: unknown }>((resolve, reject) => {
      logger.send(context, (err, response, body) => (err ? reject(err) : resolve({ status: response?.statusCode, body })));
    });

  it('with its default path (/services/collector/event/1.0, form content type): the event arrives', async () => {
    const logger = new SplunkLogger({ token: ingestKey, url: h.app.url });
    const errors: unknown[] = [];
    logger.error = (err) => void errors.push(err);
    const answer = await send(logger, { message: 'disk almost full on 10.1.2.3', severity: 'warn', metadata: { sourcetype: 'app:log', host: 'web-1' } });
    expect(answer).toEqual({ status: 200, body: SUCCESS });
    expect(errors).toEqual([]);
    const [ev] = await latest(1);
    expect(ev).toMatchObject({ title: 'disk almost full on 10.1.2.3', severity: 'medium', tags: ['sourcetype:app:log', 'host:web-1'] });
    expect(ev.indicators).toEqual([expect.objectContaining({ type: 'ip', value: '10.1.2.3' })]);
    expect(ev.request).toMatchObject({ path: '/services/collector/event/1.0', content_type: 'application/x-www-form-urlencoded' });
    expect(ev.raw).toEqual({ time: expect.stringMatching(/^\d{10}\.\d{3}$/), sourcetype: 'app:log', host: 'web-1', event: { message: 'disk almost full on 10.1.2.3', severity: 'warn' } });
  });

  it('with the event URL and batching: three events back to back in one request, all arrive', async () => {
    const logger = new SplunkLogger({ token: ingestKey, url: `${h.app.url}/services/collector/event`, maxBatchCount: 3 });
    const before = h.app.store.stats().events;
    const answers = [send(logger, { message: 'one' }), send(logger, { message: 'two' })];
    const third = await send(logger, { message: 'three' });
    expect(third).toEqual({ status: 200, body: SUCCESS });
    void answers; // the client answers a batch through the callback of the event that flushed it
    expect(h.app.store.stats().events).toBe(before + 3);
    const events = await latest(3);
    expect(events.map((e) => e.raw.event.message)).toEqual(['one', 'two', 'three']);
    expect(events[0].request.path).toBe('/services/collector/event');
  });

  it('sees a refusal through Splunk\'s code (the client checks only `code`)', async () => {
    const logger = new SplunkLogger({ token: 'not-a-key', url: h.app.url });
    const seen: { message: string; code?: number }[] = [];
    logger.error = (err) => void seen.push({ message: err.message, code: err.code });
    const answer = await send(logger, { message: 'refused' });
    expect(answer).toMatchObject({ status: 403, body: { text: 'Invalid token', code: 4 } });
    expect(seen).toEqual([{ message: 'Invalid token', code: 4 }]);
  });
});

describe('paths', () => {
  it.each(['/services/collector', '/services/collector/event', '/services/collector/event/1.0'])('%s takes JSON envelopes: one, back to back, newline separated, or an array', async (path) => {
    const before = h.app.store.stats().events;
    expect((await hec(path, '{"event":{"title":"single"}}')).json).toEqual(SUCCESS);
    expect((await hec(path, '{"event":"a"}{"event":"b"}')).json).toEqual(SUCCESS);
    expect((await hec(path, '{"event":"c"}\n{"event":"d"}\n')).json).toEqual(SUCCESS);
    const array = await hec(path, '[{"event":"e"},{"event":"f","host":"h9","time":1700000000}]');
    expect([array.status, array.json]).toEqual([200, SUCCESS]);
    expect(h.app.store.stats().events).toBe(before + 7);
    const [e, f] = await latest(2);
    expect([e.title, f.title, f.occurred_at, f.tags, f.request.path]).toEqual(['e', 'f', '2023-11-14T22:13:20.000Z', ['host:h9'], path]);
  });

  it.each(['/services/collector/raw', '/services/collector/raw/1.0'])('%s takes one event per line, metadata from the query string', async (path) => {
    const before = h.app.store.stats().events;
    const body = 'Dec  6 10:00:01 fw-1 denied 10.9.8.7\r\n\nDec  6 10:00:02 fw-1 allowed 10.9.8.6\n';
    const res = await hec(`${path}?sourcetype=syslog&source=udp:514&host=fw-1&index=netfw`, body, { 'content-type': 'text/plain' });
    expect([res.status, res.json]).toEqual([200, SUCCESS]);
    expect(h.app.store.stats().events).toBe(before + 2);
    const events = await latest(2);
    expect(events.map((e) => e.title)).toEqual(['Dec  6 10:00:01 fw-1 denied 10.9.8.7', 'Dec  6 10:00:02 fw-1 allowed 10.9.8.6']);
    expect(events[0].raw).toEqual({ sourcetype: 'syslog', source: 'udp:514', host: 'fw-1', index: 'netfw', event: 'Dec  6 10:00:01 fw-1 denied 10.9.8.7' });
    expect(events[0].tags).toEqual(['sourcetype:syslog', 'index:netfw', 'host:fw-1']);
    expect(events[0].indicators).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'ip', value: '10.9.8.7' })]));
  });

  it.each(['/services/collector/health', '/services/collector/health/1.0'])('GET %s answers 200 {"text":"HEC is healthy","code":17} without a token', async (path) => {
    const res = await h.http('GET', path, { key: null });
    expect([res.status, res.json]).toEqual([200, { text: 'HEC is healthy', code: 17 }]);
  });

  it('a source\'s URL token with the splunk_hec dialect answers as HEC does', async () => {
    const source = (await h.http('POST', '/api/sources', { body: { name: 'HEC by token', dialect: 'splunk_hec', url_token: true } })).json;
    const path = new URL(source.hook_url).pathname;
    const ok = await h.http('POST', path, { raw: '{"event":"via token"}{"event":"again"}', key: null });
    expect([ok.status, ok.json]).toEqual([200, SUCCESS]);
    const bad = await h.http('POST', path, { raw: '{"time":1}', key: null });
    expect([bad.status, bad.json]).toEqual([400, { text: 'Event field is required', code: 12, 'invalid-event-number': 0, errors: ['event: is required'] }]);
  });
});

describe('the contract', () => {
  it('documents every HEC path in /openapi.json with its token forms and Splunk\'s error shape', async () => {
    const doc = (await h.http('GET', '/openapi.json', { key: null })).json;
    for (const path of ['/services/collector', '/services/collector/event', '/services/collector/event/1.0', '/services/collector/raw', '/services/collector/raw/1.0']) {
      const op = doc.paths[path].post;
      expect(op.security).toEqual([{ hecToken: [] }]);
      const ref: string = op.responses['400'].content['application/json'].schema.$ref;
      const errors = doc.components.schemas[ref.replace('#/components/schemas/', '')];
      expect([errors.required, Object.keys(errors.properties)]).toEqual([['text', 'code'], ['text', 'code', 'invalid-event-number', 'errors']]);
    }
    expect(doc.paths['/services/collector/event'].post.requestBody.content['application/json'].schema.title).toBe('SplunkHec');
    expect(doc.paths['/services/collector/health'].get.security).toEqual([]);
    expect(doc.components.securitySchemes.hecToken).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
  });
});

describe('content type and encoding', () => {
  it.each([[undefined], ['text/plain'], ['application/x-www-form-urlencoded'], ['application/json'], ['application/octet-stream']])('ignores Content-Type %s', async (type) => {
    const res = await hec('/services/collector/event', '{"event":"typed"}', type ? { 'content-type': type } : {});
    expect([res.status, res.json]).toEqual([200, SUCCESS]);
  });

  it('accepts a gzip body (event and raw)', async () => {
    const before = h.app.store.stats().events;
    const events = Array.from({ length: 50 }, (_, i) => JSON.stringify({ event: { title: `zipped ${i}` } })).join('\n');
    const res = await hec('/services/collector/event', gzipSync(events), { 'content-encoding': 'gzip' });
    expect([res.status, res.json]).toEqual([200, SUCCESS]);
    const raw = await hec('/services/collector/raw?sourcetype=zipped', gzipSync('line one\nline two\n'), { 'content-encoding': 'gzip' });
    expect([raw.status, raw.json]).toEqual([200, SUCCESS]);
    expect(h.app.store.stats().events).toBe(before + 52);
    expect((await latest(1))[0].title).toBe('line two');
  });

  it('applies the body limit to the decompressed body: a small gzip bomb is a 413 with code 6, nothing stored', async () => {
    const bomb = gzipSync(Buffer.alloc(BODY_LIMIT_BYTES * 64, 0x20));
    expect(bomb.length).toBeLessThan(BODY_LIMIT_BYTES / 4);
    const before = h.app.store.stats().events;
    const res = await hec('/services/collector/event', bomb, { 'content-encoding': 'gzip' });
    expect([res.status, res.json]).toEqual([413, { text: 'Invalid data format', code: 6, errors: [`body: larger than the limit of ${BODY_LIMIT_BYTES} bytes once decompressed`] }]);
    const plain = await hec('/services/collector/event', JSON.stringify({ event: 'x'.repeat(BODY_LIMIT_BYTES) }));
    expect([plain.status, plain.json]).toEqual([413, { text: 'Invalid data format', code: 6, errors: [`body: larger than the limit of ${BODY_LIMIT_BYTES} bytes`] }]);
    expect(h.app.store.stats().events).toBe(before);
  });

  it('refuses broken gzip (400) and other encodings (415), with code 6', async () => {
    const broken = await hec('/services/collector/event', Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect([broken.status, broken.json]).toEqual([400, { text: 'Invalid data format', code: 6, errors: ['body: is not valid gzip data'] }]);
    const br = await hec('/services/collector/event', '{"event":"x"}', { 'content-encoding': 'br' });
    expect([br.status, br.json]).toEqual([415, { text: 'Invalid data format', code: 6, errors: ['content-encoding: "br" is not supported; send the body as is or gzip-compressed'] }]);
  });
});

describe('the token', () => {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it.each([
    ['Splunk <key>', (k: string) => `Splunk ${k}`],
    ['splunk <key> (any case)', (k: string) => `splunk ${k}`],
    ['Bearer <key>', (k: string) => `Bearer ${k}`],
    ['Basic x:<key>', (k: string) => basic('x', k)],
    ['Basic with an empty user', (k: string) => basic('', k)],
  ])('is accepted as %s', async (_, form) => {
    const res = await hec('/services/collector/event', '{"event":"authorized"}', { authorization: form(ingestKey) });
    expect([res.status, res.json]).toEqual([200, SUCCESS]);
  });

  it('accepts a data channel that is a GUID, in the header or the query string', async () => {
    const channel = 'FE0ECFAD-13D5-401B-847D-77833BD77131';
    expect((await hec('/services/collector/event', '{"event":"channel"}', { 'x-splunk-request-channel': channel })).json).toEqual(SUCCESS);
    expect((await hec(`/services/collector/raw?channel=${channel}`, 'channel line')).json).toEqual(SUCCESS);
  });
});

describe('failures, each with Splunk\'s code', () => {
  const sent = (authorization: string | null, path = '/services/collector/event', raw = '{"event":"x"}') =>
    h.http('POST', path, { raw, key: null, headers: authorization ? { authorization } : {} });
  const tokenForms = '"Authorization: Splunk <key>", "Bearer <key>", or Basic auth with the key as password';

  it('no token: 401 code 2', async () => {
    const res = await sent(null);
    expect([res.status, res.json]).toEqual([401, { text: 'Token is required', code: 2, errors: [`authorization: missing; send ${tokenForms}`] }]);
  });

  it('a malformed Authorization header: 401 code 3', async () => {
    for (const header of ['Token abc', 'Splunk', `Basic ${Buffer.from('no-colon').toString('base64')}`, `Basic ${Buffer.from('user:').toString('base64')}`]) {
      const res = await sent(header);
      expect([header, res.status, res.json]).toEqual([header, 401, { text: 'Invalid authorization', code: 3, errors: [`authorization: expected ${tokenForms}`] }]);
    }
  });

  it('an unknown token, or a key without the ingest scope: 403 code 4', async () => {
    const unknown = await sent('Splunk 6c9b7b5e-0000-4000-8000-000000000000');
    expect([unknown.status, unknown.json]).toEqual([403, { text: 'Invalid token', code: 4, errors: ['authorization: unknown key'] }]);
    const readOnly = await sent(`Splunk ${await h.key(['read'])}`);
    expect([readOnly.status, readOnly.json]).toEqual([403, { text: 'Invalid token', code: 4, errors: ['authorization: this key lacks the "ingest" scope'] }]);
  });

  it('a token in the query string: 400 code 16', async () => {
    const res = await sent(null, `/services/collector/event?token=${ingestKey}`);
    expect([res.status, res.json.code, res.json.text]).toEqual([400, 16, 'Query string authorization is not enabled']);
    expect(res.text).not.toContain(ingestKey);
  });

  it('asking for indexer acknowledgement: 400 code 14 (after the token is checked)', async () => {
    const res = await hec('/services/collector/ack', '{"acks":[0]}', { 'x-splunk-request-channel': 'FE0ECFAD-13D5-401B-847D-77833BD77131' });
    expect([res.status, res.json]).toEqual([400, { text: 'ACK is disabled', code: 14, errors: ['ack: indexer acknowledgement is not offered; a 200 already means the events are on disk'] }]);
    expect((await sent(null, '/services/collector/ack', '{"acks":[0]}')).json.code).toBe(2);
  });

  it('a data channel that is not a GUID: 400 code 11', async () => {
    const res = await hec('/services/collector/event', '{"event":"x"}', { 'x-splunk-request-channel': 'my-channel' });
    expect([res.status, res.json]).toEqual([400, { text: 'Invalid data channel', code: 11, errors: ['channel: "my-channel" is not a GUID'] }]);
  });

  it('a path or method HEC does not serve, or a refused Host: Splunk\'s shape with a code, never a bare {"errors"}', async () => {
    const typo = await hec('/services/collector/events', '{"event":"x"}');
    expect([typo.status, typo.json]).toEqual([404, { text: 'The requested URL was not found on this server.', code: 404, errors: ['path: no endpoint POST /services/collector/events; see /openapi.json'] }]);
    const get = await h.http('GET', '/services/collector/event', { key: null });
    expect([get.status, get.headers.allow, get.json.code]).toEqual([405, 'POST', 404]);
    const foreign = await hec('/services/collector/event', '{"event":"x"}', { host: 'splunk.example' });
    expect([foreign.status, foreign.json.text, foreign.json.code]).toEqual([403, 'Invalid token', 4]);
    expect(foreign.json.errors[0]).toMatch(/^host: "splunk.example" is not an allowed host/);
  });

  it('no data: 400 code 5 (empty, blank, an empty array, a raw body of blank lines)', async () => {
    const noData = { text: 'No data', code: 5, errors: ['body: no data; send at least one event'] };
    for (const [path, body] of [['/services/collector/event', ''], ['/services/collector', ' \n '], ['/services/collector/event', '[]'], ['/services/collector/raw', '\n\n']]) {
      const res = await hec(path, body);
      expect([path, body, res.status, res.json]).toEqual([path, body, 400, noData]);
    }
  });

  it('invalid JSON: 400 code 6 with the number of the event that broke, nothing stored', async () => {
    const before = h.app.store.stats().events;
    const res = await hec('/services/collector/event', '{"event":"a"}{"event":"b"}{"event": oops}');
    expect([res.status, res.json]).toEqual([400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 2, errors: ["body: invalid JSON at position 36: Unexpected token 'o'"] }]);
    expect(h.app.store.stats().events).toBe(before);
  });

  it('an event without `event`: 400 code 12; with a blank one: 400 code 13; both numbered', async () => {
    const missing = await hec('/services/collector/event', '{"event":"ok"}\n{"time":1700000000,"host":"h"}');
    expect([missing.status, missing.json]).toEqual([400, { text: 'Event field is required', code: 12, 'invalid-event-number': 1, errors: ['[1].event: is required'] }]);
    const blank = await hec('/services/collector/event', '{"event":"ok"}{"event":"ok"}{"event":""}');
    expect([blank.status, blank.json]).toEqual([400, { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': 2, errors: ['[2].event: must not be empty'] }]);
    const empty = await hec('/services/collector/event', '{"event":{}}');
    expect([empty.status, empty.json]).toEqual([400, { text: 'Event field cannot be blank', code: 13, 'invalid-event-number': 0, errors: ['event: must have at least 1 field'] }]);
  });

  it('any other bad field, or too many events: 400 code 6', async () => {
    const field = await hec('/services/collector/event', '{"event":"x","time":"noon","host":7}');
    expect([field.status, field.json]).toEqual([400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 0, errors: ['time: must match the pattern ^\\d{1,11}(\\.\\d+)?$', 'host: must be a string'] }]);
    const many = await hec('/services/collector/raw', Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, (_, i) => `line ${i}`).join('\n'));
    expect([many.status, many.json]).toEqual([400, { text: 'Invalid data format', code: 6, errors: [`body: ${MAX_EVENTS_PER_REQUEST + 1} events; at most ${MAX_EVENTS_PER_REQUEST} in one request`] }]);
  });

  it('over the per-key rate: 429 code 9 with Retry-After', async () => {
    const small = await startHarness({ rateLimit: { perSecond: 1, burst: 1 } });
    try {
      const key = await small.key(['ingest']);
      const post = () => small.http('POST', '/services/collector/event', { raw: '{"event":"r"}', key: null, headers: { authorization: `Splunk ${key}` } });
      expect((await post()).status).toBe(200);
      const res = await post();
      expect([res.status, res.headers['retry-after'], res.json.text, res.json.code]).toEqual([429, '1', 'Server is busy', 9]);
      expect(res.json.errors[0]).toMatch(/^rate: over this key's limit/);
    } finally {
      await small.stop();
    }
  });

  it('write queue saturated: 503 code 9 with Retry-After', async () => {
    const tiny = await startHarness({ writeQueueMax: 1 });
    try {
      const res = await tiny.http('POST', '/services/collector/event', { raw: '{"event":"a"}{"event":"b"}', key: null, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect([res.status, res.headers['retry-after'], res.json]).toEqual([503, '1', { text: 'Server is busy', code: 9, errors: ['store: the write queue is full; retry shortly'] }]);
    } finally {
      await tiny.stop();
    }
  });

  it('a failing disk: ingest 503 code 9, health 503 code 18 until the disk recovers', async () => {
    const disk = faultyDisk();
    const ill = await startHarness({ storeFs: disk.fs });
    try {
      disk.fail('EIO');
      const res = await ill.http('POST', '/services/collector/event', { raw: '{"event":"lost?"}', key: null, headers: { authorization: `Splunk ${ADMIN_KEY}` } });
      expect([res.status, res.json.text, res.json.code]).toEqual([503, 'Server is busy', 9]);
      const health = await ill.http('GET', '/services/collector/health', { key: null });
      expect([health.status, health.json]).toEqual([503, { text: 'HEC is unhealthy, queues are full', code: 18 }]);
      disk.recover();
      const healthy = await until(async () => {
        const r = await ill.http('GET', '/services/collector/health', { key: null });
        return r.status === 200 ? r.json : undefined;
      }, 10_000, 'HEC healthy again');
      expect(healthy).toEqual({ text: 'HEC is healthy', code: 17 });
    } finally {
      disk.recover();
      await ill.stop();
    }
  });
});
