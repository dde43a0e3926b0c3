// Growth: what a large store costs. For each size, a data dir is seeded fast through the
// store API (events normalized from the generic fixture, grouped 1,000 to an alert, with the
// alert snapshots), then the built appliance is started on it and measured:
//   - start-up: spawn → /healthz answering (node boot + store open), and the store's own open time;
//   - first page of /api/events (cold, right after start);
//   - RSS after start and after an ingest burst;
//   - per-event ingest cost at that size: req/s and p99 at 32 connections, and the appliance's
//     CPU time per accepted event (less sensitive to a noisy machine than req/s);
//   - start-up once more without the index snapshot (the whole log replayed), for comparison.
//   npx tsx bench/growth.ts [-- --sizes 10000,100000,1000000 --seconds 5]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ensureDefaultOrg } from '../src-main/core/config-ops';
import { ingest } from '../src-main/core/ingest';
import type { Alert } from '../src-main/core/signals/types';
import type { NormalizedEvent } from '../src-main/core/types';
import { createStore } from '../src-main/store';
import { BENCH_KEY, cpuTimes, ROOT, rssBytes, startAppliance } from './appliance';

const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };

/** Seeds `n` events (and one alert snapshot per 1,000) straight through the store API. */
export async function seed(dataDir: string, n: number, body: unknown): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const store = createStore({ dataDir, retentionIntervalMs: 0, snapshotEveryRecords: 0 });
  await store.open();
  const org = await store.updateConfig((d) => ensureDefaultOrg(d, new Date()));
  const out = await ingest('generic', body, {
    organization: org, source: undefined, receivedAt: new Date(), customMappings: [], newId: randomUUID,
    request: { method: 'POST', path: '/v1/ingest/generic', remote_address: '127.0.0.1', user_agent: 'bench', content_length: JSON.stringify(body).length, content_type: 'application/json', auth: 'api_key', key_id: null, idempotency_key: null },
  } as unknown as Parameters<typeof ingest>[2]);
  if (!out.ok) throw new Error(out.errors.join('; '));
  const template = out.events[0];
  const start = Date.now() - n; // one event per millisecond up to now
  const BATCH = 1000;
  for (let i = 0; i < n; i += BATCH) {
    const alertId = randomUUID();
    const events: NormalizedEvent[] = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) {
      events.push({ ...template, id: randomUUID(), received_at: new Date(start + j).toISOString(), alert_id: alertId });
    }
    const first = events[0].received_at;
    const last = events[events.length - 1].received_at;
    // A complete alert snapshot, as the signals engine writes one (start-up loads every alert).
    const snapshot: Alert = {
      id: alertId, source: template.source, short_id: `AL${alertId.replace(/-/g, '').slice(0, 10)}`, organization: org.id, idempotency_key: null,
      status: 'open', title: template.title, severity: template.severity, priority: template.priority, first_seen: first, last_seen: last,
      event_count: events.length, definition_id: null, case_id: null, flapping: false, catalog: [], tags: [...template.tags], dedup_values: {},
      created_at: first, updated_at: last, resolved_at: null, timeline: [],
    };
    const alert = { kind: 'alert', id: alertId, data: { kind: 'alert', alert: snapshot, notify: true } };
    await store.appendEvents(events, [alert]);
  }
  const bytes = store.stats().bytes;
  await store.close(); // writes the index snapshot
  return { ms: performance.now() - t0, bytes };
}

async function waitHealthy(url: string, t0: number): Promise<number> {
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return performance.now() - t0;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function timed(url: string): Promise<{ ms: number; items: number }> {
  const t0 = performance.now();
  const r = await fetch(`${url}/api/events?limit=50`, { headers });
  const j = (await r.json()) as { items: unknown[] };
  if (!r.ok) throw new Error(`/api/events: ${r.status}`);
  return { ms: +(performance.now() - t0).toFixed(1), items: j.items.length };
}

export async function startAndMeasure(dataDir: string): Promise<{ app: Awaited<ReturnType<typeof startAppliance>>; startup_ms: number; first_page_ms: number; rss_mib: number }> {
  const t0 = performance.now();
  const app = await startAppliance(dataDir);
  const startup = await waitHealthy(app.url, t0);
  const page = await timed(app.url);
  if (page.items !== 50) throw new Error(`first page has ${page.items} items`);
  return { app, startup_ms: Math.round(startup), first_page_ms: page.ms, rss_mib: +((await rssBytes(app.pid)) / 2 ** 20).toFixed(1) };
}

export async function runGrowth(sizes: number[], seconds: number): Promise<Record<string, unknown>[]> {
  const body = JSON.parse(await readFile(join(ROOT, 'test/fixtures/generic-alert.json'), 'utf8')) as unknown;
  const bodyText = JSON.stringify(body);
  const rows: Record<string, unknown>[] = [];
  for (const n of sizes) {
    const dir = await mkdtemp(join(tmpdir(), 'sy-bench-growth-'));
    const dataDir = join(dir, 'data');
    try {
      const seeded = await seed(dataDir, n, body);
      // The seed's writes leave the page cache dirty; flush them so their writeback does not
      // land on the fsyncs measured below.
      execFileSync('sync');
      // Start on the snapshot written by the seeding store's close.
      const first = await startAndMeasure(dataDir);
      const cpu0 = await cpuTimes(first.app.pid);
      const load = await autocannon({ url: `${first.app.url}/v1/ingest/generic`, method: 'POST', body: bodyText, headers, connections: 32, duration: seconds });
      const cpu1 = await cpuTimes(first.app.pid);
      const accepted = load['2xx'];
      const rssAfter = +((await rssBytes(first.app.pid)) / 2 ** 20).toFixed(1);
      await first.app.stop();
      // Again without the snapshot: every segment replayed (what every start cost before it).
      await unlink(join(dataDir, 'events', 'index.snap'));
      const replay = await startAndMeasure(dataDir);
      await replay.app.stop();
      rows.push({
        scenario: `growth, ${n.toLocaleString('en')} stored events`,
        seed_s: +(seeded.ms / 1000).toFixed(1),
        store_mib: +(seeded.bytes / 2 ** 20).toFixed(0),
        startup_ms: first.startup_ms,
        startup_replay_ms: replay.startup_ms,
        first_page_ms: first.first_page_ms,
        rss_start_mib: first.rss_mib,
        rss_after_load_mib: rssAfter,
        ingest_req_per_s: Math.round(load.requests.average),
        ingest_p99_ms: load.latency.p99,
        cpu_us_per_event: accepted ? Math.round(((cpu1.user + cpu1.system - cpu0.user - cpu0.system) * 1000) / accepted) : NaN,
        of_which_kernel_us: accepted ? Math.round(((cpu1.system - cpu0.system) * 1000) / accepted) : NaN,
        errors: load.errors + load.non2xx,
      });
      console.error(JSON.stringify(rows[rows.length - 1]));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000,1000000' }, seconds: { type: 'string', default: '5' } } });
  const rows = await runGrowth(values.sizes!.split(',').map(Number), Number(values.seconds));
  console.table(rows);
  const file = join(ROOT, 'bench/results', `growth-${Date.now()}.json`);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model}`, node: process.version, rows }, null, 2));
  console.log(`written ${file}`);
}
