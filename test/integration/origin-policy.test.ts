// One origin policy: every management write refuses a foreign Origin the same way, whether it
// carries a bearer key or the UI cookie, wherever its path is (/api/… or Armor's /v1/accounts/…).
// The writes are read from the live /openapi.json, which the route table builds: a new
// management route is covered without touching this test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startHarness, type Harness } from '../helpers/harness';
import { uiSession } from '../helpers/session';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.stop());

const FOREIGN = 'http://evil.example';
const REFUSED = { errors: [`origin: "${FOREIGN}" is not this appliance's origin`] };
const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];

interface Operation { method: string; path: string; scopes: string[] }

async function managementWrites(): Promise<Operation[]> {
  const doc = (await h.http('GET', '/openapi.json')).json;
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!WRITE_METHODS.includes(method)) continue;
      const scopes = (op.security ?? []).flatMap((s: Record<string, string[]>) => s.apiKey ?? []);
      if (scopes.includes('admin') || scopes.includes('read')) out.push({ method: method.toUpperCase(), path, scopes });
    }
  }
  return out;
}

const concrete = (path: string) => path.replace('{org}', 'default').replace(/\{\w+\}/g, 'x');

describe('foreign Origin on management writes', () => {
  it('is refused with the same 403 on every management write, with the env key, a stored admin key and the UI cookie', async () => {
    const writes = await managementWrites();
    // The route table really lists the writes that used to differ.
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual(expect.arrayContaining([
      'POST /api/keys', 'POST /v1/accounts/{org}/notifications', 'POST /v1/accounts/{org}/transform', 'DELETE /api/keys/{id}',
    ]));
    const s = await uiSession(h);
    const storedKey = await h.key(['admin']);
    for (const w of writes) {
      const withEnvKey = await h.http(w.method, concrete(w.path), { body: {}, headers: { origin: FOREIGN } });
      expect([withEnvKey.status, withEnvKey.json], `${w.method} ${w.path} with SWITCHYARD_API_KEY`).toEqual([403, REFUSED]);
      const withKey = await h.http(w.method, concrete(w.path), { body: {}, key: storedKey, headers: { origin: FOREIGN } });
      expect([withKey.status, withKey.json], `${w.method} ${w.path} with an admin key`).toEqual([403, REFUSED]);
      const withCookie = await h.http(w.method, concrete(w.path), { body: {}, key: null, headers: { origin: FOREIGN, cookie: s.cookie, 'x-csrf-token': s.csrf } });
      expect([withCookie.status, withCookie.json], `${w.method} ${w.path} with the UI cookie`).toEqual([403, REFUSED]);
    }
  });

  it('refuses an Armor notification config from a foreign origin and stores nothing; the same request without one is created', async () => {
    const body = await fixture('notification-config.json');
    const refused = await h.http('POST', '/v1/accounts/default/notifications', { body, headers: { origin: FOREIGN } });
    expect([refused.status, refused.json]).toEqual([403, REFUSED]);
    const crossSite = await h.http('POST', '/v1/accounts/default/transform', { body: { format: 'default' }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect([crossSite.status, crossSite.json]).toEqual([403, { errors: ['origin: cross-site requests are refused'] }]);
    expect((await h.http('GET', '/api/destinations')).json.items).toEqual([]);
    expect((await h.http('GET', '/api/transform')).status).toBe(404);
    // A script (no Origin) and the UI's own origin pass.
    expect((await h.http('POST', '/v1/accounts/default/notifications', { body })).status).toBe(201);
    expect((await h.http('POST', '/v1/accounts/default/notifications', { body: { ...body, name: 'second' }, headers: { origin: h.app.url } })).status).toBe(201);
  });

  it('leaves ingest endpoints to their keys: a tool behind a browser page may post with its own origin', async () => {
    const key = await h.key(['ingest']);
    const generic = await h.http('POST', '/v1/ingest/generic', { body: { title: 'from a page' }, key, headers: { origin: FOREIGN } });
    expect(generic.status).toBe(202);
    const dispatch = await h.http('POST', '/api/v1/default/signals/instances', { body: { raw: { name: 'from a page' } }, key, headers: { origin: FOREIGN } });
    expect(dispatch.status).toBe(202);
  });
});
