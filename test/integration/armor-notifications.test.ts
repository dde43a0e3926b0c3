// Armor semantics: a destination made through the notifications API follows its
// organization's transform config, so changing the transform's format changes the next
// deliveries (end to end: Armor-shaped config API, ingest, a real local receiver).
import { describe, expect, it } from 'vitest';
import { fixture, type Harness } from '../helpers/harness';
import { useDeliveryApps } from '../helpers/delivery-apps';

const { app, receiver } = useDeliveryApps();

async function armorNotification(h: Harness, uri: string, org = 'default') {
  const res = await h.http('POST', `/v1/accounts/${org}/notifications`, {
    body: { name: 'Armor hook', event_type: ['security_event'], properties: [{ type: 'uri', key: 'endpoint', value: uri }] },
  });
  expect(res.status).toBe(201);
  return res.json;
}
const ingest = async (h: Harness, title: string) => {
  const res = await h.http('POST', '/v1/ingest/generic', { body: { title, severity: 'High' } });
  expect(res.status).toBe(202);
  return res.json.event_id as string;
};
/** Armor's splunk format wraps each record for HEC; the default format sends the records as they are. */
const isSplunkRecord = (r: any) => r.sourcetype === '_json' && typeof r.time === 'number' && typeof r.event === 'object';

describe('Armor notifications follow the transform config', () => {
  it('the next deliveries change format when the transform config does', async () => {
    const h = await app();
    const r = await receiver();
    const config = await fixture('transform-config.json');
    expect((await h.http('POST', '/v1/accounts/default/transform', { body: { ...config, format: 'default' } })).status).toBe(201);
    const dest = await armorNotification(h, `${r.url}/armor`);
    expect(dest.format).toBe('transform');

    const first = await ingest(h, 'while the transform says default');
    const [a] = await r.waitFor(1);
    const recordsA = JSON.parse(a.body);
    expect(recordsA).toHaveLength(1);
    expect(isSplunkRecord(recordsA[0])).toBe(false);
    expect(recordsA[0]).toMatchObject({ event_uuid: first, title: 'while the transform says default', provider_id: 'Lotlux' });

    expect((await h.http('PUT', '/api/transform', { body: { ...config, format: 'splunk' } })).status).toBe(200);
    const second = await ingest(h, 'after the transform moved to splunk');
    const [, b] = await r.waitFor(2);
    const recordsB = JSON.parse(b.body);
    expect(recordsB).toHaveLength(1);
    expect(isSplunkRecord(recordsB[0])).toBe(true);
    expect(recordsB[0].event).toMatchObject({ event_uuid: second, title: 'after the transform moved to splunk', provider_id: 'Lotlux' });

    // A rollback to version 1 brings the default format back for the next delivery.
    expect((await h.http('POST', '/api/transform/rollback', { body: { version: 1 } })).status).toBe(200);
    await ingest(h, 'after the rollback');
    const [, , c] = await r.waitFor(3);
    expect(isSplunkRecord(JSON.parse(c.body)[0])).toBe(false);
    // The destination itself was never edited.
    expect((await h.http('GET', `/api/destinations/${dest.id}`)).json).toMatchObject({ format: 'transform', updated_at: dest.updated_at });
  });

  it('sends the default format while the organization has no transform config, and the splunk one once it has', async () => {
    const h = await app();
    const r = await receiver();
    await armorNotification(h, r.url);
    await ingest(h, 'no transform yet');
    const [a] = await r.waitFor(1);
    expect(isSplunkRecord(JSON.parse(a.body)[0])).toBe(false);
    expect((await h.http('POST', '/v1/accounts/default/transform', { body: await fixture('transform-config.json') })).status).toBe(201);
    await ingest(h, 'transform created in splunk format');
    const [, b] = await r.waitFor(2);
    expect(isSplunkRecord(JSON.parse(b.body)[0])).toBe(true);
  });

  it('a destination with a format of its own keeps it whatever the transform says; PATCH format "transform" makes it follow', async () => {
    const h = await app();
    const r = await receiver();
    expect((await h.http('POST', '/v1/accounts/default/transform', { body: await fixture('transform-config.json') })).status).toBe(201);
    const pinned = await h.http('POST', '/api/destinations', { body: { name: 'pinned', kind: 'webhook', uri: r.url, event_type: ['security_event'], format: 'default' } });
    expect(pinned.status).toBe(201);
    await ingest(h, 'pinned to default');
    const [a] = await r.waitFor(1);
    expect(isSplunkRecord(JSON.parse(a.body)[0])).toBe(false);
    expect((await h.http('PATCH', `/api/destinations/${pinned.json.id}`, { body: { format: 'transform' } })).json.format).toBe('transform');
    await ingest(h, 'now following');
    const [, b] = await r.waitFor(2);
    expect(isSplunkRecord(JSON.parse(b.body)[0])).toBe(true);
  });
});
