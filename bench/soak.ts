// Soak: does the appliance stay up as the store grows? N events, each with its own title (so
// each opens its own alert), posted at 32 connections to the built appliance with one webhook
// destination (a node:http receiver in this process). RSS is sampled every second through the
// run, the graceful stop and the restart (peak and end); then store bytes per event, start-up
// to /healthz and the first page of events on the same data.
//   npm run build && npx tsx bench/soak.ts [--events 1000000]
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { BENCH_KEY, cpuMs, dirBytes, ROOT, rssBytes, startAppliance, type Appliance } from './appliance';

export interface SoakRow {
  scenario: string;
  events: number;
  delivered: number;
  req_per_s: number;
  ingest_p99_ms: number;
  ingest_max_ms: number;
  /** The first second of traffic, while V8 still compiles the hot paths (JIT warm-up). */
  ingest_warmup_max_ms: number;
  /** Everything after that first second: the stalls a running appliance shows. */
  ingest_steady_max_ms: number;
  /** Responses after the first second that took over 100 ms. */
  ingest_steady_over_100ms: number;
  /** The longest time between two consecutive answers (the appliance answering nobody). */
  ingest_longest_silence_ms: number;
  /** The appliance's CPU time (user + kernel, all its threads) from the first request to the last delivery, per event. */
  cpu_us_per_event: number;
  rss_peak_run_mb: number;
  rss_end_run_mb: number;
  rss_peak_stop_mb: number;
  rss_after_restart_mb: number;
  store_bytes_per_event: number;
  store_x_body: number;
  /** Once the sealed segments are compressed and indexed for search (the backlog a burst leaves). */
  store_x_body_settled: number;
  settle_s: number;
  rss_peak_restart_mb: number;
  /** The longest the appliance's event loop was blocked during the run (its own measurement, /metrics). */
  loop_block_max_ms: number;
  /** Group commits whose fsync took over 100 ms (the disk, not the event loop). */
  fsync_over_100ms: number;
  restart_ms: number;
  first_page_ms: number;
  [key: string]: unknown;
}

const MB = 1024 * 1024;

/** Samples a process's RSS every second until stopped; keeps the peak and the last value. */
function sampler(pid: number) {
  let peak = 0;
  let last = 0;
  const take = async () => {
    try {
      const rss = await rssBytes(pid);
      if (!Number.isFinite(rss)) return; // exited (a zombie has no RSS)
      last = rss;
      peak = Math.max(peak, last);
    } catch {
      /* the process is gone */
    }
  };
  const timer = setInterval(() => void take(), 1000);
  return {
    async stop() {
      clearInterval(timer);
      await take();
      return { peak_mb: Math.round(peak / MB), last_mb: Math.round(last / MB) };
    },
  };
}


/**
 * Splits response times at one second after the first response: JIT warm-up, then steady
 * running. Also the longest the client went without any answer: at saturation every request
 * waits its turn, and a stall in the strict sense is the appliance answering nothing at all.
 */
function latencyTimeline() {
  let first = 0;
  let last = 0;
  const t = { warmupMax: 0, steadyMax: 0, steadySlow: 0, silenceMax: 0, add(ms: number) {
    const now = performance.now();
    if (!first) first = now;
    if (last) t.silenceMax = Math.max(t.silenceMax, Math.round(now - last));
    last = now;
    if (now - first < 1000) t.warmupMax = Math.max(t.warmupMax, Math.round(ms));
    else {
      t.steadyMax = Math.max(t.steadyMax, Math.round(ms));
      if (ms > 100) t.steadySlow++;
    }
  } };
  return t;
}

/** `keep`: a directory to leave the data in (for a look at it afterwards). */
export async function runSoak(events: number, keep?: string): Promise<SoakRow> {
  let delivered = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      delivered++;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const dataDir = keep ?? (await mkdtemp(join(tmpdir(), 'sy-soak-')));
  const headers = { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' };
  let appliance: Appliance | null = null;
  try {
    appliance = await startAppliance(join(dataDir, 'data'));
    const made = await fetch(`${appliance.url}/api/destinations`, { method: 'POST', headers, body: JSON.stringify({ name: 'soak receiver', uri: hook, kind: 'webhook', event_type: ['security_event'] }) });
    if (made.status !== 201) throw new Error(`destination: ${made.status} ${await made.text()}`);
    const fixture = JSON.parse(await readFile(join(ROOT, 'test/fixtures/generic-alert.json'), 'utf8')) as { title: string };
    // autocannon replaces [<id>] with a fresh id per request: every event has its own title, so its own alert.
    const body = JSON.stringify({ ...fixture, title: `${fixture.title} [<id>]` });
    const bodyBytes = Buffer.byteLength(body) + 10;
    const run = sampler(appliance.pid);
    const cpuBefore = await cpuMs(appliance.pid);
    const latency = latencyTimeline();
    const load = await new Promise<autocannon.Result>((resolve, reject) => {
      const opts = { url: `${appliance!.url}/v1/ingest/generic`, method: 'POST' as const, headers, body, idReplacement: true, connections: 32, amount: events, timeout: 30 };
      autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)))
        .on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latency.add(ms));
    });
    const accepted = load['2xx'];
    const deadline = Date.now() + 120_000;
    while (delivered < accepted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const cpuPerEvent = ((await cpuMs(appliance.pid)) - cpuBefore) * 1000 / Math.max(1, accepted);
    const runMem = await run.stop();
    // prom-client samples the loop every 10 ms: a lag above that is the loop blocked.
    const metrics = await (await fetch(`${appliance.url}/metrics`, { headers })).text();
    const lagMax = Number(/^switchyard_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(metrics)?.[1] ?? NaN);
    // Commits whose fsync took longer than 100 ms: a client waits for its commit, so these are stalls the loop does not see.
    const fsyncs = Number(/^switchyard_store_fsync_seconds_count (\S+)$/m.exec(metrics)?.[1] ?? NaN);
    const fsyncsFast = Number(/^switchyard_store_fsync_seconds_bucket\{le="0.1"\} (\S+)$/m.exec(metrics)?.[1] ?? NaN);
    const stopping = sampler(appliance.pid);
    await appliance.stop();
    const stopMem = await stopping.stop();
    appliance = null;
    const storeBytes = await dirBytes(join(dataDir, 'data'));
    const again = await startAppliance(join(dataDir, 'data'));
    appliance = again;
    const t0 = performance.now();
    for (;;) {
      const r = await fetch(`${again.url}/healthz`).catch(() => null);
      if (r?.ok) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    const restartMs = again.startMs + (performance.now() - t0);
    const p0 = performance.now();
    const page = await fetch(`${again.url}/api/events?limit=50`, { headers });
    await page.arrayBuffer();
    const firstPageMs = performance.now() - p0;
    const afterRestart = Math.round((await rssBytes(again.pid)) / MB);
    // The background work the run left (compression, search sidecars) finishes after the restart.
    const settling = sampler(again.pid);
    const s0 = performance.now();
    await settled(join(dataDir, 'data', 'events'), 20 * 60_000);
    const settleS = (performance.now() - s0) / 1000;
    const settledBytes = await dirBytes(join(dataDir, 'data'));
    const restartMem = await settling.stop();
    return {
      scenario: `soak: ${events} events, each its own alert, one webhook destination`,
      events: accepted,
      delivered,
      errors: load.errors + load.non2xx,
      req_per_s: Math.round(load.requests.average),
      ingest_p99_ms: load.latency.p99,
      ingest_max_ms: load.latency.max,
      ingest_warmup_max_ms: latency.warmupMax,
      ingest_steady_max_ms: latency.steadyMax,
      ingest_steady_over_100ms: latency.steadySlow,
      ingest_longest_silence_ms: latency.silenceMax,
      cpu_us_per_event: Math.round(cpuPerEvent),
      rss_peak_run_mb: runMem.peak_mb,
      rss_end_run_mb: runMem.last_mb,
      // A stop quicker than one sample: its peak is at least what the run ended with.
      rss_peak_stop_mb: Math.max(stopMem.peak_mb, runMem.last_mb),
      rss_after_restart_mb: afterRestart,
      store_bytes_per_event: Math.round(storeBytes / Math.max(1, accepted)),
      store_x_body: +(storeBytes / Math.max(1, accepted) / bodyBytes).toFixed(1),
      store_x_body_settled: +(settledBytes / Math.max(1, accepted) / bodyBytes).toFixed(1),
      settle_s: +settleS.toFixed(1),
      rss_peak_restart_mb: Math.max(restartMem.peak_mb, afterRestart),
      loop_block_max_ms: Math.round(Math.max(0, lagMax * 1000 - 10)),
      fsync_over_100ms: fsyncs - fsyncsFast,
      restart_ms: Math.round(restartMs),
      first_page_ms: Math.round(firstPageMs),
    };
  } finally {
    await appliance?.stop();
    receiver.close();
    if (!keep) await rm(dataDir, { recursive: true, force: true });
  }
}

/** Waits until every sealed segment is compressed and has its search sidecar (one plain segment: the current). */
async function settled(eventsDir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const names = await readdir(eventsDir);
    const plain = names.filter((n) => n.endsWith('.jsonl')).length;
    const compressed = names.filter((n) => n.endsWith('.jsonz')).map((n) => n.slice(0, -'.jsonz'.length));
    if (plain <= 1 && compressed.every((n) => names.includes(`${n}.search`))) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Each target of the soak with met / not met. */
export function soakTargets(r: SoakRow): Record<string, unknown>[] {
  const peak = Math.max(r.rss_peak_run_mb, r.rss_peak_stop_mb, r.rss_peak_restart_mb);
  const row = (target: string, figure: string, met: boolean) => ({ scenario: 'soak target', target, figure, met: met ? 'met' : 'NOT met' });
  return [
    row('RSS < 400 MB at every moment (run, stop, restart)', `${peak} MB peak`, peak < 400),
    row('disk ≤ 5× the body with one destination (once compressed)', `${r.store_x_body_settled}× (${r.store_x_body}× at the stop, before the backlog was compressed)`, r.store_x_body_settled <= 5),
    row('restart < 3 s to /healthz', `${r.restart_ms} ms`, r.restart_ms < 3000),
    row('first page < 100 ms', `${r.first_page_ms} ms`, r.first_page_ms < 100),
    row('no ingest stall over 100 ms', `max ${r.ingest_max_ms} ms: ${r.ingest_warmup_max_ms} ms in the first second (JIT warm-up), ${r.ingest_steady_max_ms} ms after (${r.ingest_steady_over_100ms} responses over 100 ms); never more than ${r.ingest_longest_silence_ms} ms without an answer; event loop blocked at most ${r.loop_block_max_ms} ms; ${r.fsync_over_100ms} fsyncs over 100 ms`, r.ingest_max_ms <= 100),
    row('every event delivered', `${r.delivered} of ${r.events}`, r.delivered >= r.events),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, keep: { type: 'string' } } });
  const row = await runSoak(Number(values.events), values.keep);
  console.table([row]);
  console.table(soakTargets(row));
}
