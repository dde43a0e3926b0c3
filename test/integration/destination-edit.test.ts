// Over HTTP against a real appliance and local receivers: editing a destination in place
// (PATCH; masked secrets sent back keep the saved ones, kind fixed, checks as on create, the
// circuit reset by a new URI, enabled honoured), the search URL template in GET /api/settings,
// and cursor paging of /api/deliveries.
import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness';
import { useDeliveryApps } from '../helpers/delivery-apps';
import { until } from '../helpers/wait';

const { app, receiver } = useDeliveryApps();
async function create(h: Harness, body: Record<string, unknown>) {
  const res = await h.http('POST', '/api/destinations', { body: { event_type: ['security_event'], ...body } });
  expect(res.status).toBe(201);
  return res.json;
}
/** Sends a test to the destination (one attempt, answered at once) and checks it succeeded. */
async function testSend(h: Harness, id: string) {
  const res = await h.http('POST', `/api/destinations/${id}/test`);
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ ok: true, status: 200 });
  return res.json;
}
/** The delivery an event owes a destination, once the engine has it. */
async function deliveryFor(h: Harness, eventId: string, destinationId: string) {
  return until(async () => (await h.http('GET', `/api/deliveries?event=${eventId}&destination=${destinationId}`)).json.items[0]);
}
/** A new delivery of the same payload, made by hand, and sent (succeeded). */
async function redeliver(h: Harness, id: string) {
  const again = await h.http('POST', `/api/deliveries/${id}/redeliver`);
  expect(again.status).toBe(202);
  return until(async () => {
    const d = (await h.http('GET', `/api/deliveries/${again.json.id}`)).json;
    return d.status === 'succeeded' ? d : undefined;
  });
}

describe('PATCH /api/destinations/{id}', () => {
  it('edits a webhook from its masked view: secrets kept (the receiver still gets them), answers masked, config free of masks', async () => {
    const h = await app();
    const r = await receiver();
    const created = await create(h, {
      name: 'Ops hook', kind: 'webhook', uri: `${r.url}/v1`,
      headers: [{ key: 'Authorization', value: 'Bearer receiver-secret' }, { key: 'X-Team', value: 'soc' }],
    });
    // What an edit form holds: the destination as GET shows it.
    const shown = (await h.http('GET', `/api/destinations/${created.id}`)).json;
    expect(shown.headers).toEqual([{ key: 'Authorization', value: 'Bearer ***' }, { key: 'X-Team', value: 'soc' }]);
    const edited = await h.http('PATCH', `/api/destinations/${created.id}`, {
      body: { name: 'Ops hook v2', kind: shown.kind, uri: `${r.url}/v2`, format: 'envelope', headers: [...shown.headers, { key: 'X-Env', value: 'prod' }], event_type: ['security_incident'], email_for_error: null, enabled: true },
    });
    expect(edited.status).toBe(200);
    expect(edited.json).toMatchObject({
      id: created.id, name: 'Ops hook v2', kind: 'webhook', uri: `${r.url}/v2`, format: 'envelope', event_type: ['security_incident'], signing_secret: 'whsec_***',
      headers: [{ key: 'Authorization', value: 'Bearer ***' }, { key: 'X-Team', value: 'soc' }, { key: 'X-Env', value: 'prod' }],
      circuit: { state: 'closed', failures: 0 },
    });
    expect(edited.text).not.toContain('receiver-secret');

    await testSend(h, created.id);
    const [got] = await r.waitFor(1);
    expect(got.url).toBe('/v2');
    expect(got.headers.authorization).toBe('Bearer receiver-secret');
    expect(got.headers['x-env']).toBe('prod');
    const { readFile } = await import('node:fs/promises');
    const config = await readFile(`${h.dir}/config.json`, 'utf8');
    expect(config).not.toContain('Bearer ***');
    expect((await h.http('GET', '/api/destinations')).json.items[0]).toMatchObject({ name: 'Ops hook v2', uri: `${r.url}/v2` });
  });

  it('keeps the Armor config header secret and the HEC token when sent back masked; a new token replaces it', async () => {
    const h = await app();
    const r = await receiver();
    const armor = await h.http('POST', '/v1/accounts/default/notifications', {
      body: { name: 'armor', event_type: ['security_event'], properties: [{ type: 'uri', key: 'uri', value: r.url }, { type: 'header', key: 'Authorization', value: 'Splunk armor-secret' }] },
    });
    expect(armor.status).toBe(201);
    expect((await h.http('PATCH', `/api/destinations/${armor.json.id}`, { body: { name: 'armor renamed', headers: armor.json.headers } })).status).toBe(200);
    await testSend(h, armor.json.id);
    expect((await r.waitFor(1))[0].headers.authorization).toBe('Splunk armor-secret');

    const hec = await create(h, { name: 'hec', kind: 'splunk_hec', uri: `${r.url}/services/collector/event`, token: 'hec-token-1' });
    expect(hec.token).toBe('***');
    const kept = await h.http('PATCH', `/api/destinations/${hec.id}`, { body: { token: '***', uri: `${r.url}/services/collector/event?x=1` } });
    expect(kept.json).toMatchObject({ token: '***', format: 'splunk' });
    await testSend(h, hec.id);
    expect((await r.waitFor(2))[1].headers.authorization).toBe('Splunk hec-token-1');
    await h.http('PATCH', `/api/destinations/${hec.id}`, { body: { token: 'hec-token-2' } });
    await testSend(h, hec.id);
    expect((await r.waitFor(3))[2].headers.authorization).toBe('Splunk hec-token-2');
  });

  it('answers 400 naming each field: kind changed, CR/LF headers, a bad URI, an unknown field, an empty body, a mask with nothing saved; 404 for no such destination', async () => {
    const h = await app();
    const d = await create(h, { name: 'hook', kind: 'webhook', uri: 'http://127.0.0.1:9/' });
    const patch = (body: unknown, id = d.id) => h.http('PATCH', `/api/destinations/${id}`, { body });

    expect((await patch({ kind: 'slack' })).json).toEqual({ errors: ['kind: cannot be changed (this destination is webhook); create a new destination instead'] });
    const bad = await patch({ uri: 'ftp://x/', headers: [{ key: 'X-Evil', value: 'a\r\nInjected: yes' }] });
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual(['uri: must start with http:// or https://', 'headers[0].value: must not contain CR or LF']);
    expect((await patch({ uri: 'x'.repeat(2049) })).json.errors).toEqual(['uri: longer than 2048 characters']);
    expect((await patch({ signing_secret: 'whsec_mine' })).json.errors).toEqual(['signing_secret: is not a known field']);
    expect((await patch({})).json.errors).toEqual(['body: must have at least 1 field']);
    expect((await patch({ kind: 'pager' })).json.errors[0]).toMatch(/^kind: must be one of webhook/);
    expect((await patch({ headers: [{ key: 'X-Api-Key', value: '***' }] })).json.errors).toEqual(['headers[0].value: "***" is a masked value and no saved X-Api-Key header has it; send the real value']);
    expect((await patch({ token: '***' })).json.errors).toEqual(['token: "***" is the masked view of a saved token and none is saved; send the token itself']);
    const missing = await patch({ name: 'x' }, '00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ errors: ['id: no destination "00000000-0000-0000-0000-000000000000"'] });
    // Nothing was changed by the refused edits.
    expect((await h.http('GET', `/api/destinations/${d.id}`)).json).toMatchObject({ name: 'hook', kind: 'webhook', uri: 'http://127.0.0.1:9/', headers: [] });
  });

  it('resets the circuit when the URI changes (and only then); what was pending goes to the new URI', async () => {
    const h = await app({ delivery: { retrySchedule: [0, 0.05, 0.3, 0.3, 0.3, 0.3], jitter: 0, timeoutMs: 1000, circuit: { threshold: 2, backoffMinMs: 60_000, backoffMaxMs: 60_000 } } });
    const down = await receiver([], { status: 500 });
    const up = await receiver();
    const d = await create(h, { name: 'breaker', kind: 'webhook', uri: down.url });
    const event = (await h.http('POST', '/v1/ingest/generic', { body: { title: 'breaker' } })).json;
    const started = { json: await deliveryFor(h, event.event_id, d.id) };
    await down.waitFor(2);
    const open = await until(async () => {
      const x = (await h.http('GET', `/api/destinations/${d.id}`)).json;
      return x.circuit.state === 'open' ? x : undefined;
    });
    expect(open.circuit.failures).toBe(2);

    const renamed = await h.http('PATCH', `/api/destinations/${d.id}`, { body: { name: 'breaker renamed', uri: down.url } });
    expect(renamed.json.circuit).toMatchObject({ state: 'open', failures: 2 });

    // Let the retry fall due and be held by the open circuit (the next try is then the probe, a minute away).
    const held = await until(async () => {
      const x = (await h.http('GET', `/api/deliveries/${started.json.id}`)).json;
      return x.attempt_count === 2 && x.next_attempt_at ? x : undefined;
    });
    await new Promise((res) => setTimeout(res, Math.max(0, Date.parse(held.next_attempt_at) - Date.now()) + 300));
    expect(down.received).toHaveLength(2);

    const moved = await h.http('PATCH', `/api/destinations/${d.id}`, { body: { uri: up.url } });
    expect(moved.status).toBe(200);
    expect(moved.json.circuit).toEqual({ state: 'closed', failures: 0, opened_at: null, next_probe_at: null });
    // The probe would have waited a minute; the pending delivery goes to the new receiver now.
    await up.waitFor(1, 5000);
    const done = await until(async () => {
      const x = (await h.http('GET', `/api/deliveries/${started.json.id}`)).json;
      return x.status === 'succeeded' ? x : undefined;
    });
    expect(done.attempts.map((a: any) => a.request.url)).toEqual([down.url, down.url, up.url]);
    expect(down.received).toHaveLength(2);
  });

  it('a disabled destination gets no deliveries for new events; enabled again, it does', async () => {
    const h = await app();
    const r = await receiver();
    const d = await create(h, { name: 'toggle', kind: 'webhook', uri: r.url });
    expect((await h.http('PATCH', `/api/destinations/${d.id}`, { body: { enabled: false } })).json.enabled).toBe(false);
    const quiet = (await h.http('POST', '/v1/ingest/generic', { body: { title: 'while disabled' } })).json;
    expect((await h.http('GET', `/api/deliveries?event=${quiet.event_id}`)).json.items).toEqual([]);
    expect((await h.http('PATCH', `/api/destinations/${d.id}`, { body: { enabled: true } })).json.enabled).toBe(true);
    const heard = (await h.http('POST', '/v1/ingest/generic', { body: { title: 'enabled again' } })).json;
    const [got] = await r.waitFor(1);
    expect(JSON.parse(got.body)[0].event_uuid).toBe(heard.event_id);
    expect(r.received).toHaveLength(1);
  });
});

describe('GET /api/settings', () => {
  it("includes the organization's search URL template: null until set, the saved value, null again when removed", async () => {
    const h = await app();
    expect((await h.http('GET', '/api/settings')).json.search_url_template).toBeNull();
    const template = 'https://kibana.local/app/discover#/?query={{value}}';
    expect((await h.http('PUT', '/api/settings/search-url-template', { body: { template } })).status).toBe(200);
    expect((await h.http('GET', '/api/settings')).json.search_url_template).toBe(template);

    const org = (await h.http('POST', '/api/orgs', { body: { name: 'Other' } })).json;
    const otherKey = await h.key(['admin'], org.id);
    expect((await h.http('GET', '/api/settings', { key: otherKey })).json.search_url_template).toBeNull();

    await h.http('PUT', '/api/settings/search-url-template', { body: { template: null } });
    expect((await h.http('GET', '/api/settings')).json.search_url_template).toBeNull();
  });
});

describe('GET /api/deliveries paging', () => {
  it('pages newest first by cursor; a delivery made meanwhile does not shift later pages; filters hold across pages; bad cursor and limit are 400s', async () => {
    const h = await app();
    const r = await receiver();
    const a = await create(h, { name: 'a', kind: 'webhook', uri: r.url });
    const b = await create(h, { name: 'b', kind: 'webhook', uri: r.url });
    // One event: a delivery to each (the oldest two); then seven by hand, alternating.
    const event = (await h.http('POST', '/v1/ingest/generic', { body: { title: 'seed' } })).json;
    const seedA = (await deliveryFor(h, event.event_id, a.id)).id;
    const seedB = (await deliveryFor(h, event.event_id, b.id)).id;
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await redeliver(h, i % 2 ? seedB : seedA)).id);
    const newestFirst = [...made].reverse();

    const first = (await h.http('GET', '/api/deliveries?limit=3')).json;
    expect(first.items.map((d: any) => d.id)).toEqual(newestFirst.slice(0, 3));
    expect(first.next_cursor).toEqual(expect.any(String));
    const extra = await redeliver(h, seedA); // on top; the pages already handed out do not move
    const second = (await h.http('GET', `/api/deliveries?limit=3&cursor=${first.next_cursor}`)).json;
    expect(second.items.map((d: any) => d.id)).toEqual(newestFirst.slice(3, 6));
    const third = (await h.http('GET', `/api/deliveries?limit=3&cursor=${second.next_cursor}`)).json;
    expect(third.items[0].id).toBe(newestFirst[6]);
    expect(third.items.slice(1).map((d: any) => d.id).sort()).toEqual([seedA, seedB].sort());
    expect(third.next_cursor).toBeNull();
    expect((await h.http('GET', '/api/deliveries?limit=3')).json.items[0].id).toBe(extra.id);

    // An exact fit ends with next_cursor null, not an empty page.
    const all = (await h.http('GET', '/api/deliveries?limit=10')).json;
    expect(all.items).toHaveLength(10);
    expect(all.next_cursor).toBeNull();

    const toB = [...made.filter((_, i) => i % 2 === 1).reverse(), seedB];
    const b1 = (await h.http('GET', `/api/deliveries?destination=${b.id}&limit=2`)).json;
    const b2 = (await h.http('GET', `/api/deliveries?destination=${b.id}&limit=2&cursor=${b1.next_cursor}`)).json;
    expect([...b1.items, ...b2.items].map((d: any) => d.id)).toEqual(toB);
    expect(b2.next_cursor).toBeNull();

    expect((await h.http('GET', '/api/deliveries?cursor=nope')).json).toEqual({ errors: ['cursor: not a cursor from this list'] });
    const bad = await h.http('GET', '/api/deliveries?limit=0&status=lost');
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual(['status: must be one of pending, succeeded, dead', 'limit: must be an integer from 1 to 500']);
    // Another organization's delivery id is not a cursor of its list.
    const org = (await h.http('POST', '/api/orgs', { body: { name: 'Elsewhere' } })).json;
    const otherKey = await h.key(['admin'], org.id);
    const foreign = await h.http('GET', `/api/deliveries?cursor=${first.next_cursor}`, { key: otherKey });
    expect(foreign.status).toBe(400);
    expect((await h.http('GET', '/api/deliveries', { key: otherKey })).json).toEqual({ items: [], next_cursor: null });
  });

  it('documents cursor and limit for /api/deliveries and the PATCH body in /openapi.json', async () => {
    const h = await app();
    const doc = (await h.http('GET', '/openapi.json', { key: null })).json;
    expect(doc.paths['/api/deliveries'].get.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['cursor', 'limit']));
    const patch = doc.paths['/api/destinations/{id}'].patch;
    expect(patch.requestBody.content['application/json'].schema.title).toBe('DestinationUpdate');
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
  });
});
