// Destinations that can never work are refused when saved: the address check runs on the
// URI's host (a literal directly, a name through the lookup, stubbed here so no name is
// looked up for real) and the answer is a 400 naming the uri field. "Send test" makes one
// attempt at once and answers its outcome. Every connection attempt of this process is
// watched: nothing is even tried off the machine.
import net, { type LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDeliveryApps } from '../helpers/delivery-apps';
import { guardEgress, type EgressGuard } from '../helpers/egress-guard';

/** What each name resolves to, one answer per lookup in turn (the last repeating). */
const NAMES: Record<string, string[][]> = {
  'metadata.example': [['169.254.169.254']],
  'mapped-metadata.example': [['::ffff:a9fe:a9fe']],
  // One allowed address is enough: the connect-time check would use it.
  'mixed.example': [['169.254.169.254', '127.0.0.1']],
  'receiver.example': [['127.0.0.1']],
  // Saved while it pointed at a loopback receiver, later rebound to metadata.
  'rebind.example': [['127.0.0.1'], ['127.0.0.1'], ['169.254.169.254']],
};
const asked: string[] = [];
const served = new Map<string, number>();
const stubLookup: LookupFunction = (hostname, options, callback) => {
  asked.push(hostname);
  const answers = NAMES[hostname];
  if (!answers) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
  const n = served.get(hostname) ?? 0;
  served.set(hostname, n + 1);
  const addresses = answers[Math.min(n, answers.length - 1)].map((address) => ({ address, family: net.isIP(address) }));
  if (options.all) callback(null, addresses);
  else callback(null, addresses[0].address, addresses[0].family);
};

const { app, receiver } = useDeliveryApps();
let egress: EgressGuard;
beforeAll(() => {
  egress = guardEgress();
});
afterAll(() => {
  expect(egress.offMachine()).toEqual([]);
  egress.stop();
});

const webhook = (uri: string, extra: Record<string, unknown> = {}) => ({ name: 'hook', kind: 'webhook', uri, event_type: ['security_event'], ...extra });

describe('the address check when a destination is saved', () => {
  it('refuses metadata literals and names that resolve there, with the reason on the uri field, opening no socket', async () => {
    const h = await app({ delivery: { timeoutMs: 1000, lookup: stubLookup } });
    const cases: [string, string][] = [
      ['http://169.254.169.254/latest/meta-data/', 'uri: 169.254.169.254 is a cloud metadata or link-local address'],
      ['http://[::ffff:169.254.169.254]/', 'uri: ::ffff:a9fe:a9fe is a cloud metadata or link-local address'],
      ['http://0.0.0.0:8080/', 'uri: 0.0.0.0 is an unspecified, multicast or reserved address'],
      ['http://metadata.example/computeMetadata/v1/', 'uri: metadata.example resolves to 169.254.169.254, which is a cloud metadata or link-local address'],
      ['https://mapped-metadata.example/', 'uri: mapped-metadata.example resolves to ::ffff:a9fe:a9fe, which is a cloud metadata or link-local address'],
      ['https://nowhere.example/hook', 'uri: the host name nowhere.example does not resolve to an address (ENOTFOUND); check its spelling'],
    ];
    for (const [uri, error] of cases) {
      const res = await h.http('POST', '/api/destinations', { body: webhook(uri) });
      expect(res.status, uri).toBe(400);
      expect(res.json, uri).toEqual({ errors: [error] });
    }
    // Names went through the (stubbed) lookup; literals were judged without one.
    expect(asked).toEqual(expect.arrayContaining(['metadata.example', 'mapped-metadata.example', 'nowhere.example']));
    expect(asked).not.toContain('169.254.169.254');
    // Refused with other field problems in one answer; nothing was saved, no connection was attempted.
    const both = await h.http('POST', '/api/destinations', { body: webhook('http://169.254.169.254/', { headers: [{ key: 'X-A', value: 'a\r\nb' }] }) });
    expect(both.json.errors).toEqual(['uri: 169.254.169.254 is a cloud metadata or link-local address', 'headers[0].value: must not contain CR or LF']);
    expect((await h.http('GET', '/api/destinations')).json.items).toEqual([]);
    // Every connection attempt so far was this test's own calls to the appliance on loopback.
    expect(egress.offMachine()).toEqual([]);
  });

  it('accepts loopback, private (allowed by this policy) and names with one allowed address; an edit is checked the same way', async () => {
    const h = await app({ delivery: { timeoutMs: 1000, lookup: stubLookup } });
    for (const uri of ['http://127.0.0.1:9/hook', 'http://10.1.2.3/hook', 'http://mixed.example/hook', 'http://receiver.example/hook']) {
      const res = await h.http('POST', '/api/destinations', { body: webhook(uri) });
      expect(res.status, `${uri}: ${res.text}`).toBe(201);
    }
    const id = (await h.http('GET', '/api/destinations')).json.items.find((d: { uri: string }) => d.uri === 'http://127.0.0.1:9/hook').id;
    const moved = await h.http('PATCH', `/api/destinations/${id}`, { body: { uri: 'http://metadata.example/' } });
    expect(moved.status).toBe(400);
    expect(moved.json).toEqual({ errors: ['uri: metadata.example resolves to 169.254.169.254, which is a cloud metadata or link-local address'] });
    expect((await h.http('GET', `/api/destinations/${id}`)).json.uri).toBe('http://127.0.0.1:9/hook');
    // Armor's notification config goes through the same check.
    const armor = await h.http('POST', '/v1/accounts/default/notifications', {
      body: { name: 'armor', event_type: ['security_event'], properties: [{ type: 'uri', key: 'uri', value: 'http://169.254.169.254/' }] },
    });
    expect(armor.status).toBe(400);
    expect(armor.json.errors).toEqual(['uri: 169.254.169.254 is a cloud metadata or link-local address']);
  });

  it('says in words what a URI must look like', async () => {
    const h = await app({ delivery: { timeoutMs: 1000, lookup: stubLookup } });
    expect((await h.http('POST', '/api/destinations', { body: webhook('ftp://files.example/x') })).json.errors).toEqual(['uri: must start with http:// or https://']);
    expect((await h.http('POST', '/api/destinations', { body: webhook('example.com/hook') })).json.errors).toEqual(['uri: must start with http:// or https://']);
    expect((await h.http('POST', '/api/destinations', { body: webhook('http://exa mple.com/') })).json.errors).toEqual(['uri: is not a valid web address (e.g. https://example.com/hook)']);
  });
});

describe('Send test', () => {
  it('makes one attempt at once and answers its outcome: status, duration, response excerpt; nothing queued', async () => {
    const h = await app({ delivery: { timeoutMs: 1000, lookup: stubLookup } });
    const r = await receiver([{ status: 200, body: 'thanks, got it' }, { status: 503, body: 'receiver down for maintenance' }]);
    const port = new URL(r.url).port;
    const d = (await h.http('POST', '/api/destinations', { body: webhook(`http://receiver.example:${port}/in`, { headers: [{ key: 'Authorization', value: 'Bearer s3cret' }] }) })).json;
    const ok = await h.http('POST', `/api/destinations/${d.id}/test`);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ ok: true, status: 200, response_excerpt: 'thanks, got it', error_class: null, error: null, duration_ms: expect.any(Number) });
    expect(ok.json.request.headers.Authorization).toBe('Bearer ***');
    expect(r.received).toHaveLength(1);
    expect(JSON.parse(r.received[0].body)[0]).toMatchObject({ test: true, destination: 'hook' });
    expect(r.received[0].headers).toMatchObject({ authorization: 'Bearer s3cret', 'webhook-id': expect.stringMatching(/^test_/), 'webhook-signature': expect.stringMatching(/^v1,/) });

    const failed = (await h.http('POST', `/api/destinations/${d.id}/test`)).json;
    expect(failed).toMatchObject({ ok: false, status: 503, response_excerpt: 'receiver down for maintenance' });
    // Not a queued delivery: nothing is retried, the history holds no test.
    expect((await h.http('GET', `/api/deliveries?destination=${d.id}`)).json.items).toEqual([]);
    await new Promise((res) => setTimeout(res, 400));
    expect(r.received).toHaveLength(2);
  });

  it('answers a timeout within the request deadline, and a refusal when the saved name now resolves to metadata', async () => {
    const h = await app({ delivery: { timeoutMs: 500, lookup: stubLookup } });
    const hang = await receiver(['hang']);
    const slow = (await h.http('POST', '/api/destinations', { body: webhook(hang.url) })).json;
    const t0 = Date.now();
    const timedOut = (await h.http('POST', `/api/destinations/${slow.id}/test`)).json;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(timedOut).toMatchObject({ ok: false, status: null, error_class: 'timeout' });

    // Each answer closes its connection, so the next test send resolves the name again.
    const r = await receiver([], { status: 200, headers: { connection: 'close' } });
    const port = new URL(r.url).port;
    const rebind = (await h.http('POST', '/api/destinations', { body: webhook(`http://rebind.example:${port}/`) })).json;
    expect((await h.http('POST', `/api/destinations/${rebind.id}/test`)).json).toMatchObject({ ok: true, status: 200 });
    const refused = (await h.http('POST', `/api/destinations/${rebind.id}/test`)).json;
    expect(refused).toMatchObject({
      ok: false, status: null, error_class: 'refused_address',
      error: 'address refused: rebind.example resolved to 169.254.169.254, which is a cloud metadata or link-local address',
    });
    expect(r.received).toHaveLength(1);
    expect(egress.offMachine()).toEqual([]);
  });

  it('sends the test in the form the receiver reads: a HEC envelope with the token, a chat message', async () => {
    const h = await app({ delivery: { timeoutMs: 1000, lookup: stubLookup } });
    const r = await receiver();
    const hec = (await h.http('POST', '/api/destinations', { body: { name: 'hec', kind: 'splunk_hec', uri: `${r.url}/services/collector/event`, token: 'hec-token' } })).json;
    expect((await h.http('POST', `/api/destinations/${hec.id}/test`)).json).toMatchObject({ ok: true, status: 200 });
    expect(r.received[0].headers.authorization).toBe('Splunk hec-token');
    expect(JSON.parse(r.received[0].body)).toMatchObject({ event: { test: true, destination: 'hec' }, sourcetype: 'switchyard:test' });
    const chat = (await h.http('POST', '/api/destinations', { body: { name: 'ops chat', kind: 'slack', uri: `${r.url}/slack` } })).json;
    expect((await h.http('POST', `/api/destinations/${chat.id}/test`)).json).toMatchObject({ ok: true });
    // Slack's own Block Kit shape, as deliveries to it are (chat-messages.ts), linking to the destination.
    const slack = JSON.parse(r.received[1].body);
    expect(slack.text).toContain('Switchyard test delivery');
    expect(slack.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Switchyard test delivery' } });
    expect(JSON.stringify(slack.blocks)).toContain(`/#/destinations/${chat.id}`);
  });

  it('refuses a test of an in-app destination (nothing to send)', async () => {
    const h = await app({ delivery: { timeoutMs: 1000, lookup: stubLookup } });
    const bell = (await h.http('POST', '/api/destinations', { body: { name: 'bell', kind: 'in_app' } })).json;
    const res = await h.http('POST', `/api/destinations/${bell.id}/test`);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ errors: ['kind: in_app destinations have nothing to send a test to'] });
  });
});
