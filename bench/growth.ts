// Growth: what a large store costs. For each size, a data dir is seeded fast through the
// store API (events normalized from the generic fixture, grouped 1,000 to an alert, with the
// alert snapshots), then the built appliance is started on it and measured:
//   - start-up: spawn → /healthz answering (node boot + store open), and the store's own open time;
//   - first page of /api/events (cold, right after start);
//   - RSS after start and after an ingest burst;
//   - per-event ingest cost at that size: req/s and p99 at 32 connections, and the appliance's
//     CPU time per accepted event (less sensitive to a noisy machine than req/s);
//   - search anywhere in the events (GET /api/events?text=…, as Live events asks): a term planted
//     deep in the raw payload of 5 events, and one in none — target < 1 s for the first page;
//     then an NDJSON export of the events holding a term planted in every 200th event;
//   - start-up once more without the index snapshot (the whole log replayed), for comparison.
//   npx tsx bench/growth.ts [-- --sizes 10000,100000,1000000 --seconds 5 --segment-mib 64]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ensureDefaultOrg } from '../src-main/core/config-ops';
import { ingest } from '../src-main/core/ingest';
import type { Alert } from '../src-main/core/signals/types';
import type { NormalizedEvent } from '../src-main/core/types';
import { FileStore } from '../src-main/store';
import { BENCH_KEY, cpuTimes, ROOT, rssBytes, startAppliance } from './appliance';

const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };

/** Planted in the raw payload of 5 events (spread over the store), of every 200th, and of none. */
export const SEARCH_FEW = 'db-7.needle-corp.internal';
export const SEARCH_EXPORT = 'export-batch-7';
export const SEARCH_NONE = 'no-such-host-anywhere';

/** The raw payload of event `j` of `n`: the fixture, with a planted value deep inside for some. */
function rawOf(body: unknown, j: number, n: number): unknown {
  const few = j % Math.floor(n / 5) === 7;
  const batch = j % 200 === 3;
  if (!few && !batch) return body;
  return { ...(body as object), details: { network: { peers: [{ host: few ? SEARCH_FEW : 'web-1.corp.internal', batch: batch ? SEARCH_EXPORT : null }] } } };
}

/**
 * Seeds `n` events (and one alert snapshot per 1,000) straight through the store API, then waits
 * until every sealed segment is compressed and has its search sidecar (as a long-running
 * appliance has them). `segmentMaxBytes` smaller than the default makes small seeds have sealed segments.
 */
export async function seed(dataDir: string, n: number, body: unknown, segmentMaxBytes?: number): Promise<{ ms: number; bytes: number; searchBytes: number }> {
  const t0 = performance.now();
  const store = new FileStore({ dataDir, retentionIntervalMs: 0, snapshotEveryRecords: 0, segmentMaxBytes });
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
      events.push({ ...template, id: randomUUID(), received_at: new Date(start + j).toISOString(), alert_id: alertId, raw: rawOf(body, j, n) });
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
  await store.settled();
  const bytes = store.stats().bytes;
  await store.close(); // writes the index snapshot
  let searchBytes = 0;
  for (const f of await readdir(join(dataDir, 'events'))) if (f.endsWith('.search')) searchBytes += (await stat(join(dataDir, 'events', f))).size;
  return { ms: performance.now() - t0, bytes, searchBytes };
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

/**
 * A search as Live events asks for it: pages of 50 events holding `text`, following the cursor
 * (a page that runs out of time ends early with one) until the end: time to the first page and
 * to the last, matches, pages.
 */
async function timedSearch(url: string, text: string): Promise<{ first_ms: number; ms: number; items: number; pages: number }> {
  const t0 = performance.now();
  let first = NaN;
  let items = 0;
  let pages = 0;
  let cursor: string | null = null;
  do {
    const r = await fetch(`${url}/api/events?limit=50&text=${encodeURIComponent(text)}${cursor ? `&cursor=${cursor}` : ''}`, { headers });
    const j = (await r.json()) as { items: unknown[]; next_cursor: string | null };
    if (!r.ok) throw new Error(`/api/events?text: ${r.status}`);
    if (Number.isNaN(first)) first = performance.now() - t0;
    items += j.items.length;
    pages++;
    cursor = j.next_cursor;
  } while (cursor);
  return { first_ms: +first.toFixed(1), ms: +(performance.now() - t0).toFixed(1), items, pages };
}

/** The NDJSON export of every event holding `text`: time to the first event and to the end. */
async function timedExport(url: string, text: string): Promise<{ first_ms: number; total_ms: number; events: number; mib: number }> {
  const t0 = performance.now();
  const r = await fetch(`${url}/api/events/export?format=ndjson&text=${encodeURIComponent(text)}`, { headers });
  if (!r.ok || !r.body) throw new Error(`/api/events/export: ${r.status}`);
  let first = NaN;
  let lines = 0;
  let bytes = 0;
  for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
    if (Number.isNaN(first)) first = performance.now() - t0;
    bytes += chunk.length;
    for (const b of chunk) if (b === 0x0a) lines++;
  }
  return { first_ms: +first.toFixed(1), total_ms: Math.round(performance.now() - t0), events: lines, mib: +(bytes / 2 ** 20).toFixed(1) };
}

/** Search and export over the stored events (the appliance just started: nothing of the search cached). */
export async function measureSearch(url: string, n: number): Promise<Record<string, unknown>> {
  const few = await timedSearch(url, SEARCH_FEW);
  const none = await timedSearch(url, SEARCH_NONE);
  const again = await timedSearch(url, SEARCH_FEW);
  if (few.items !== 5 || none.items !== 0) throw new Error(`search found ${few.items} (want 5) and ${none.items} (want 0)`);
  const exported = await timedExport(url, SEARCH_EXPORT);
  const want = Math.ceil((n - 3) / 200);
  if (exported.events !== want) throw new Error(`export gave ${exported.events} events, want ${want}`);
  return {
    search_few_ms: few.ms,
    search_few_pages: few.pages,
    search_few_again_ms: again.ms,
    search_none_ms: none.ms,
    search_none_pages: none.pages,
    search_target_1s: Math.max(few.ms, none.ms) < 1000 ? 'met' : 'not met',
    export_events: exported.events,
    export_first_ms: exported.first_ms,
    export_total_ms: exported.total_ms,
    export_mib: exported.mib,
  };
}

export async function startAndMeasure(dataDir: string): Promise<{ app: Awaited<ReturnType<typeof startAppliance>>; startup_ms: number; first_page_ms: number; rss_mib: number }> {
  const t0 = performance.now();
  const app = await startAppliance(dataDir);
  const startup = await waitHealthy(app.url, t0);
  const page = await timed(app.url);
  if (page.items !== 50) throw new Error(`first page has ${page.items} items`);
  return { app, startup_ms: Math.round(startup), first_page_ms: page.ms, rss_mib: +((await rssBytes(app.pid)) / 2 ** 20).toFixed(1) };
}

export async function runGrowth(sizes: number[], seconds: number, segmentMaxBytes?: number): Promise<Record<string, unknown>[]> {
  const body = JSON.parse(await readFile(join(ROOT, 'test/fixtures/generic-alert.json'), 'utf8')) as unknown;
  const bodyText = JSON.stringify(body);
  const rows: Record<string, unknown>[] = [];
  for (const n of sizes) {
    const dir = await mkdtemp(join(tmpdir(), 'sy-bench-growth-'));
    const dataDir = join(dir, 'data');
    try {
      const seeded = await seed(dataDir, n, body, segmentMaxBytes);
      // The seed's writes leave the page cache dirty; flush them so their writeback does not
      // land on the fsyncs measured below.
      execFileSync('sync');
      // Start on the snapshot written by the seeding store's close.
      const first = await startAndMeasure(dataDir);
      const search = await measureSearch(first.app.url, n);
      const rssSearch = +((await rssBytes(first.app.pid)) / 2 ** 20).toFixed(1);
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
        search_sidecars_mib: +(seeded.searchBytes / 2 ** 20).toFixed(0),
        startup_ms: first.startup_ms,
        startup_replay_ms: replay.startup_ms,
        first_page_ms: first.first_page_ms,
        rss_start_mib: first.rss_mib,
        rss_after_load_mib: rssAfter,
        ...search,
        rss_after_search_mib: rssSearch,
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
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000,1000000' }, seconds: { type: 'string', default: '5' }, 'segment-mib': { type: 'string' } } });
  const segment = values['segment-mib'] ? Number(values['segment-mib']) * 2 ** 20 : undefined;
  const rows = await runGrowth(values.sizes!.split(',').map(Number), Number(values.seconds), segment);
  console.table(rows);
  const file = join(ROOT, 'bench/results', `growth-${Date.now()}.json`);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model}`, node: process.version, rows }, null, 2));
  console.log(`written ${file}`);
}
