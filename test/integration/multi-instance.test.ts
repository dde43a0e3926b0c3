// Two appliances on one PostgreSQL database: what one ingests the other lists and streams,
// an idempotency key opens one alert whichever instance gets its events, each delivery is
// sent by one instance (and finished by the other when the first is killed), a database
// restart loses no acknowledged event, and configuration made on one works on the other.
import { rm } from 'node:fs/promises';
import postgres from 'pg';
import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, httpCall, startHarness, tempDir, type Harness } from '../helpers/harness';
import { CLI, requireBuild, spawnChild, type Child } from '../helpers/child';
import { FAST_DELIVERY } from '../helpers/delivery-apps';
import { usePostgres } from '../helpers/postgres-cluster';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { openStream, type StreamClient } from '../helpers/sse';
import { sleep, until } from '../helpers/wait';

const { pg, cleanups } = usePostgres();

const LEASE_MS = 1_500;

/** An appliance on the database with its own data directory (login links, server info). */
async function instance(url: string): Promise<Harness> {
  const h = await startHarness({ databaseUrl: url, tickMs: 0, delivery: { ...FAST_DELIVERY, leaseMs: LEASE_MS } });
  cleanups.push(() => h.stop());
  return h;
}

/** Two appliances on a new database (the first creates the schema). */
async function pair(): Promise<[Harness, Harness, string]> {
  const url = await pg.createDatabase();
  const a = await instance(url);
  const b = await instance(url);
  return [a, b, url];
}

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  cleanups.push(() => r.close());
  return r;
}

async function webhook(h: Harness, uri: string): Promise<{ id: string }> {
  const res = await h.http('POST', '/api/destinations', { body: { name: `hook ${uri}`, kind: 'webhook', uri, event_type: ['security_event'] } });
  expect(res.status).toBe(201);
  return res.json;
}

async function stream(h: Harness): Promise<StreamClient> {
  const s = await openStream(h.app.url, { authorization: `Bearer ${ADMIN_KEY}` });
  cleanups.push(async () => s.close());
  return s;
}

/** The event ids a receiver got, from the payloads (one event per delivery). */
const deliveredEventIds = (r: Receiver) => r.received.map((x) => JSON.parse(x.body)[0].event_uuid as string);

describe('several instances on one database', () => {
  it('lists and streams on B an event ingested on A (and B streams the alert A opened)', async () => {
    const [a, b] = await pair();
    const live = await stream(b);
    const sent = await a.http('POST', '/v1/ingest/generic', { body: { title: 'seen everywhere', severity: 'High' } });
    expect(sent.status).toBe(202);
    const created = await live.waitFor((m) => m.type === 'event.created' && m.data.id === sent.json.event_id, 5_000);
    expect(created.data).toMatchObject({ title: 'seen everywhere', severity: 'high', alert_id: sent.json.alert_id });
    expect((await b.http('GET', `/api/events/${sent.json.event_id}`)).json).toMatchObject({ id: sent.json.event_id, title: 'seen everywhere' });
    expect((await b.http('GET', '/api/events')).json.items.map((e: any) => e.id)).toContain(sent.json.event_id);
    await live.waitFor((m) => m.type === 'alert.changed' && m.data.id === sent.json.alert_id, 5_000);
  });

  it("opens one alert for a key whose events reach both instances at once, counting every event; a retry sent to both is stored once", async () => {
    const [a, b] = await pair();
    const n = 40;
    const sent = await Promise.all(Array.from({ length: n }, (_, i) =>
      (i % 2 ? a : b).http('POST', '/v1/ingest/event', { body: { summary: `cpu high ${i}`, status: 'OPEN', level: 'ERROR', idempotency_key: 'split-key' } })));
    expect(sent.map((r) => r.status)).toEqual(Array(n).fill(202));
    const alertIds = new Set(sent.map((r) => r.json.alert_id));
    expect(alertIds.size).toBe(1);
    const [alertId] = alertIds;
    for (const h of [a, b]) expect((await h.http('GET', `/api/alerts/${alertId}`)).json).toMatchObject({ status: 'open', event_count: n });
    expect((await b.http('GET', '/api/alerts?status=open')).json.total).toBe(1);

    // Acknowledged on B, joined on A: A reads B's version (nothing stale), and the count goes on.
    expect((await b.http('POST', `/api/alerts/${alertId}/ack`)).status).toBe(200);
    const joined = await a.http('POST', '/v1/ingest/event', { body: { summary: 'cpu high again', status: 'OPEN', level: 'ERROR', idempotency_key: 'split-key' } });
    expect(joined.json.alert_id).toBe(alertId);
    expect((await a.http('GET', `/api/alerts/${alertId}`)).json).toMatchObject({ status: 'acknowledged', event_count: n + 1 });

    const retry = { headers: { 'idempotency-key': 'one-retry' }, body: { title: 'sent twice' } };
    const [first, second] = await Promise.all([a.http('POST', '/v1/ingest/generic', retry), b.http('POST', '/v1/ingest/generic', retry)]);
    // One stores it (202), the other answers it as the exact retry it is (200).
    expect([first.status, second.status].sort()).toEqual([200, 202]);
    expect(first.json.event_id).toBe(second.json.event_id);
    const titled = (await a.http('GET', '/api/events?text=sent%20twice')).json.items;
    expect(titled).toHaveLength(1);
  });

  it('delivers each of 500 deliveries split across both instances exactly once', async () => {
    const [a, b] = await pair();
    const r = await receiver([], { status: 200 });
    await webhook(a, `${r.url}/hook`);
    await until(async () => ((await b.http('GET', '/api/destinations')).json.items.length === 1 ? true : undefined), 5_000, 'B sees the destination');
    const total = 500;
    const ids: string[] = [];
    for (let batch = 0; batch < total; batch += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => ((batch + i) % 2 ? a : b).http('POST', '/v1/ingest/generic', { body: { title: `delivery ${batch + i}` } })));
      expect(answers.map((x) => x.status)).toEqual(Array(50).fill(202));
      ids.push(...answers.map((x) => x.json.event_id));
    }
    await until(async () => ((await a.http('GET', '/api/deliveries?status=succeeded&limit=500')).json.items.length === total ? true : undefined), 60_000, 'every delivery succeeded');
    expect((await b.http('GET', '/api/deliveries?status=pending')).json.items).toEqual([]);
    // Past a lease, no instance takes a finished delivery over again.
    await sleep(LEASE_MS * 2);
    expect(deliveredEventIds(r).sort()).toEqual([...ids].sort());
  }, 120_000);

  it('lets go of the deliveries another instance took over while it stalled, and sends them no more', async () => {
    const url = await pg.createDatabase();
    // Retries every 0.3 s for a long while (a delivery A still held would be tried several times a
    // second), with no circuit opening on the failures (B would adopt it and wait out its backoff).
    const retrying = { ...FAST_DELIVERY, leaseMs: LEASE_MS, retrySchedule: Array(30).fill(0.3), circuit: { threshold: 1_000 } };
    const a = await startHarness({ databaseUrl: url, tickMs: 0, delivery: retrying });
    cleanups.push(() => a.stop());
    let failing = true;
    const r = await receiver([], () => ({ status: failing ? 500 : 200 }));
    await webhook(a, `${r.url}/hook`);
    for (const title of ['stalled 1', 'stalled 2', 'stalled 3']) expect((await a.http('POST', '/v1/ingest/generic', { body: { title } })).status).toBe(202);
    await until(() => (r.received.length >= 3 ? true : undefined), 5_000, 'first attempts');
    // Another instance holds them now, as if A had stalled past its hold.
    const sql = new postgres.Client({ connectionString: url });
    await sql.connect();
    cleanups.push(() => sql.end());
    await sql.query("UPDATE state_records SET lease_owner = 'another', lease_until = clock_timestamp() + interval '1 hour' WHERE kind = 'delivery' AND live");
    await until(() => (a.app.deliveries.pendingCount() === 0 ? true : undefined), 5_000, 'A lets them go');
    const afterRelease = r.received.length;
    await sleep(1_000); // three retry intervals
    expect(r.received.length).toBe(afterRelease);
    // The other instance's hold lapses; B takes them over and delivers each once.
    await sql.query("UPDATE state_records SET lease_until = clock_timestamp() - interval '1 second' WHERE kind = 'delivery' AND live");
    failing = false;
    // The same retry schedule: A's failed attempts count against B's too.
    const b = await startHarness({ databaseUrl: url, tickMs: 0, delivery: retrying });
    cleanups.push(() => b.stop());
    await until(async () => ((await b.http('GET', '/api/deliveries?status=succeeded')).json.items.length === 3 ? true : undefined), 10_000, 'B delivers them');
    expect(r.received.filter((x, i) => i >= afterRelease).length).toBe(3);
  }, 60_000);

  it('finishes, after its lease, the deliveries of an instance killed mid-delivery', async () => {
    requireBuild();
    const url = await pg.createDatabase();
    const dir = await tempDir();
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // The first requests (the killed instance's) hang; the rest are answered.
    let hung = 0;
    const r = await receiver([], () => (hung++ < 5 ? 'hang' : { status: 200 }));
    const child: Child = spawnChild(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir], {
      SWITCHYARD_DATABASE_URL: url, SWITCHYARD_API_KEY: ADMIN_KEY, SWITCHYARD_DELIVERY_LEASE_MS: String(LEASE_MS),
    });
    cleanups.push(async () => {
      if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
      await child.exited;
    });
    const [, base] = await child.waitFor(/serving at (http:\/\/\S+)/);
    const call = (method: string, path: string, body?: unknown) => httpCall(base, method, path, { key: ADMIN_KEY, body });
    expect((await call('POST', '/api/destinations', { name: 'slow', kind: 'webhook', uri: `${r.url}/hook`, event_type: ['security_event'] })).status).toBe(201);
    const sent = await Promise.all(Array.from({ length: 5 }, (_, i) => call('POST', '/v1/ingest/generic', { title: `owed ${i}` })));
    expect(sent.map((x) => x.status)).toEqual(Array(5).fill(202));
    await r.waitFor(5);
    child.proc.kill('SIGKILL');
    await child.exited;

    const b = await instance(url);
    const done = await until(async () => {
      const items = (await b.http('GET', '/api/deliveries?status=succeeded')).json.items;
      return items.length === 5 ? items : undefined;
    }, 20_000, 'the survivor finished the deliveries');
    expect(done.map((d: any) => d.event_id).sort()).toEqual(sent.map((x) => x.json.event_id).sort());
    expect(deliveredEventIds(r).slice(5).sort()).toEqual(sent.map((x) => x.json.event_id).sort());
  }, 60_000);

  it('loses no acknowledged event over a database restart under load; during the outage ingest answers 503 with Retry-After', async () => {
    const [a, b] = await pair();
    const acknowledged: string[] = [];
    const refused: { status: number; retryAfter: unknown }[] = [];
    let stop = false;
    const worker = async (h: Harness, w: number) => {
      for (let i = 0; !stop; i++) {
        const res = await h.http('POST', '/v1/ingest/generic', { body: { title: `load ${w}.${i}` } }).catch(() => null);
        if (res?.status === 202) acknowledged.push(res.json.event_id);
        else refused.push({ status: res?.status ?? 0, retryAfter: res?.headers['retry-after'] });
        if (res?.status !== 202) await sleep(50);
      }
    };
    const workers = [0, 1, 2, 3].map((w) => worker(w % 2 ? a : b, w));
    await until(() => (acknowledged.length >= 50 ? true : undefined), 20_000, 'load flowing');
    await pg.stop();
    await until(() => (refused.length >= 4 ? true : undefined), 20_000, 'refusals during the outage');
    await pg.start();
    const after = acknowledged.length;
    await until(() => (acknowledged.length >= after + 50 ? true : undefined), 30_000, 'load flowing again');
    stop = true;
    await Promise.all(workers);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r).toEqual({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
    for (const h of [a, b]) {
      const missing: string[] = [];
      for (const id of acknowledged) if ((await h.http('GET', `/api/events/${id}`)).status !== 200) missing.push(id);
      expect(missing).toEqual([]);
    }
  }, 120_000);

  it("uses on B a destination created on A, and takes on B an API key created on A", async () => {
    const [a, b] = await pair();
    const r = await receiver([], { status: 200 });
    const dest = await webhook(a, `${r.url}/hook`);
    await until(async () => ((await b.http('GET', `/api/destinations/${dest.id}`)).status === 200 ? true : undefined), 5_000, 'B knows the destination');
    const sent = await b.http('POST', '/v1/ingest/generic', { body: { title: 'via B' } });
    expect(sent.status).toBe(202);
    const [got] = await r.waitFor(1);
    expect(JSON.parse(got.body)[0].event_uuid).toBe(sent.json.event_id);

    const key = await a.key(['ingest']);
    await until(async () => ((await b.http('POST', '/v1/ingest/generic', { key, body: { title: 'keyed' } })).status === 202 ? true : undefined), 5_000, 'B takes the key');
    // Revoked on A: refused on B too (its verified keys are dropped with the configuration).
    const keys = (await a.http('GET', '/api/keys')).json.items;
    const made = keys.find((k: any) => k.scopes.length === 1 && k.scopes[0] === 'ingest');
    expect((await a.http('DELETE', `/api/keys/${made.id}`)).status).toBe(204);
    await until(async () => ((await b.http('POST', '/v1/ingest/generic', { key, body: { title: 'revoked' } })).status === 401 ? true : undefined), 5_000, 'B refuses the revoked key');
  });
});
