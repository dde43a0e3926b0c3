// PostgreSQL as the store (npm run bench -- --only postgres, or npx tsx bench/postgres.ts):
//   - durable ingest of the generic fixture, each event its own alert, at 32 connections on the file store, on
//     PostgreSQL with one instance, and with two instances on one database (16 connections
//     each, added up), beside the in-run durable bound (bench/baseline.ts);
//   - deliveries per second with two instances: events split across both, each owing one
//     webhook delivery to a local receiver, timed from the first request to the last delivery.
// The database is a throwaway cluster on loopback (Debian's postgresql), fsync on, as a
// server would run it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startPostgres } from '../test/helpers/postgres';
import { BENCH_KEY, ROOT, startAppliance, type Appliance } from './appliance';
import { startBaseline } from './baseline';

export interface PostgresRow {
  scenario: string;
  [key: string]: unknown;
}

const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };

async function load(url: string, body: string, connections: number, seconds: number) {
  const r = await autocannon({ url, method: 'POST', body, idReplacement: true, connections, duration: seconds, headers });
  return { requests: r.requests.total, req_per_s: r.requests.average, p99_ms: r.latency.p99, errors: r.errors + r.non2xx };
}

function listen(server: Server): Promise<string> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`)));
}

export async function runPostgres(opts: { seconds: number; deliveries: number }): Promise<PostgresRow[]> {
  const fixture = JSON.parse(await readFile(join(ROOT, 'test/fixtures/generic-alert.json'), 'utf8')) as { title: string };
  // autocannon puts a fresh id in each request's title: every event opens its own alert (no key
  // shared between requests, which instances would take turns on).
  const body = JSON.stringify({ ...fixture, title: `${fixture.title} [<id>]` });
  const dir = await mkdtemp(join(tmpdir(), 'sy-bench-pg-'));
  const pg = await startPostgres();
  const running: Appliance[] = [];
  const start = async (name: string, databaseUrl?: string) => {
    const a = await startAppliance(join(dir, name), { databaseUrl });
    running.push(a);
    return a;
  };
  const stopAll = async () => void (await Promise.all(running.splice(0).map((a) => a.stop())));
  const rows: PostgresRow[] = [];
  try {
    const baseline = await startBaseline(join(dir, 'baseline.jsonl'));
    const bound = await load(baseline.url, body, 32, opts.seconds);
    await baseline.close();
    const row = (scenario: string, r: { req_per_s: number; p99_ms: number; errors: number }): PostgresRow => ({
      scenario, req_per_s: Math.round(r.req_per_s), p99_ms: r.p99_ms, errors: r.errors, bound_req_per_s: Math.round(bound.req_per_s), ratio: +(r.req_per_s / bound.req_per_s).toFixed(2),
    });

    const file = await start('file');
    rows.push(row('durable ingest, 32 conn, file store', await load(`${file.url}/v1/ingest/generic`, body, 32, opts.seconds)));
    await stopAll();

    const one = await start('pg-one', await pg.createDatabase('bench_one'));
    rows.push(row('durable ingest, 32 conn, PostgreSQL, 1 instance', await load(`${one.url}/v1/ingest/generic`, body, 32, opts.seconds)));
    await stopAll();

    const twoUrl = await pg.createDatabase('bench_two');
    const [a, b] = [await start('pg-a', twoUrl), await start('pg-b', twoUrl)];
    const [ra, rb] = await Promise.all([a, b].map((x) => load(`${x.url}/v1/ingest/generic`, body, 16, opts.seconds)));
    rows.push(row('durable ingest, 2 × 16 conn, PostgreSQL, 2 instances', { req_per_s: ra.req_per_s + rb.req_per_s, p99_ms: Math.max(ra.p99_ms, rb.p99_ms), errors: ra.errors + rb.errors }));
    await stopAll();

    rows.push(await deliveriesWithTwo(await pg.createDatabase('bench_deliveries'), start, body, opts.deliveries));
    await stopAll();

    const seenUrl = await pg.createDatabase('bench_seen');
    rows.push(...(await seenOnTheOther(await start('seen-a', seenUrl), await start('seen-b', seenUrl), body)));
    await stopAll();
  } finally {
    await stopAll();
    await pg.destroy();
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

/** Events split across two instances, each owing one webhook delivery: deliveries per second until the last arrives. */
async function deliveriesWithTwo(databaseUrl: string, start: (name: string, url?: string) => Promise<Appliance>, body: string, count: number): Promise<PostgresRow> {
  const seen = new Map<string, number>();
  const receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const id = req.headers['webhook-id'];
      if (typeof id === 'string') seen.set(id, (seen.get(id) ?? 0) + 1);
      res.end('ok');
    });
  });
  const hook = await listen(receiver);
  try {
    const [a, b] = [await start('deliver-a', databaseUrl), await start('deliver-b', databaseUrl)];
    const made = await fetch(`${a.url}/api/destinations`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench receiver', uri: hook, kind: 'webhook', event_type: ['security_event'] }) });
    if (made.status !== 201) throw new Error(`destination: ${made.status} ${await made.text()}`);
    await new Promise((r) => setTimeout(r, 1_500)); // B reloads the configuration (≤ 1 s)
    const t0 = performance.now();
    const half = Math.ceil(count / 2);
    const [ra, rb] = await Promise.all([
      autocannon({ url: `${a.url}/v1/ingest/generic`, method: 'POST', body, idReplacement: true, headers, connections: 8, amount: half }),
      autocannon({ url: `${b.url}/v1/ingest/generic`, method: 'POST', body, idReplacement: true, headers, connections: 8, amount: count - half }),
    ]);
    const accepted = ra['2xx'] + rb['2xx'];
    const deadline = Date.now() + 60_000;
    while (seen.size < accepted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - t0) / 1000;
    const twice = [...seen.values()].filter((n) => n > 1).length;
    return { scenario: `deliveries, 2 instances, ${count} events split across both`, req_per_s: Math.round(seen.size / seconds), p99_ms: Math.max(ra.latency.p99, rb.latency.p99), errors: ra.errors + ra.non2xx + rb.errors + rb.non2xx, delivered: seen.size, accepted, delivered_twice: twice };
  } finally {
    receiver.close();
  }
}

/** Polls `ok` every 5 ms: how long until it holds, in ms (NaN after 10 s). */
async function timeUntil(ok: () => Promise<boolean>): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < 10_000) {
    if (await ok()) return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 5));
  }
  return NaN;
}

/**
 * What one instance commits, seen on the other (target: within 1 s): an event ingested on A
 * answered by B's event page, and a destination made on A answered by B, 20 times each.
 */
async function seenOnTheOther(a: Appliance, b: Appliance, body: string): Promise<PostgresRow[]> {
  const rows: PostgresRow[] = [];
  const times = { event: [] as number[], config: [] as number[] };
  for (let i = 0; i < 20; i++) {
    const sent = await fetch(`${a.url}/v1/ingest/generic`, { method: 'POST', headers, body: body.replace('[<id>]', `seen ${i}`) });
    const { event_id } = (await sent.json()) as { event_id: string };
    times.event.push(await timeUntil(async () => (await fetch(`${b.url}/api/events/${event_id}`, { headers })).status === 200));
    const made = await fetch(`${a.url}/api/destinations`, { method: 'POST', headers, body: JSON.stringify({ name: `seen ${i}`, uri: 'http://127.0.0.1:9/hook', kind: 'webhook', event_type: ['security_event'], enabled: false }) });
    const { id } = (await made.json()) as { id: string };
    times.config.push(await timeUntil(async () => (await fetch(`${b.url}/api/destinations/${id}`, { headers })).status === 200));
  }
  for (const [what, list] of Object.entries(times)) {
    // A miss (not seen within 10 s) counts as infinitely late.
    const sorted = list.map((t) => (Number.isNaN(t) ? Infinity : t)).sort((x, y) => x - y);
    const max = sorted[sorted.length - 1];
    rows.push({ scenario: `${what === 'event' ? 'an event ingested' : 'a destination made'} on A, seen on B (20 times)`, p50_ms: +sorted[10].toFixed(1), max_ms: +max.toFixed(1), target: 'max < 1000 ms', met: max < 1000 ? 'met' : 'NOT met' });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(await runPostgres({ seconds: 10, deliveries: 5_000 }));
}
