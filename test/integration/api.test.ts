// Management API base, stream, health, metrics, OpenAPI, and the security base.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_BYTES_MAX } from '../../src-main/limits';
import { ADMIN_KEY, startHarness, type Harness } from '../helpers/harness';
import { uiSession } from '../helpers/session';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.stop());


describe('events list', () => {
  it('pages newest first with a cursor and filters by dialect, severity, status, source and text', async () => {
    for (let i = 0; i < 5; i++) await h.http('POST', '/v1/ingest/generic', { body: { title: `page item ${i}`, severity: i % 2 ? 'High' : 'Low' } });
    await h.http('POST', '/v1/ingest/event', { body: { summary: 'closed one', status: 'CLOSED' } });
    const first = await h.http('GET', '/api/events?limit=2&dialect=generic');
    expect(first.json.items.map((e: any) => e.title)).toEqual(['page item 4', 'page item 3']);
    const second = await h.http('GET', `/api/events?limit=2&dialect=generic&cursor=${first.json.next_cursor}`);
    expect(second.json.items.map((e: any) => e.title)).toEqual(['page item 2', 'page item 1']);
    const high = await h.http('GET', '/api/events?severity=high');
    expect(high.json.items.map((e: any) => e.title)).toEqual(['page item 3', 'page item 1']);
    expect((await h.http('GET', '/api/events?status=CLOSED')).json.items.map((e: any) => e.title)).toEqual(['closed one']);
    expect((await h.http('GET', '/api/events?text=ITEM 2')).json.items.map((e: any) => e.title)).toEqual(['page item 2']);
    expect((await h.http('GET', '/api/events?source=event')).json.items).toHaveLength(1);
    const bad = await h.http('GET', '/api/events?severity=loud&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual(['severity: must be one of informational, low, medium, high, critical, pending', 'limit: must be an integer from 1 to 500']);
    expect((await h.http('GET', '/api/events/nope')).status).toBe(404);
  });
});

describe('keys and organizations', () => {
  it('shows a key once, stores only its hash, revokes it', async () => {
    const created = await h.http('POST', '/api/keys', { body: { name: 'ci', scopes: ['ingest', 'read'] } });
    expect(created.status).toBe(201);
    expect(created.json.key).toMatch(/^sy_/);
    expect(created.json.hash).toBeUndefined();
    const list = await h.http('GET', '/api/keys');
    expect(list.text).not.toContain(created.json.key);
    expect(list.json.items.find((k: any) => k.id === created.json.id)).toMatchObject({ name: 'ci', scopes: ['ingest', 'read'], prefix: created.json.key.slice(0, 10) });
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(`${h.dir}/config.json`, 'utf8')).not.toContain(created.json.key);
    expect((await h.http('DELETE', `/api/keys/${created.json.id}`)).status).toBe(204);
    expect((await h.http('POST', '/v1/ingest/generic', { body: { title: 'x' }, key: created.json.key })).status).toBe(401);
  });
  it('stops taking a key the moment it is revoked, also after it was used', async () => {
    const created = await h.http('POST', '/api/keys', { body: { name: 'sender', scopes: ['ingest'] } });
    for (let i = 0; i < 3; i++) expect((await h.http('POST', '/v1/ingest/generic', { body: { title: `sent ${i}` }, key: created.json.key })).status).toBe(202);
    // Another key created meanwhile does not revive or disturb it.
    const other = await h.http('POST', '/api/keys', { body: { name: 'other', scopes: ['read'] } });
    expect((await h.http('POST', '/v1/ingest/generic', { body: { title: 'read only' }, key: other.json.key })).status).toBe(403);
    expect((await h.http('POST', '/v1/ingest/generic', { body: { title: 'still good' }, key: created.json.key })).status).toBe(202);
    expect((await h.http('DELETE', `/api/keys/${created.json.id}`)).status).toBe(204);
    const refused = await h.http('POST', '/v1/ingest/generic', { body: { title: 'after revoke' }, key: created.json.key });
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({ errors: ['authorization: unknown API key'] });
    // Splunk's answer to a token it does not know: 403, code 4.
    const hec = await h.http('POST', '/services/collector/event', { body: { event: 'after revoke' }, headers: { authorization: `Splunk ${created.json.key}` }, key: null });
    expect([hec.status, hec.json.code]).toEqual([403, 4]);
  });
  it('validates bodies with every problem listed, and 409 on a taken slug', async () => {
    const bad = await h.http('POST', '/api/keys', { body: { scopes: ['root'], extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual(expect.arrayContaining(['name: is required', expect.stringMatching(/^scopes\[0\]: must be one of ingest, read, admin/)]));
    expect((await h.http('POST', '/api/orgs', { body: { name: 'Acme' } })).status).toBe(201);
    const clash = await h.http('POST', '/api/orgs', { body: { name: 'Acme again', slug: 'acme' } });
    expect(clash.status).toBe(409);
    expect(clash.json).toEqual({ errors: ['slug: an organization with slug "acme" already exists'] });
    const orgs = (await h.http('GET', '/api/orgs')).json.items.map((o: any) => o.slug);
    expect(orgs).toEqual(expect.arrayContaining(['default', 'acme']));
  });
  it('keeps the management API to admin keys', async () => {
    const ingestOnly = await h.key(['ingest']);
    expect((await h.http('GET', '/api/events', { key: ingestOnly })).json).toEqual({ errors: ['authorization: this key lacks the "admin" scope'] });
  });
});

describe('live stream', () => {
  it('pushes each new event as a server-sent event', async () => {
    const res = await request(`${h.app.url}/api/stream`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    let text = '';
    const got = new Promise<void>((resolve) => {
      res.body.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('streamed title')) resolve();
      });
    });
    await h.http('POST', '/v1/ingest/generic', { body: { title: 'streamed title' } });
    await got;
    res.body.destroy();
    const message = text.split('\n\n').find((m) => m.includes('streamed title'))!;
    expect(message).toContain('event: event.created');
    const data = JSON.parse(message.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
    expect(data).toMatchObject({ title: 'streamed title', dialect: 'generic', severity: 'pending' });
  });
});

describe('health, metrics, OpenAPI', () => {
  it('answers /healthz and Prometheus metrics with events by dialect/outcome, fsync latency and queue depth', async () => {
    const health = await h.http('GET', '/healthz', { key: null });
    expect(health.json).toMatchObject({ status: 'ok', store: { events: expect.any(Number), queue_depth: 0 } });
    await h.http('POST', '/v1/ingest/generic', { body: {} });
    const metrics = await h.http('GET', '/metrics', { key: null });
    expect(metrics.text).toMatch(/switchyard_events_total\{dialect="generic",outcome="accepted"\} \d+/);
    expect(metrics.text).toMatch(/switchyard_events_total\{dialect="generic",outcome="rejected"\} \d+/);
    expect(metrics.text).toMatch(/switchyard_store_fsync_seconds_count \d+/);
    expect(metrics.text).toContain('switchyard_store_queue_depth 0');
    expect(metrics.text).not.toContain(ADMIN_KEY);
  });
  it('documents every endpoint in /openapi.json with its request schema', async () => {
    const doc = (await h.http('GET', '/openapi.json', { key: null })).json;
    const paths = Object.keys(doc.paths);
    for (const p of ['/v1/ingest/generic', '/v1/ingest/event', '/v1/ingest/alertmanager', '/services/collector/event', '/api/v1/{organization}/signals/instances', '/v1/ingest/custom/{slug}', '/v1/hooks/{token}', '/api/events', '/api/events/{id}', '/api/sources', '/api/sources/{id}/test', '/api/keys', '/api/orgs', '/api/stream', '/healthz', '/metrics', '/openapi.json']) {
      expect(paths).toContain(p);
    }
    expect(doc.paths['/v1/ingest/generic'].post.requestBody.content['application/json'].schema.required).toContain('title');
    expect(doc.paths['/api/keys'].post.requestBody.content['application/json'].schema.properties.scopes).toBeDefined();
  });
});

describe('security base', () => {
  it('refuses a rebound Host (DNS rebinding) on the UI and the API', async () => {
    for (const path of ['/', '/api/events', '/healthz']) {
      const res = await h.http('GET', path, { headers: { host: 'evil.example' } });
      expect(res.status).toBe(403);
      expect(res.json.errors[0]).toMatch(/^host: "evil.example" is not an allowed host/);
    }
  });
  it('logs in by one-time link to an HttpOnly SameSite=Strict cookie; the link works once', async () => {
    const link = new URL(await h.app.loginUrl());
    const { setCookie, csrf } = await uiSession(h);
    expect(setCookie).toMatch(/sy_session=[^;]+/);
    expect(setCookie.toLowerCase()).toContain('httponly');
    expect(setCookie.toLowerCase()).toContain('samesite=strict');
    expect(csrf).toEqual(expect.any(String));
    const first = await h.http('GET', link.pathname + link.search, { key: null });
    expect(first.status).toBe(302);
    const again = await h.http('GET', link.pathname + link.search, { key: null });
    expect(again.status).toBe(401);
  });
  it('refuses a cross-origin cookie POST and a cookie POST without the CSRF token; accepts it with the token', async () => {
    const { cookie, csrf } = await uiSession(h);
    const body = { name: 'from the ui', scopes: ['read'] };
    const crossOrigin = await h.http('POST', '/api/keys', { body, key: null, headers: { cookie, origin: 'http://evil.example', 'x-csrf-token': csrf } });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.json).toEqual({ errors: ['origin: "http://evil.example" is not this appliance\'s origin'] });
    const noToken = await h.http('POST', '/api/keys', { body, key: null, headers: { cookie, origin: h.app.url } });
    expect(noToken.status).toBe(403);
    expect(noToken.json).toEqual({ errors: ['x-csrf-token: missing or wrong CSRF token; reload the page'] });
    const ok = await h.http('POST', '/api/keys', { body, key: null, headers: { cookie, origin: h.app.url, 'x-csrf-token': csrf } });
    expect(ok.status).toBe(201);
    // A cookie never authenticates ingest: those take keys only.
    expect((await h.http('POST', '/v1/ingest/generic', { body: { title: 'x' }, key: null, headers: { cookie } })).status).toBe(401);
  });
  it('never writes a key or token into the log', async () => {
    await h.http('POST', '/v1/ingest/generic', { body: { title: 'x' }, key: 'sy_wrong_key_that_must_not_be_logged' });
    const log = h.logLines.join('');
    expect(log).not.toContain(ADMIN_KEY);
    expect(log).not.toContain('sy_wrong_key_that_must_not_be_logged');
  });
  it('sends the UI with a same-origin Content-Security-Policy', async () => {
    const res = await h.http('GET', '/', { key: null });
    // uiDir is null in this harness: the shell explains how to build the UI.
    expect(res.status).toBe(503);
    expect(res.text).toContain('npm run build');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
  it('answers oversized headers with 431 in the error shape', async () => {
    const res = await h.http('GET', '/healthz', { key: null, headers: { 'x-padding': 'p'.repeat(HEADER_BYTES_MAX + 1) } });
    expect(res.status).toBe(431);
    expect(res.json).toEqual({ errors: [`headers: larger than ${HEADER_BYTES_MAX} bytes`] });
  });
  it('answers unknown endpoints and methods in the error shape', async () => {
    expect((await h.http('GET', '/api/nothing')).json).toEqual({ errors: ['path: no endpoint GET /api/nothing; see /openapi.json'] });
    const wrong = await h.http('PUT', '/api/events');
    expect(wrong.status).toBe(405);
    expect(wrong.json.errors[0]).toMatch(/^method: PUT is not allowed/);
  });
});
