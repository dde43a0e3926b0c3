// Transform config over HTTP: the Armor-shaped create, versions, diff, rollback, and the
// preview of a stored event through a draft config with the tag store and search link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startHarness, type Harness } from '../helpers/harness';

let h: Harness;
let orgId: string;
beforeAll(async () => {
  h = await startHarness();
  orgId = (await h.http('GET', '/api/session')).json.organization.id;
});
afterAll(async () => h.stop());

describe('transform config', () => {
  it('creates from the Armor fixture once (409 after), replaces with versions, diffs and rolls back', async () => {
    const body = await fixture('transform-config.json');
    const created = await h.http('POST', `/v1/accounts/default/transform`, { body });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ organization: orgId, name: 'Hello world config', format: 'splunk', version: 1, event_type: ['security_incident', 'security_detection', 'security_event'] });
    const again = await h.http('POST', '/api/transform', { body });
    expect(again.status).toBe(409);
    expect(again.json.errors[0]).toMatch(/^transform: organization already has a transform config/);

    const replaced = await h.http('PUT', '/api/transform', { body: { ...body, name: 'Second', format: 'default', event_type: ['security event'] } });
    expect(replaced.json).toMatchObject({ name: 'Second', format: 'default', version: 2, event_type: ['security_event'] });
    const versions = (await h.http('GET', '/api/transform/versions')).json.items;
    expect(versions.map((v: any) => v.version)).toEqual([1, 2]);
    const diff = (await h.http('GET', '/api/transform/diff?a=1&b=2')).json.changes;
    expect(diff).toEqual(expect.arrayContaining([{ path: 'name', before: 'Hello world config', after: 'Second' }, { path: 'format', before: 'splunk', after: 'default' }]));
    const rolled = await h.http('POST', '/api/transform/rollback', { body: { version: 1 } });
    expect(rolled.json).toMatchObject({ name: 'Hello world config', format: 'splunk', version: 3 });
    expect((await h.http('GET', '/api/transform/diff?a=x&b=2')).json).toEqual({ errors: ['a: must be a version number'] });
  });

  it('refuses bad bodies with every problem listed', async () => {
    const res = await h.http('PUT', '/api/transform', { body: { name: '', format: 'xml', event_type: ['nope'], transform: [{ type: 'add_dynamic_tag', key: '[event', value: 'x' }] } });
    expect(res.status).toBe(400);
    expect(res.json.errors.length).toBeGreaterThanOrEqual(4);
    expect(res.json.errors.some((e: string) => e.startsWith('format: '))).toBe(true);
    expect(res.json.errors.some((e: string) => e.startsWith('transform[0].key: '))).toBe(true);
  });

  it('previews a stored HEC event in splunk format: index from the tag store, [event] paths, removed tag, unresolved names', async () => {
    await h.http('PUT', '/api/tags/index', { body: { value: 'main' } });
    await h.http('PUT', '/api/tags/provider_id', { body: { value: 'Lotlux-7' } });
    expect((await h.http('GET', '/api/tags')).json.items).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'index', value: 'main' })]));
    const ingested = await h.http('POST', '/services/collector/event', { body: (await fixture('splunk-hec-detection-with-events.json'))[0] });
    expect(ingested.json).toEqual({ text: 'Success', code: 0 });
    const eventId = (await h.http('GET', '/api/events?dialect=splunk_hec&limit=1')).json.items[0].id;
    const preview = await h.http('POST', '/api/transform/preview', { body: { event_id: eventId, config: await fixture('transform-config.json') } });
    expect(preview.status).toBe(200);
    const [envelope] = preview.json.payload;
    expect(envelope).toMatchObject({ time: 1590673764, sourcetype: '_json', index: 'main' });
    expect(envelope.event).toMatchObject({ provider_id: 'Lotlux-7', customer_id: 'Cardify', offenseId: 10000000 });
    expect('classificationTag' in envelope.event).toBe(false);
    expect('provider_type' in envelope.event).toBe(false);
    expect(preview.json.unresolved).toEqual(['provider_type']);
  });

  it('adds the log search link from the organization template', async () => {
    expect((await h.http('PUT', '/api/settings/search-url-template', { body: { template: 'http://127.0.0.1:5601/app/discover#/?query={{value}}' } })).status).toBe(200);
    const config = { name: 'links', format: 'default', event_type: ['security_event'], transform: [{ type: 'add_log_search_url', key: 'link_event_kibana', value: 'event_uuid' }] };
    const preview = await h.http('POST', '/api/transform/preview', { body: { sample: { event_uuid: 'abc 1', title: 't' }, config } });
    expect(preview.json.payload).toEqual([{ event_uuid: 'abc 1', title: 't', link_event_kibana: 'http://127.0.0.1:5601/app/discover#/?query=abc%201' }]);
    const bad = await h.http('PUT', '/api/settings/search-url-template', { body: { template: 'ftp://x' } });
    expect(bad.status).toBe(400);
  });
});
