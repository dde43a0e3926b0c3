// Attacks on the appliance, in one place: DNS rebinding (foreign, missing or doubled Host),
// cross-origin and cross-site writes, CSRF on the UI session, header injection through
// destination headers, SSRF to cloud metadata (addresses, names and IPv4-mapped forms, proven
// refused at the address check with a stubbed lookup while every connection attempt of this
// process is watched), oversized headers, slowloris headers and bodies, and secrets leaking
// into logs, API answers, the live stream or /metrics.
import { readFile } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS_TIMEOUT_MS, HEADER_BYTES_MAX, REQUEST_TIMEOUT_MS } from '../../src-main/limits';
import { guardEgress, type EgressGuard } from '../helpers/egress-guard';
import { ADMIN_KEY, startHarness, type Harness } from '../helpers/harness';
import { rawConnection, rawRequest } from '../helpers/raw-http';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { uiSession } from '../helpers/session';
import { openStream } from '../helpers/sse';
import { until } from '../helpers/wait';

// ---- a stubbed resolver: no name is ever looked up for real ----
const asked: string[] = [];
/** Names the appliance may resolve in this file, and what they resolve to (each answer in turn, the last repeating). */
const NAMES: Record<string, string[]> = {
  'metadata.google.internal': ['169.254.169.254'],
  'instance-data.ec2.internal': ['169.254.169.254'],
  'metadata.azure.internal': ['168.63.129.16'],
  'metadata.mapped.example': ['::ffff:169.254.169.254'],
  'metadata.mapped-hex.example': ['::ffff:a9fe:a9fe'],
  'imds-v6.example': ['fd00:ec2::254'],
  'alibaba-metadata.example': ['100.100.100.200'],
  // Rebinding: a loopback receiver first, cloud metadata on the next lookup.
  'rebind.example': ['127.0.0.1', '127.0.0.1', '169.254.169.254'],
};
const served = new Map<string, number>();
const stubLookup: LookupFunction = (hostname, options, callback) => {
  asked.push(hostname);
  const answers = NAMES[hostname];
  if (!answers) {
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
    return;
  }
  const n = served.get(hostname) ?? 0;
  served.set(hostname, n + 1);
  const address = answers[Math.min(n, answers.length - 1)];
  const family = net.isIP(address);
  if (options.all) callback(null, [{ address, family }]);
  else callback(null, address, family);
};

let h: Harness;
let egress: EgressGuard;
let ingestKey: string;
const receivers: Receiver[] = [];

beforeAll(async () => {
  egress = guardEgress();
  h = await startHarness({ tickMs: 0, delivery: { retrySchedule: [0, 0.2], jitter: 0, timeoutMs: 2_000, lookup: stubLookup } });
  ingestKey = await h.key(['ingest']);
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await h?.stop();
  egress?.stop();
});
async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}
const titles = async (text: string): Promise<string[]> => (await h.http('GET', `/api/events?text=${encodeURIComponent(text)}`)).json.items.map((e: any) => e.title);

describe('DNS rebinding: the Host header', () => {
  const FOREIGN = ['evil.example', 'evil.example:8080', 'localhost.evil.example', '127.0.0.1.nip.io', '127.0.0.2', '[::2]', '0.0.0.0'];

  it('refuses a foreign Host on every surface, before any route runs (an ingest with a valid key stores nothing)', async () => {
    const link = new URL(await h.app.loginUrl());
    const requests: [string, string, Record<string, unknown>][] = [
      ['GET', '/', { key: null }],
      ['GET', '/api/events', {}],
      ['GET', '/api/status', {}],
      ['POST', '/api/keys', { body: { name: 'rebound', scopes: ['admin'] } }],
      ['GET', '/healthz', { key: null }],
      ['GET', '/metrics', { key: null }],
      ['GET', '/openapi.json', { key: null }],
      ['GET', link.pathname + link.search, { key: null }],
      ['POST', '/bin/demo', { key: null, body: { rebound: true } }],
      ['POST', '/v1/ingest/generic', { key: ingestKey, body: { title: 'rebound ingest' } }],
    ];
    for (const host of FOREIGN) {
      for (const [method, path, opts] of requests) {
        const res = await h.http(method, path, { ...opts, headers: { host } });
        expect(res.status, `${host} ${method} ${path}`).toBe(403);
        expect(res.json).toEqual({ errors: [expect.stringMatching(/^host: ".*" is not an allowed host; open the appliance via localhost or add the name to SWITCHYARD_ALLOWED_HOSTS$/)] });
      }
    }
    expect(await titles('rebound ingest')).toEqual([]);
    expect((await h.http('GET', '/api/keys')).json.items.map((k: any) => k.name)).not.toContain('rebound');
    expect((await h.http('GET', '/api/bins')).json.items).toEqual([]);
    // The login link was not spent by the refused request.
    expect((await h.http('GET', link.pathname + link.search, { key: null })).status).toBe(302);
  });

  it('refuses a request without Host (HTTP/1.0 and 1.1) and one with two Host lines, in the error shape', async () => {
    for (const version of ['1.0', '1.1']) {
      const res = await rawRequest(h.app.port, `GET /api/status HTTP/${version}\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nConnection: close\r\n\r\n`);
      expect(res.status, version).toBe(403);
      expect(res.json).toEqual({ errors: ['host: the Host header is required'] });
    }
    for (const [first, second] of [['127.0.0.1', 'evil.example'], ['evil.example', '127.0.0.1']]) {
      const res = await rawRequest(h.app.port, `GET /api/status HTTP/1.1\r\nHost: ${first}\r\nHost: ${second}\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nConnection: close\r\n\r\n`);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ errors: ['host: more than one Host header'] });
    }
  });

  it('answers the loopback names it is reached by', async () => {
    for (const host of [`127.0.0.1:${h.app.port}`, `localhost:${h.app.port}`, `[::1]:${h.app.port}`, 'LOCALHOST']) {
      expect((await h.http('GET', '/api/status', { headers: { host } })).status, host).toBe(200);
    }
  });
});

describe('cross-origin and cross-site writes', () => {
  it('refuses a foreign, opaque or cross-site origin on every API write, with a key or the UI cookie; the same request from the UI itself passes', async () => {
    const s = await uiSession(h);
    const before = (await h.http('GET', '/api/keys')).json.items.length;
    const writes: [string, string, unknown][] = [
      ['POST', '/api/keys', { name: 'cross-site key', scopes: ['admin'] }],
      ['POST', '/api/destinations', { name: 'cross-site hook', kind: 'webhook', uri: 'http://127.0.0.1:1/' }],
      ['PUT', '/api/settings/smtp', { host: '127.0.0.1', port: 25, from: 'x@example.com' }],
      ['POST', '/api/orgs', { name: 'cross-site org' }],
    ];
    const attacks: [Record<string, string>, string][] = [
      [{ origin: 'http://evil.example' }, 'origin: "http://evil.example" is not this appliance\'s origin'],
      [{ origin: `http://127.0.0.1:${h.app.port + 1}` }, `origin: "http://127.0.0.1:${h.app.port + 1}" is not this appliance's origin`],
      [{ origin: 'null' }, 'origin: opaque origins are refused'],
      [{ 'sec-fetch-site': 'cross-site' }, 'origin: cross-site requests are refused'],
      [{ origin: 'not a url' }, 'origin: "not a url" is not a valid origin'],
    ];
    for (const [method, path, body] of writes) {
      for (const [headers, error] of attacks) {
        const withKey = await h.http(method, path, { body, headers });
        expect(withKey.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(withKey.json).toEqual({ errors: [error] });
        const withCookie = await h.http(method, path, { body, key: null, headers: { ...headers, cookie: s.cookie, 'x-csrf-token': s.csrf } });
        expect(withCookie.status).toBe(403);
        expect(withCookie.json).toEqual({ errors: [error] });
      }
    }
    expect((await h.http('GET', '/api/keys')).json.items.length).toBe(before);
    expect((await h.http('GET', '/api/destinations')).json.items.map((d: any) => d.name)).not.toContain('cross-site hook');
    expect((await h.http('GET', '/api/settings')).json.smtp).toBeNull();
    // A cross-site page cannot log a victim into its own session either.
    const link = new URL(await h.app.loginUrl());
    expect((await h.http('GET', link.pathname + link.search, { key: null, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    // Control: the UI's own same-origin request with its CSRF token is accepted.
    const ok = await h.http('POST', '/api/keys', { body: { name: 'from the ui', scopes: ['read'] }, key: null, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, origin: h.app.url, 'sec-fetch-site': 'same-origin' } });
    expect(ok.status).toBe(201);
  });
});

describe('CSRF on the UI session', () => {
  it('refuses every cookie-authenticated write without the session\'s own X-CSRF-Token (403), reads need none, and a cookie never authenticates ingest', async () => {
    const s = await uiSession(h);
    const other = await uiSession(h);
    expect(other.csrf).not.toBe(s.csrf);
    const key = (await h.http('POST', '/api/keys', { body: { name: 'to revoke', scopes: ['read'] } })).json;
    const writes: [string, string, unknown][] = [
      ['POST', '/api/keys', { name: 'csrf key', scopes: ['admin'] }],
      ['DELETE', `/api/keys/${key.id}`, undefined],
      ['POST', '/api/destinations', { name: 'csrf hook', kind: 'webhook', uri: 'http://127.0.0.1:1/' }],
      ['PUT', '/api/settings/smtp', { host: '127.0.0.1', port: 25, from: 'x@example.com' }],
      ['POST', '/api/session/logout', undefined],
    ];
    const tokens: [string, Record<string, string>][] = [
      ['none', {}],
      ['empty', { 'x-csrf-token': '' }],
      ['wrong, same length', { 'x-csrf-token': s.csrf.replace(/./g, 'A') }],
      ['another session\'s', { 'x-csrf-token': other.csrf }],
      ['a prefix', { 'x-csrf-token': s.csrf.slice(0, -1) }],
    ];
    for (const [method, path, body] of writes) {
      for (const [label, headers] of tokens) {
        const res = await h.http(method, path, { body, key: null, headers: { cookie: s.cookie, origin: h.app.url, ...headers } });
        expect(res.status, `${method} ${path} with ${label} token`).toBe(403);
        expect(res.json).toEqual({ errors: ['x-csrf-token: missing or wrong CSRF token; reload the page'] });
      }
    }
    // Nothing happened: the key still works, nothing was created, the session is alive.
    expect((await h.http('GET', '/api/events', { key: key.key })).status).toBe(403); // read-only key on the admin API: alive, not revoked
    expect((await h.http('GET', '/api/keys')).json.items.map((k: any) => k.name)).toEqual(expect.arrayContaining(['to revoke']));
    expect((await h.http('GET', '/api/keys')).json.items.map((k: any) => k.name)).not.toContain('csrf key');
    expect((await h.http('GET', '/api/session', { key: null, headers: { cookie: s.cookie } })).status).toBe(200);
    // Reads with the cookie need no token; ingest never takes the cookie.
    expect((await h.http('GET', '/api/keys', { key: null, headers: { cookie: s.cookie } })).status).toBe(200);
    expect((await h.http('POST', '/v1/ingest/generic', { body: { title: 'cookie ingest' }, key: null, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } })).status).toBe(401);
    // Control: with its own token the same write passes.
    expect((await h.http('DELETE', `/api/keys/${key.id}`, { key: null, headers: { cookie: s.cookie, origin: h.app.url, 'x-csrf-token': s.csrf } })).status).toBe(204);
  });
});

describe('header injection through destination headers', () => {
  it('refuses CR, LF and control characters in a header name or value with a 400 naming each field, in both destination APIs', async () => {
    const before = (await h.http('GET', '/api/destinations')).json.items.length;
    const ours = await h.http('POST', '/api/destinations', {
      body: {
        name: 'smuggler', kind: 'webhook', uri: 'http://127.0.0.1:1/',
        headers: [
          { key: 'X-Fine', value: 'fine' },
          { key: 'X-Evil\r\nInjected', value: 'v' },
          { key: 'X-Value', value: 'a\r\nInjected: yes' },
          { key: 'X-Lf', value: 'a\nb' },
          { key: 'X-Cr', value: 'a\rb' },
          { key: 'X-Nul', value: 'a\u0000b' },
          { key: 'X-Name\n', value: 'ok' },
        ],
      },
    });
    expect(ours.status).toBe(400);
    expect(ours.json).toEqual({
      errors: [
        'headers[1].key: must not contain CR or LF',
        'headers[2].value: must not contain CR or LF',
        'headers[3].value: must not contain CR or LF',
        'headers[4].value: must not contain CR or LF',
        'headers[5].value: must not contain control characters or characters beyond Latin-1',
        'headers[6].key: must not contain CR or LF',
      ],
    });
    const armor = await h.http('POST', '/v1/accounts/default/notifications', {
      body: {
        name: 'armor smuggler', event_type: ['security_incident'],
        properties: [
          { type: 'header', key: 'Authorization', value: 'Splunk ok' },
          { type: 'uri', key: 'endpoint', value: 'http://127.0.0.1:1/' },
          { type: 'header', key: 'X-A', value: 'x\r\nInjected: yes' },
          { type: 'header', key: 'X-B\r\nInjected', value: 'ok' },
        ],
      },
    });
    expect(armor.status).toBe(400);
    expect(armor.json).toEqual({ errors: ['properties[2].value: must not contain CR or LF', 'properties[3].key: must not contain CR or LF'] });
    expect((await h.http('GET', '/api/destinations')).json.items.length).toBe(before);
    // Editing a destination is checked the same way, and a refused edit changes nothing.
    const made = await h.http('POST', '/api/destinations', { body: { name: 'edited later', kind: 'webhook', uri: 'http://127.0.0.1:1/', event_type: ['security_incident'], headers: [{ key: 'X-Team', value: 'blue' }] } });
    expect(made.status).toBe(201);
    const patched = await h.http('PATCH', `/api/destinations/${made.json.id}`, { body: { headers: [{ key: 'X-Team', value: 'blue\r\nX-Injected: 1' }, { key: 'X-Other\n', value: 'v' }] } });
    expect(patched.status).toBe(400);
    expect(patched.json).toEqual({ errors: ['headers[0].value: must not contain CR or LF', 'headers[1].key: must not contain CR or LF'] });
    expect((await h.http('GET', `/api/destinations/${made.json.id}`)).json.headers).toEqual([{ key: 'X-Team', value: 'blue' }]);
  });
});

describe('SSRF: cloud metadata destinations', () => {
  it('refuses metadata addresses, metadata names and IPv4-mapped forms at the address check; nothing leaves the machine', async () => {
    const local = await receiver([{ status: 500, headers: { connection: 'close' } }], { status: 200, headers: { connection: 'close' } });
    const port = new URL(local.url).port;
    const targets: [string, string][] = [
      ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', '169.254.169.254'],
      ['http://[::ffff:169.254.169.254]/computeMetadata/v1/', '::ffff:a9fe:a9fe'],
      ['http://[::ffff:a9fe:a9fe]/', '::ffff:a9fe:a9fe'],
      ['http://[fd00:ec2::254]/latest/meta-data/', 'fd00:ec2::254'],
      ['http://100.100.100.200/latest/meta-data/', '100.100.100.200'],
      ['http://168.63.129.16/machine?comp=goalstate', '168.63.129.16'],
      ['http://[fe80::a9fe:a9fe]/', 'fe80::a9fe:a9fe'],
      ['http://metadata.google.internal/computeMetadata/v1/', '169.254.169.254'],
      ['http://instance-data.ec2.internal/latest/meta-data/', '169.254.169.254'],
      ['http://metadata.azure.internal/machine', '168.63.129.16'],
      ['http://metadata.mapped.example/', '::ffff:169.254.169.254'],
      ['http://metadata.mapped-hex.example/', '::ffff:a9fe:a9fe'],
      ['http://imds-v6.example/', 'fd00:ec2::254'],
      ['http://alibaba-metadata.example/', '100.100.100.200'],
    ];
    const attemptsBefore = egress.attempts.length;
    // Refused when saved, with the reason on the uri field: the address check on the literal or the resolved name.
    for (const [uri, address] of targets) {
      const dest = await h.http('POST', '/api/destinations', { body: { name: `ssrf ${uri}`.slice(0, 200), kind: 'webhook', uri, event_type: ['security_incident'] } });
      expect(dest.status, `${uri}: ${dest.text}`).toBe(400);
      const hostname = new URL(uri).hostname.replace(/^\[(.*)\]$/, '$1');
      const literal = net.isIP(hostname) !== 0;
      expect(dest.json.errors, uri).toEqual([literal
        ? `uri: ${address} is a cloud metadata or link-local address`
        : `uri: ${hostname} resolves to ${address}, which is a cloud metadata or link-local address`]);
      // Names went through the (stubbed) lookup; literals were refused without one.
      if (!literal) expect(asked).toContain(hostname);
      else expect(asked).not.toContain(hostname);
    }
    // Rebinding: the name resolves to a loopback receiver when saved and at the first test send
    // (answers 500 and closes), then to metadata: the next send is refused at connect time.
    const rebind = await h.http('POST', '/api/destinations', { body: { name: 'rebinding name', kind: 'webhook', uri: `http://rebind.example:${port}/hook`, event_type: ['security_incident'] } });
    expect(rebind.status).toBe(201);
    expect((await h.http('POST', `/api/destinations/${rebind.json.id}/test`)).json).toMatchObject({ ok: false, status: 500 });
    expect((await h.http('POST', `/api/destinations/${rebind.json.id}/test`)).json).toMatchObject({
      ok: false, status: null, error_class: 'refused_address', error: 'address refused: rebind.example resolved to 169.254.169.254, which is a cloud metadata or link-local address',
    });
    expect(local.received).toHaveLength(1);
    // Every connection this process attempted meanwhile was to loopback: none was even tried elsewhere.
    expect(egress.attempts.length).toBeGreaterThan(attemptsBefore);
    expect(egress.offMachine()).toEqual([]);
    // The policy is visible to the operator.
    expect((await h.http('GET', '/api/settings')).json.outgoing.always_refused).toContainEqual({ range: '169.254.0.0/16', why: 'cloud metadata or link-local address' });
  });
});

describe('oversized headers', () => {
  it('answers 431 in the error shape for one huge header, many headers, and a huge request line, and keeps serving', async () => {
    const many = Array.from({ length: 300 }, (_, i) => `X-H${i}: ${'v'.repeat(60)}\r\n`).join('');
    const requests = [
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'p'.repeat(HEADER_BYTES_MAX + 1)}\r\nConnection: close\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${many}Connection: close\r\n\r\n`,
      `GET /healthz?${'q'.repeat(HEADER_BYTES_MAX + 1)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      `POST /v1/ingest/generic HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${'k'.repeat(HEADER_BYTES_MAX + 1)}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
    ];
    for (const req of requests) {
      const res = await rawRequest(h.app.port, req);
      expect(res.status).toBe(431);
      expect(res.json).toEqual({ errors: [`headers: larger than ${HEADER_BYTES_MAX} bytes`] });
    }
    expect((await h.http('GET', '/healthz', { key: null })).status).toBe(200);
  });
});

describe('slowloris', () => {
  it('drops slow headers and slow bodies at their deadlines with 408 in the error shape, while other clients are served', async () => {
    const SLOW = 10;
    const started = Date.now();
    const guard = REQUEST_TIMEOUT_MS + 15_000;
    const slowHeaders = Array.from({ length: SLOW }, () =>
      rawConnection(h.app.port, `GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN_KEY}\r\n`, { trickle: 'X-Slow: 1\r\n', everyMs: 300, timeoutMs: guard }),
    );
    const slowBodies = Array.from({ length: SLOW }, (_, i) =>
      rawConnection(
        h.app.port,
        `POST /v1/ingest/generic HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ingestKey}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"title":"trickled body ${i}",`,
        { trickle: '"x":1,', everyMs: 300, timeoutMs: guard },
      ),
    );
    // While they trickle, everyone else is served.
    let served = 0;
    let settled = false;
    const all = Promise.all([...slowHeaders, ...slowBodies].map((c) => c.answer)).finally(() => (settled = true));
    while (!settled) {
      expect((await h.http('GET', '/healthz', { key: null })).status).toBe(200);
      expect((await h.http('POST', '/v1/ingest/generic', { key: ingestKey, body: { title: `served beside slowloris ${served}` } })).status).toBe(202);
      served++;
      await Promise.race([all, new Promise((r) => setTimeout(r, 1_000))]);
    }
    const headerAnswers = await Promise.all(slowHeaders.map((c) => c.answer));
    const bodyAnswers = await Promise.all(slowBodies.map((c) => c.answer));
    for (const a of [...headerAnswers, ...bodyAnswers]) {
      expect(a.status).toBe(408);
      expect(a.json).toEqual({ errors: ['request: not received in time'] });
    }
    // Not cut before their limits (a slow but honest client gets its full time)…
    for (const a of headerAnswers) expect(a.closedAt - started).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    for (const a of bodyAnswers) expect(a.closedAt - started).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    // …and the server closed each connection itself (the guard would have rejected otherwise).
    expect(served).toBeGreaterThan(5);
    expect(await titles('trickled body')).toEqual([]);
    expect(await titles('served beside slowloris')).toHaveLength(served);
  });
});

describe('secrets', () => {
  it('never show up in the log, the API answers, the live stream, /metrics or the data directory, though receivers get them', async () => {
    const live = await openStream(h.app.url, { authorization: `Bearer ${ADMIN_KEY}` });
    const r = await receiver([{ status: 500 }], { status: 200 });
    const secrets: Record<string, string> = { admin: ADMIN_KEY, ingest: ingestKey, wrongKey: 'sy_wrong_key_that_must_never_be_logged_0123456789' };
    secrets.destHeader = 'dest-bearer-secret-5f1c9a';
    secrets.destApiKey = 'dest-x-api-key-secret-77ab';
    secrets.hecToken = 'hec-token-secret-2c3d4e';
    secrets.smtpPassword = 'smtp-password-secret-9e8d';
    const key = await h.http('POST', '/api/keys', { body: { name: 'shown once', scopes: ['ingest'] } });
    secrets.created = key.json.key;
    const source = await h.http('POST', '/api/sources', { body: { name: 'token source', dialect: 'event', url_token: true } });
    expect(source.status).toBe(201);
    secrets.urlToken = source.json.url_token;
    const dest = await h.http('POST', '/api/destinations', {
      body: { name: 'secret hook', kind: 'webhook', uri: `${r.url}/hook`, event_type: ['security_event'], email_for_error: 'oncall@example.com',
        headers: [{ key: 'Authorization', value: `Bearer ${secrets.destHeader}` }, { key: 'X-Api-Key', value: secrets.destApiKey }] },
    });
    secrets.signing = dest.json.signing_secret;
    const hec = await h.http('POST', '/api/destinations', { body: { name: 'secret hec', kind: 'splunk_hec', uri: `${r.url}/services/collector/event`, token: secrets.hecToken, event_type: ['security_event'] } });
    expect(hec.status).toBe(201);
    secrets.rotated = (await h.http('POST', `/api/destinations/${dest.json.id}/rotate-secret`)).json.signing_secret;
    // SMTP that cannot be reached: the test e-mail and the failure notices fail, and say why.
    const closed = net.createServer();
    await new Promise<void>((res) => closed.listen(0, '127.0.0.1', () => res()));
    const smtpPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((res) => closed.close(() => res()));
    expect((await h.http('PUT', '/api/settings/smtp', { body: { host: '127.0.0.1', port: smtpPort, from: 'hub@example.com', user: 'hub', password: secrets.smtpPassword } })).status).toBe(200);
    expect((await h.http('POST', '/api/settings/smtp/test', { body: { to: 'me@example.com' } })).status).toBe(502);
    const s = await uiSession(h);
    secrets.session = s.cookie.split('=')[1];
    secrets.csrf = s.csrf;

    // Traffic that carries every credential: keys (Bearer and Splunk), a URL token, a wrong key, the session.
    const ids: string[] = [];
    ids.push((await h.http('POST', '/v1/ingest/generic', { key: secrets.created, body: { title: 'secret traffic 1' } })).json.event_id);
    ids.push((await h.http('POST', '/services/collector/event', { key: null, headers: { authorization: `Splunk ${secrets.ingest}` }, body: { event: { title: 'secret traffic 2' } } })).json?.event_id);
    const hook = await h.http('POST', `/v1/hooks/${secrets.urlToken}`, { key: null, body: { summary: 'secret traffic 3' } });
    expect(hook.status).toBe(202);
    ids.push(hook.json.event_id);
    expect((await h.http('POST', '/v1/ingest/generic', { key: secrets.wrongKey, body: { title: 'x' } })).status).toBe(401);
    expect((await h.http('GET', `/api/events?token=${secrets.wrongKey}`, { key: secrets.wrongKey })).status).toBe(401);
    expect((await h.http('GET', '/api/session', { key: null, headers: { cookie: s.cookie } })).status).toBe(200);
    // The receivers did get the real credentials: their absence below is the masking, not a missing send.
    await until(() => (r.received.filter((x) => x.url === '/hook').length >= 3 && r.received.some((x) => x.url.startsWith('/services')) ? true : undefined), 10_000, 'deliveries with credentials');
    expect(r.received.find((x) => x.url === '/hook')!.headers.authorization).toBe(`Bearer ${secrets.destHeader}`);
    expect(r.received.find((x) => x.url === '/hook')!.headers['x-api-key']).toBe(secrets.destApiKey);
    expect(r.received.find((x) => x.url.startsWith('/services'))!.headers.authorization).toBe(`Splunk ${secrets.hecToken}`);

    const answers: [string, string][] = [];
    const read = async (path: string, key: string | null = ADMIN_KEY) => {
      const res = await h.http('GET', path, { key });
      answers.push([path, res.text]);
      return res.json;
    };
    for (const path of ['/api/destinations', `/api/destinations/${dest.json.id}`, `/api/destinations/${hec.json.id}`, '/api/settings', '/api/keys', '/api/sources', `/api/sources/${source.json.id}`, '/api/status', '/api/notifications', '/api/events']) await read(path);
    for (const d of (await read(`/api/deliveries?limit=500`)).items) await read(`/api/deliveries/${d.id}`);
    const renamed = await h.http('PATCH', `/api/destinations/${dest.json.id}`, { body: { name: 'secret hook renamed' } });
    expect(renamed.status).toBe(200);
    answers.push([`PATCH /api/destinations/${dest.json.id}`, renamed.text]);
    for (const id of ids.filter(Boolean)) await read(`/api/events/${id}`);
    for (const path of ['/metrics', '/healthz', '/openapi.json']) await read(path, null);
    // Masked where shown at all.
    const shown = (await h.http('GET', `/api/destinations/${dest.json.id}`)).json;
    expect(shown.headers).toEqual([{ key: 'Authorization', value: 'Bearer ***' }, { key: 'X-Api-Key', value: '***' }]);
    expect(shown.signing_secret).toBe('whsec_***');
    expect((await h.http('GET', `/api/destinations/${hec.json.id}`)).json.token).toBe('***');
    live.close();

    const places: [string, string][] = [
      ['log', h.logLines.join('')],
      ['stream', JSON.stringify(live.messages)],
      ...answers,
    ];
    for (const [where, text] of places) {
      for (const [name, secret] of Object.entries(secrets)) expect(text.includes(secret), `${name} in ${where}`).toBe(false);
    }
    expect(h.logLines.length).toBeGreaterThan(0);
    // On disk keys and URL tokens are hashes only.
    const config = await readFile(`${h.dir}/config.json`, 'utf8');
    for (const name of ['ingest', 'created', 'urlToken', 'wrongKey']) expect(config.includes(secrets[name]), `${name} in config.json`).toBe(false);
  });
});
