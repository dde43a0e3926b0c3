// What an event keeps of the request that carried it: headers as received with secrets
// masked, the query string as received, bounded; and which item of a batch it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECEIVED_HEADERS_MAX, RECEIVED_HEADER_VALUE_MAX, RECEIVED_QUERY_MAX } from '../../src-main/limits';
import { startHarness, type Harness } from '../helpers/harness';

let h: Harness;
let key: string;

beforeAll(async () => {
  h = await startHarness();
  key = await h.key(['ingest']);
});
afterAll(async () => h.stop());

const eventOf = async (id: string) => (await h.http('GET', `/api/events/${id}`)).json;
const header = (ev: any, name: string) => ev.request.headers.find(([n]: [string, string]) => n.toLowerCase() === name.toLowerCase())?.[1];

describe('request headers and query string', () => {
  it('keeps the headers in the order sent, credentials, cookies, tokens, keys and signatures masked', async () => {
    const res = await h.http('POST', '/v1/ingest/generic?team=blue&token=tok-secret-1&api_key=k-secret-2&X-Signature=sig-secret-3&note=a%20b', {
      body: { title: 'headers kept' },
      key: null,
      headers: {
        authorization: `Bearer ${key}`,
        cookie: 'session=cookie-secret-4',
        'x-api-key': 'apikey-secret-5',
        'x-auth-token': 'token-secret-6',
        'x-client-secret': 'secret-secret-7',
        'x-hub-signature-256': 'sha256=signature-secret-8',
        'idempotency-key': 'retry-42',
        'x-team': 'blue team',
        'user-agent': 'curl/8.5.0',
      },
    });
    expect(res.status).toBe(202);
    const ev = await eventOf(res.json.event_id);
    expect(header(ev, 'authorization')).toBe('Bearer ***');
    for (const name of ['cookie', 'x-api-key', 'x-auth-token', 'x-client-secret', 'x-hub-signature-256']) expect(header(ev, name)).toBe('***');
    expect(header(ev, 'x-team')).toBe('blue team');
    expect(header(ev, 'user-agent')).toBe('curl/8.5.0');
    expect(header(ev, 'idempotency-key')).toBe('retry-42'); // not a secret: it is the event's idempotency key
    expect(header(ev, 'content-type')).toBe('application/json');
    expect(ev.request.headers.map(([n]: [string, string]) => n.toLowerCase())).toEqual(expect.arrayContaining(['host', 'content-length']));
    expect(ev.request.query).toBe('team=blue&token=***&api_key=***&X-Signature=***&note=a%20b');
    const stored = JSON.stringify(ev);
    expect(stored).not.toContain(key);
    expect(stored).not.toMatch(/-secret-\d/);
  });

  it('masks the Splunk scheme on HEC and the token of a URL-token source', async () => {
    const channel = '0aeeac95-ac74-4aa9-b30d-6c4c0ac581ba';
    const hec = await h.http('POST', `/services/collector/event?channel=${channel}`, { body: { event: 'a line' }, key: null, headers: { authorization: `Splunk ${key}` } });
    expect(hec.status).toBe(200); // Splunk's answer
    const list = (await h.http('GET', '/api/events?dialect=splunk_hec&limit=1')).json.items;
    const ev = await eventOf(list[0].id);
    expect(header(ev, 'authorization')).toBe('Splunk ***');
    expect(ev.request.query).toBe(`channel=${channel}`);

    const source = (await h.http('POST', '/api/sources', { body: { name: 'Hooked', dialect: 'generic', url_token: true } })).json;
    const token = new URL(source.hook_url).pathname.split('/').pop()!;
    const hooked = await h.http('POST', `/v1/hooks/${token}?x=1`, { body: { title: 'via token' }, key: null });
    expect(hooked.status).toBe(202);
    const viaToken = await eventOf(hooked.json.event_id);
    expect(viaToken.request.path).toBe('/v1/hooks/{token}');
    expect(viaToken.request.query).toBe('x=1');
    expect(JSON.stringify(viaToken)).not.toContain(token);
  });

  it('keeps at most RECEIVED_HEADERS_MAX headers and cuts long values and query strings', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < RECEIVED_HEADERS_MAX + 10; i++) many[`x-extra-${String(i).padStart(2, '0')}`] = i === 0 ? 'v'.repeat(RECEIVED_HEADER_VALUE_MAX + 500) : `v${i}`;
    const longQuery = `q=${'w'.repeat(RECEIVED_QUERY_MAX + 100)}`;
    const res = await h.http('POST', `/v1/ingest/generic?${longQuery}`, { body: { title: 'many headers' }, key, headers: many });
    expect(res.status).toBe(202);
    const ev = await eventOf(res.json.event_id);
    expect(ev.request.headers).toHaveLength(RECEIVED_HEADERS_MAX);
    // host, authorization, content-type, content-length and undici's own come on top of the 60 sent.
    expect(ev.request.headers_omitted).toBeGreaterThanOrEqual(10);
    expect(header(ev, 'x-extra-00')).toBe(`${'v'.repeat(RECEIVED_HEADER_VALUE_MAX)}…`);
    expect(ev.request.query).toBe(`${longQuery.slice(0, RECEIVED_QUERY_MAX)}…`);
  });
});

describe('which batch item became the event', () => {
  it('an Alertmanager group: alert i of n, located in the raw', async () => {
    const alert = (name: string) => ({ status: 'firing', labels: { alertname: name }, annotations: { summary: name }, startsAt: '2026-12-01T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint: `fp-${name}` });
    const group = { version: '4', groupKey: '{}:{}', status: 'firing', receiver: 'sy', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://127.0.0.1:9093', alerts: ['A', 'B', 'C'].map(alert) };
    const res = await h.http('POST', '/v1/ingest/alertmanager', { body: group, key });
    expect(res.status).toBe(202);
    const events = await Promise.all(res.json.event_ids.map(eventOf));
    events.forEach((ev, i) => {
      expect(ev.request.batch).toEqual({ index: i, count: 3, in_request: `alerts[${i}]`, in_raw: ['alerts', 0] });
      expect(ev.raw.alerts[0]).toEqual(group.alerts[i]);
    });
  });

  it('a HEC batch: envelope i of n; a single envelope or a generic alert is no batch', async () => {
    const res = await h.http('POST', '/services/collector/event', { body: [{ event: 'first' }, { event: 'second' }], key });
    const events = (await h.http('GET', '/api/events?dialect=splunk_hec&limit=2')).json.items.reverse();
    const full = await Promise.all(events.map((e: { id: string }) => eventOf(e.id)));
    expect(res.status).toBe(200);
    expect(full.map((e) => [e.raw.event, e.request.batch])).toEqual([
      ['first', { index: 0, count: 2, in_request: '[0]', in_raw: [] }],
      ['second', { index: 1, count: 2, in_request: '[1]', in_raw: [] }],
    ]);
    await h.http('POST', '/services/collector/event', { body: { event: 'alone' }, key });
    const alone = await eventOf((await h.http('GET', '/api/events?dialect=splunk_hec&limit=1')).json.items[0].id);
    expect(alone.request.batch).toBeUndefined();
    const generic = await h.http('POST', '/v1/ingest/generic', { body: { title: 'one' }, key });
    expect((await eventOf(generic.json.event_id)).request.batch).toBeUndefined();
  });

  it('a custom source whose transposer maps an array body item by item', async () => {
    const created = await h.http('POST', '/api/sources', { body: { name: 'Array Tool', dialect: 'custom', transposer: '$.{ "summary": name }' } });
    expect(created.status).toBe(201);
    const body = [{ name: 'one' }, { name: 'two' }, { name: 'three' }];
    const res = await h.http('POST', `/v1/ingest/custom/${created.json.slug}`, { body, key });
    expect(res.status).toBe(202);
    const list = (await h.http('GET', '/api/events?dialect=custom&limit=3')).json.items;
    const full = await Promise.all(list.map((e: { id: string }) => eventOf(e.id)));
    for (const ev of full) {
      const { index, count, in_request, in_raw } = ev.request.batch;
      expect(count).toBe(3);
      expect(in_request).toBe(`transposer output[${index}]`);
      expect(in_raw).toEqual([index]);
      expect(ev.raw[index].name).toBe(ev.title);
    }
  });
});
