// Every ingest dialect over real HTTP with the shared fixtures, and every status
// code of the ingest table (PRODUCT.md §2) with its body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES } from '../../src-main/limits';
import { fixture, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
let ingestKey: string;

beforeAll(async () => {
  h = await startHarness();
  ingestKey = await h.key(['ingest']);
});
afterAll(async () => h.stop());

const post = (path: string, body: unknown, key: string | null = ingestKey, headers: Record<string, string> = {}) => h.http('POST', path, { body, key, headers });

describe('generic dialect', () => {
  it('accepts the fixture: 202, durable, normalized with explicit indicators', async () => {
    const res = await post('/v1/ingest/generic', await fixture('generic-alert.json'));
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ success: true, event_id: expect.any(String), alert_id: expect.any(String) });
    const ev = (await h.http('GET', `/api/events/${res.json.event_id}`)).json;
    expect(ev).toMatchObject({
      dialect: 'generic', title: 'Suspicious Process Execution', severity: 'high', level: 'ERROR', status: 'OPEN', priority: 'HIGH',
      occurred_at: '2025-01-15T10:28:00.000Z', body: 'cmd.exe spawned from Excel.exe on WORKSTATION-42', tags: ['endpoint', 'execution'], source_rule_id: 'RULE-001',
    });
    expect(ev.indicators).toEqual(expect.arrayContaining([
      { type: 'ip', value: '10.0.0.42', found_by: ['explicit'] },
      { type: 'account', value: 'jsmith@company.com', found_by: ['explicit'] },
    ]));
    expect(ev.raw).toEqual(await fixture('generic-alert.json'));
    expect(ev.request).toMatchObject({ method: 'POST', path: '/v1/ingest/generic', auth: 'api_key', remote_address: expect.any(String) });
    expect(JSON.stringify(ev)).not.toContain(ingestKey);
    expect(ev.annotations['signals.firehydrant.com/transposer-id']).toBeUndefined();
  });

  it('answers the same on the exact path and on the spellings the router also takes (a trailing slash, other case), with the security headers', async () => {
    const body = { title: 'spelled three ways' };
    const answers = await Promise.all(['/v1/ingest/generic', '/v1/ingest/generic/', '/V1/Ingest/Generic'].map((path) => post(path, body)));
    for (const res of answers) {
      expect([res.status, Object.keys(res.json)]).toEqual([202, ['success', 'event_id', 'alert_id']]);
      expect([res.headers['x-content-type-options'], res.headers['x-frame-options'], res.headers['content-security-policy']]).toEqual(['nosniff', 'DENY', undefined]);
    }
    const refused = await Promise.all(['/v1/ingest/generic', '/v1/ingest/generic/'].map((path) => post(path, body, 'sy_not_a_key')));
    for (const res of refused) expect([res.status, res.json]).toEqual([401, { errors: ['authorization: unknown API key'] }]);
  });

  it('lists every field problem in one 400', async () => {
    const res = await post('/v1/ingest/generic', { severity: 'Severe', occurred_at: 'yesterday', tags: 'x', indicators: [{ type: 'ip', value: 'not-an-ip' }, { type: 'mac', value: 'aa' }] });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual(expect.arrayContaining([
      'title: is required',
      'severity: must be one of Informational, Low, Medium, High, Critical',
      expect.stringMatching(/^occurred_at: /),
      expect.stringMatching(/^tags: /),
      'indicators[0].value: is not a valid ip',
      expect.stringMatching(/^indicators\[1\]\.type: /),
    ]));
  });

  it('answers an exact retry (Idempotency-Key) with 200 duplicate and stores nothing new', async () => {
    const before = h.app.store.stats().events;
    const first = await post('/v1/ingest/generic', { title: 'retry me' }, ingestKey, { 'idempotency-key': 'retry-1' });
    const again = await post('/v1/ingest/generic', { title: 'retry me' }, ingestKey, { 'idempotency-key': 'retry-1' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ success: true, event_id: first.json.event_id, alert_id: first.json.alert_id, duplicate: true });
    expect(h.app.store.stats().events).toBe(before + 1);
  });
});

describe('signal instance dialect', () => {
  it('uses raw.id as the event id; a second POST of the same id is a duplicate', async () => {
    const body = await fixture('dispatch-signal-instance.json');
    const res = await post('/api/v1/default/signals/instances', body);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ success: true, event_id: '6b1f7c2e-3f0a-4c8e-9a51-2d4e8b7f1c90', alert_id: null });
    const dup = await post('/api/v1/default/signals/instances', body);
    expect(dup.status).toBe(200);
    expect(dup.json).toEqual({ success: true, event_id: '6b1f7c2e-3f0a-4c8e-9a51-2d4e8b7f1c90', alert_id: null, duplicate: true });
    const ev = (await h.http('GET', '/api/events/6b1f7c2e-3f0a-4c8e-9a51-2d4e8b7f1c90')).json;
    expect(ev).toMatchObject({ dialect: 'signal_instance', project: 'Test', title: 'process_events', external_id: 'someExternalValue', variant: 'A', occurred_at: '2022-10-19T10:35:01.000Z' });
  });

  it('refuses a key of another organization (403) and an unknown organization (403)', async () => {
    const child = await h.http('POST', '/api/orgs', { body: { name: 'Child Co' } });
    expect(child.status).toBe(201);
    const childKey = await h.key(['ingest'], child.json.id);
    const res = await post('/api/v1/default/signals/instances', { project: 'p', raw: { name: 'x' } }, childKey);
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ errors: ['organization: this key belongs to organization "child-co", not "default"'] });
    const ok = await post('/api/v1/child-co/signals/instances', { project: 'p', raw: { name: 'x' } }, childKey);
    expect(ok.status).toBe(202);
    expect((await post('/api/v1/nope/signals/instances', { project: 'p', raw: {} })).status).toBe(403);
  });

  it("refuses an instance id that is another organization's event: 400 naming raw.id, nothing stored", async () => {
    const other = await h.http('POST', '/api/orgs', { body: { name: 'Tenant Two' } });
    const otherKey = await h.key(['ingest'], other.json.id);
    const raw = { name: 'x', id: '0f4e6d0a-8b1c-4a57-9e3d-5c2b7a1f9e60' };
    expect((await post('/api/v1/default/signals/instances', { project: 'p', raw })).status).toBe(202);
    const events = h.app.store.stats().events;
    const res = await post('/api/v1/tenant-two/signals/instances', { project: 'p', raw }, otherKey);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ errors: [`raw.id: "${raw.id}" is already the id of another organization's event`] });
    expect(h.app.store.stats().events).toBe(events);
  });

  it('names the missing raw (project may be absent)', async () => {
    const res = await post('/api/v1/default/signals/instances', {});
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual(['raw: is required']);
  });
});

describe('event dialect (FireHydrant)', () => {
  it('accepts the open fixture and keeps its model', async () => {
    const res = await post('/v1/ingest/event', await fixture('event-open.json'));
    expect(res.status).toBe(202);
    const ev = (await h.http('GET', `/api/events/${res.json.event_id}`)).json;
    expect(ev).toMatchObject({
      dialect: 'event', title: 'CPU usage too high', body: 'VM CPU utilization is over 90%', status: 'OPEN', level: 'ERROR', severity: 'high',
      idempotency_key: '18913k2b63ifs', tags: ['name:myService', 'region:us-west2'], priority: 'HIGH',
      images: [{ src: 'https://example.com/pic.png', alt: 'Snapshot from [P2] [Triggered] [TEST] Signals Test Monitor' }],
      links: [{ href: 'https://datadoghq.com/event/event?id=238472398472582', text: 'Datadog Monitor' }],
    });
    expect(ev.annotations).toMatchObject({ 'acme-inc/team': 'sre', 'private.signals.firehydrant.com/actor-source': 'api_key' });
  });

  it('cuts a long summary, strips private annotations, reads priority, accepts numeric enums', async () => {
    const summary = 'S'.repeat(250) + 'TAIL-OF-SUMMARY';
    const res = await post('/v1/ingest/event', {
      summary, body: 'original body', status: 1, level: 3,
      annotations: { 'private.signals.firehydrant.com/actor-source': 'forged', 'private.x': 1, 'signals.firehydrant.com/notification-priority': 'low' },
    });
    expect(res.status).toBe(202);
    const ev = (await h.http('GET', `/api/events/${res.json.event_id}`)).json;
    expect(ev.title).toBe('S'.repeat(250) + '...');
    expect(ev.body.startsWith('TAIL-OF-SUMMARY')).toBe(true);
    expect(ev.body).toContain('original body');
    expect(ev.status).toBe('CLOSED');
    expect(ev.level).toBe('FATAL');
    expect(ev.priority).toBe('LOW');
    expect(ev.annotations['private.x']).toBeUndefined();
    expect(ev.annotations['private.signals.firehydrant.com/actor-source']).toBe('api_key');
  });

  it('refuses an idempotency_key over 255 characters', async () => {
    const res = await post('/v1/ingest/event', { summary: 's', idempotency_key: 'k'.repeat(256) });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ errors: ['idempotency_key: longer than 255 characters'] });
  });
});

describe('alertmanager dialect', () => {
  const payload = {
    version: '4', groupKey: '{}:{alertname="HighCPU"}', truncatedAlerts: 0, status: 'firing', receiver: 'switchyard',
    groupLabels: { alertname: 'HighCPU' }, commonLabels: { alertname: 'HighCPU' }, commonAnnotations: {}, externalURL: 'http://127.0.0.1:9093',
    alerts: [
      { status: 'firing', labels: { alertname: 'HighCPU', instance: 'web-1', severity: 'critical' }, annotations: { summary: 'CPU high on web-1', description: 'load 12' }, startsAt: '2026-11-01T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://127.0.0.1:9090/graph', fingerprint: 'fp-web-1' },
      { status: 'resolved', labels: { alertname: 'HighCPU', instance: 'web-2', severity: 'warning' }, annotations: { summary: 'CPU high on web-2' }, startsAt: '2026-11-01T09:00:00Z', endsAt: '2026-11-01T10:00:00Z', generatorURL: 'http://127.0.0.1:9090/graph', fingerprint: 'fp-web-2' },
    ],
  };
  it('stores one event per alert: fingerprint as key, firing/resolved as OPEN/CLOSED, labels as tags', async () => {
    const res = await post('/v1/ingest/alertmanager', payload);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ success: true, event_ids: [expect.any(String), expect.any(String)], alert_ids: [expect.any(String), null] });
    const [a, b] = await Promise.all(res.json.event_ids.map(async (id: string) => (await h.http('GET', `/api/events/${id}`)).json));
    expect(a).toMatchObject({ dialect: 'alertmanager', title: 'CPU high on web-1', body: 'load 12', status: 'OPEN', severity: 'critical', idempotency_key: 'fp-web-1' });
    expect(a.tags).toEqual(expect.arrayContaining(['alertname:HighCPU', 'instance:web-1', 'severity:critical']));
    expect(b).toMatchObject({ status: 'CLOSED', severity: 'medium', idempotency_key: 'fp-web-2' });
  });
  it('names the index of a bad alert', async () => {
    const res = await post('/v1/ingest/alertmanager', { ...payload, alerts: [payload.alerts[0], { ...payload.alerts[1], status: 'exploded' }] });
    expect(res.status).toBe(400);
    expect(res.json.errors).toContain('alerts[1].status: must be one of firing, resolved');
  });
});

// Every HEC path, encoding, token form and error code: test/integration/splunk-hec.test.ts.
describe('splunk HEC dialect', () => {
  it('accepts an array with "Authorization: Splunk", finds sourceIp by the system pass', async () => {
    const before = h.app.store.stats().events;
    const res = await h.http('POST', '/services/collector/event', { body: await fixture('splunk-hec-detection-with-events.json'), key: null, headers: { authorization: `Splunk ${ingestKey}` } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ text: 'Success', code: 0 });
    expect(h.app.store.stats().events).toBe(before + 2);
    const page = (await h.http('GET', '/api/events?dialect=splunk_hec&limit=2')).json;
    const ev = (await h.http('GET', `/api/events/${page.items[0].id}`)).json;
    expect(ev.indicators).toEqual(expect.arrayContaining([{ type: 'ip', value: '10.128.49.107', found_by: ['system'] }]));
  });
  it('accepts envelopes back to back without a JSON content type', async () => {
    const raw = '{"event":{"title":"one"},"time":1700000000}\n{"event":"two as text"}';
    const res = await h.http('POST', '/services/collector/event', { raw, key: ingestKey, headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ text: 'Success', code: 0 });
  });
});

describe('custom source and URL token', () => {
  it('maps any JSON through the transposer, tags the transposer annotations, tests a sample, and takes a URL token', async () => {
    const transposer = '{ "summary": alert.name, "body": alert.text, "level": alert.sev, "status": "OPEN", "idempotency_key": alert.id, "tags": ["team:" & team] }';
    const created = await h.http('POST', '/api/sources', { body: { name: 'Acme Monitor', dialect: 'custom', transposer, url_token: true } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ slug: 'acme-monitor', dialect: 'custom', has_token: true, url_token: expect.stringMatching(/^syh_/), hook_url: expect.stringContaining('/v1/hooks/syh_') });
    expect(created.json.token_hash).toBeUndefined();
    const sample = { alert: { name: 'Disk full', text: '/var at 99%', sev: 'warn', id: 'disk-1' }, team: 'infra' };

    const tested = await h.http('POST', `/api/sources/${created.json.id}/test`, { body: { sample } });
    expect(tested.status).toBe(200);
    expect(tested.json.events[0]).toMatchObject({ title: 'Disk full', level: 'WARN', idempotency_key: 'disk-1', tags: ['team:infra'] });
    const draft = await h.http('POST', `/api/sources/${created.json.id}/test`, { body: { sample, transposer: '{ "summary": $uppercase(alert.name) }' } });
    expect(draft.json.events[0].title).toBe('DISK FULL');
    const broken = await h.http('POST', `/api/sources/${created.json.id}/test`, { body: { sample, transposer: '{ "summary": ' } });
    expect(broken.status).toBe(400);
    expect(broken.json.errors[0]).toMatch(/^transposer: /);

    const res = await post('/v1/ingest/custom/acme-monitor', sample);
    expect(res.status).toBe(202);
    const ev = (await h.http('GET', `/api/events/${res.json.event_id}`)).json;
    expect(ev).toMatchObject({ dialect: 'custom', source: created.json.id, title: 'Disk full' });
    expect(ev.annotations).toMatchObject({
      'signals.firehydrant.com/transposer-id': created.json.id,
      'signals.firehydrant.com/transposer-name': 'acme-monitor',
      'private.signals.firehydrant.com/actor-source': 'integration',
    });

    const hook = await h.http('POST', `/v1/hooks/${created.json.url_token}`, { body: sample, key: null });
    expect(hook.status).toBe(202);
    const hooked = (await h.http('GET', `/api/events/${hook.json.event_id}`)).json;
    expect(hooked.request.auth).toBe('url_token');
    expect(JSON.stringify(hooked)).not.toContain(created.json.url_token);
    expect((await h.http('POST', '/v1/hooks/syh_unknown', { body: sample, key: null })).json).toEqual({ errors: ['token: unknown URL token'] });

    const rotated = await h.http('POST', `/api/sources/${created.json.id}/rotate-token`);
    expect((await h.http('POST', `/v1/hooks/${created.json.url_token}`, { body: sample, key: null })).status).toBe(401);
    expect((await h.http('POST', `/v1/hooks/${rotated.json.url_token}`, { body: sample, key: null })).status).toBe(202);
  });

  it('refuses a custom source without a transposer or with one that does not compile', async () => {
    expect((await h.http('POST', '/api/sources', { body: { name: 'No map', dialect: 'custom' } })).json).toEqual({ errors: ['transposer: is required for a custom source'] });
    const bad = await h.http('POST', '/api/sources', { body: { name: 'Bad map', dialect: 'custom', transposer: '{ "a": ' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0]).toMatch(/^transposer: /);
    expect((await post('/v1/ingest/custom/nothing-here', {})).status).toBe(404);
  });
});

describe('status codes of the ingest table', () => {
  it('400: invalid JSON, with the position', async () => {
    const res = await h.http('POST', '/v1/ingest/generic', { raw: '{"title": "x",}', key: ingestKey, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.json.errors).toHaveLength(1);
    expect(res.json.errors[0]).toMatch(/^body: invalid JSON at position 14/);
  });
  it('401: no key, unknown key', async () => {
    const none = await post('/v1/ingest/generic', { title: 'x' }, null);
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ errors: ['authorization: missing API key; send "Authorization: Bearer <key>"'] });
    const unknown = await post('/v1/ingest/generic', { title: 'x' }, 'sy_nope');
    expect(unknown.status).toBe(401);
    expect(unknown.json).toEqual({ errors: ['authorization: unknown API key'] });
  });
  it('403: a key without the ingest scope', async () => {
    const readKey = await h.key(['read']);
    const res = await post('/v1/ingest/generic', { title: 'x' }, readKey);
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ errors: ['authorization: this key lacks the "ingest" scope'] });
  });
  it('413: a body over the limit', async () => {
    const res = await h.http('POST', '/v1/ingest/generic', { raw: JSON.stringify({ title: 'x', description: 'y'.repeat(BODY_LIMIT_BYTES) }), key: ingestKey, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ errors: [`body: larger than the limit of ${BODY_LIMIT_BYTES} bytes`] });
  });
  it('415: not JSON', async () => {
    const res = await h.http('POST', '/v1/ingest/generic', { raw: 'title=x', key: ingestKey, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expect(res.json).toEqual({ errors: [`content-type: expected application/json, got "application/x-www-form-urlencoded"; send -H 'Content-Type: application/json'`] });
  });
});

describe('limits that need their own appliance', () => {
  it('429 with Retry-After over the per-key rate', async () => {
    const small = await startHarness({ rateLimit: { perSecond: 1, burst: 2 } });
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 3; i++) {
        last = await small.http('POST', '/v1/ingest/generic', { body: { title: `r${i}` } });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([202, 202, 429]);
      expect(last!.headers['retry-after']).toBe('1');
      expect(last!.json.errors[0]).toMatch(/^rate: over this key's limit/);
    } finally {
      await small.stop();
    }
  });
  it('503 with Retry-After when the write queue is saturated, and nothing half-stored', async () => {
    const tiny = await startHarness({ writeQueueMax: 1 });
    try {
      const res = await tiny.http('POST', '/v1/ingest/alertmanager', { body: { version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { a: '1' } }, { status: 'firing', labels: { a: '2' } }] } });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json).toEqual({ errors: ['store: the write queue is full; retry shortly'] });
      expect(tiny.app.store.stats().events).toBe(0);
      expect((await tiny.http('POST', '/v1/ingest/generic', { body: { title: 'fits' } })).status).toBe(202);
    } finally {
      await tiny.stop();
    }
  });
});
