// GET /api/events?text=… (what the Live events search sends) and the export with the same
// filter find a value wherever it is in the event: deep inside the raw payload, only in the
// normalized event (derived by normalization), only in the request as received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness';

let h: Harness;
let key: string;
const ids: Record<string, string> = {};

async function ingest(name: string, body: unknown, headers: Record<string, string> = {}): Promise<void> {
  const res = await h.http('POST', '/v1/ingest/generic', { body, key, headers });
  expect(res.status).toBe(202);
  ids[name] = res.json.event_id;
}

const titles = async (text: string, more = '') => (await h.http('GET', `/api/events?text=${encodeURIComponent(text)}${more}`)).json.items.map((e: { id: string }) => e.id);

beforeAll(async () => {
  h = await startHarness();
  key = await h.key(['ingest']);
  await ingest('deep', {
    title: 'Routine check', severity: 'Low',
    details: { network: { peers: [{ host: 'db-7.Needle-Corp.internal', ip: '172.16.99.201' }, { host: 'db-8.corp.internal' }] } },
  });
  await ingest('critical', { title: 'Routine check', severity: 'Critical' });
  await ingest('header', { title: 'Routine check', severity: 'Low' }, { 'x-trace-tag': 'trace-only-in-request-88' });
  for (let i = 0; i < 30; i++) await ingest(`filler${i}`, { title: `Routine check ${i}`, severity: 'Low', details: { host: `web-${i}.corp.internal` } });
}, 60_000);
afterAll(async () => h.stop());

describe('search anywhere in the event', () => {
  it('finds a value only present deep inside the raw payload, in any case, and part of one', async () => {
    expect(await titles('needle-corp')).toEqual([ids.deep]);
    expect(await titles('DB-7.NEEDLE')).toEqual([ids.deep]);
    expect(await titles('172.16.99.201')).toEqual([ids.deep]);
    expect(await titles('16.99.2')).toEqual([ids.deep]);
    expect(await titles('needle', '&severity=high')).toEqual([]);
  });

  it('finds a value only in the normalized event, and one only in the request as received', async () => {
    // Normalization derives the level FATAL from severity Critical: the payload never says it.
    expect(await titles('fatal')).toEqual([ids.critical]);
    expect(await titles('trace-only-in-request')).toEqual([ids.header]);
  });

  it('pages through many matches newest first, and the export filters the same way', async () => {
    const first = (await h.http('GET', '/api/events?text=corp.internal&limit=10')).json;
    expect(first.items).toHaveLength(10);
    const second = (await h.http('GET', `/api/events?text=corp.internal&limit=50&cursor=${first.next_cursor}`)).json;
    expect(second.next_cursor).toBeNull();
    const expected = [...Array.from({ length: 30 }, (_, i) => ids[`filler${29 - i}`]), ids.deep];
    expect([...first.items, ...second.items].map((e: { id: string }) => e.id)).toEqual(expected);
    const exported = await h.http('GET', '/api/events/export?format=ndjson&text=needle-corp');
    expect(exported.text.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual([ids.deep]);
  });

  it('a value in no event finds nothing', async () => {
    expect(await h.http('GET', '/api/events?text=no-such-host-anywhere').then((r) => r.json)).toEqual({ items: [], next_cursor: null });
  });
});
