// The offline demo kit over HTTP: sample packs of every dialect, the request-bin demo
// destination, replay of a stored event, and the dashboard's figures.
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../src-main/core/types';
import { startHarness, tempDir, type Harness } from '../helpers/harness';
import { until } from '../helpers/wait';

let h: Harness;
afterEach(() => h?.stop());
const app = async () => (h = await startHarness({ tickMs: 0, delivery: { retrySchedule: [0, 0.2], jitter: 0, timeoutMs: 1000 } }));


describe('sample packs', () => {
  it('lists a pack for every dialect, each with the endpoint a tool would use', async () => {
    await app();
    const res = await h.http('GET', '/api/samples');
    expect(res.status).toBe(200);
    expect(new Set(res.json.items.map((p: any) => p.dialect))).toEqual(new Set(DIALECTS));
    const si = res.json.items.find((p: any) => p.dialect === 'signal_instance');
    expect(si.endpoint).toBe('/api/v1/default/signals/instances');
  });

  it('sends every pack as new events; sending one twice makes two events; custom creates its source once', async () => {
    await app();
    const packs = (await h.http('GET', '/api/samples')).json.items;
    for (const p of packs) {
      const res = await h.http('POST', `/api/samples/${p.name}/send`);
      expect(res.status, `${p.name}: ${res.text}`).toBe(202);
      const event = (await h.http('GET', `/api/events/${res.json.event_ids[0]}`)).json;
      expect(event.dialect).toBe(p.dialect);
      expect(event.request.auth).toBe('session');
      expect(event.request.path).toBe(p.name === 'custom' ? '/v1/ingest/custom/sample-custom-tool' : p.endpoint);
    }
    const again = await h.http('POST', '/api/samples/signal-instance/send');
    expect(again.status).toBe(202);
    const first = (await h.http('GET', '/api/events?dialect=signal_instance')).json.items;
    expect(first).toHaveLength(2);
    expect(first[0].id).not.toBe(first[1].id);
    await h.http('POST', '/api/samples/custom/send');
    const sources = (await h.http('GET', '/api/sources')).json.items.filter((s: any) => s.name === 'Sample custom tool');
    expect(sources).toHaveLength(1);
  });

  it('answers 404 naming the packs for an unknown sample', async () => {
    await app();
    const res = await h.http('POST', '/api/samples/nope/send');
    expect(res.status).toBe(404);
    expect(res.json.errors[0]).toMatch(/^name: no sample "nope"; one of generic, /);
  });

  it('needs a session or an admin key', async () => {
    await app();
    const ingestKey = await h.key(['ingest']);
    expect((await h.http('POST', '/api/samples/generic/send', { key: ingestKey })).status).toBe(403);
    expect((await h.http('POST', '/api/samples/generic/send', { key: null })).status).toBe(401);
  });
});

describe('one-click demo', () => {
  it('creates a webhook destination to the request bin once, and a sample arrives there', async () => {
    await app();
    const made = await h.http('POST', '/api/demo');
    expect(made.status).toBe(201);
    expect(made.json.bin_url).toBe(`${h.app.url}/bin/demo`);
    const again = await h.http('POST', '/api/demo');
    expect(again.status).toBe(200);
    expect(again.json.destination_id).toBe(made.json.destination_id);
    const sent = await h.http('POST', '/api/samples/generic/send');
    const bin = await until(async () => (await h.http('GET', '/api/bins/demo')).json.items[0]);
    expect(bin.body).toContain('Suspicious Process Execution');
    const delivery = await until(async () => (await h.http('GET', `/api/deliveries?event=${sent.json.event_ids[0]}&status=succeeded`)).json.items[0]);
    expect(delivery.destination_id).toBe(made.json.destination_id);
  });
});

describe('one-click demo after a restart on another port', () => {
  it('points the same destination at the new address, and leaves a user\'s own destination of that name alone', async () => {
    const dir = await tempDir();
    let first: Harness | undefined = await startHarness({ dir, tickMs: 0 });
    const own = await first.http('POST', '/api/destinations', { body: { name: 'Demo request bin', kind: 'webhook', uri: 'http://127.0.0.1:9/hooks/mine', event_type: ['security_event'] } });
    const made = (await first.http('POST', '/api/demo')).json;
    expect(made.destination_id).not.toBe(own.json.id);
    await first.stop();
    first = undefined;
    h = await startHarness({ dir, tickMs: 0, delivery: { retrySchedule: [0, 0.2], jitter: 0, timeoutMs: 1000 } });
    const again = await h.http('POST', '/api/demo');
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ destination_id: made.destination_id, bin: 'demo', bin_url: `${h.app.url}/bin/demo` });
    const destinations = (await h.http('GET', '/api/destinations')).json.items;
    expect(destinations.find((d: any) => d.id === made.destination_id).uri).toBe(`${h.app.url}/bin/demo`);
    expect(destinations.find((d: any) => d.id === own.json.id).uri).toBe('http://127.0.0.1:9/hooks/mine');
    await h.http('POST', '/api/samples/generic/send');
    await until(async () => (await h.http('GET', '/api/bins/demo')).json.items[0]);
  });
});

describe('replay', () => {
  it('ingests the stored raw payload again as a new event that says what it replays', async () => {
    await app();
    const key = await h.key(['ingest']);
    const sent = await h.http('POST', '/v1/ingest/generic', { key, body: { title: 'Disk full', severity: 'High', source_rule_id: 'r-1' } });
    const original = sent.json.event_id;
    const res = await h.http('POST', `/api/events/${original}/replay`);
    expect(res.status).toBe(202);
    const copy = (await h.http('GET', `/api/events/${res.json.event_ids[0]}`)).json;
    expect(copy.id).not.toBe(original);
    expect(copy.title).toBe('Disk full');
    expect(copy.request.replay_of).toBe(original);
    expect(copy.request.path).toBe('/v1/ingest/generic');
    expect((await h.http('POST', '/api/events/nope/replay')).status).toBe(404);
  });
});

describe('dashboard', () => {
  it('counts the window\'s events by severity and delivery attempts by outcome', async () => {
    await app();
    await h.http('POST', '/api/demo');
    await h.http('POST', '/api/samples/generic/send');
    await h.http('POST', '/api/samples/alertmanager/send'); // two events: critical and resolved
    await until(async () => (await h.http('GET', '/api/deliveries?status=succeeded')).json.items[2]);
    const res = await h.http('GET', '/api/dashboard?minutes=60');
    expect(res.status).toBe(200);
    expect(res.json.events).toHaveLength(30);
    const stored = (await h.http('GET', '/api/events')).json.items;
    expect(stored).toHaveLength(3);
    expect(res.json.totals.events).toBe(3);
    for (const severity of ['high', 'critical', 'low']) {
      const counted = res.json.events.reduce((n: number, b: any) => n + b[severity], 0);
      expect(counted, severity).toBe(stored.filter((e: any) => e.severity === severity).length);
    }
    expect(res.json.totals.attempts_succeeded).toBe(3);
    expect(res.json.totals.deliveries.succeeded).toBe(3);
    expect(res.json.failing_destinations).toEqual([]);
    expect((await h.http('GET', '/api/dashboard?minutes=0')).json.errors).toEqual(['minutes: must be an integer from 1 to 10080']);
  });
});
