// Ingest throughput of the built appliance (child process) with autocannon:
// sequential (1 connection) and 32 concurrent connections posting the generic
// fixture, then the store's size on disk after N events.
//   npm run bench:ingest [-- --seconds 10 --events 100000]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { BENCH_KEY as KEY, dirBytes, ROOT, startAppliance } from './appliance';


const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, events: { type: 'string', default: '100000' } } });
const seconds = Number(values.seconds);
const seedEvents = Number(values.events);


function load(url: string, body: string, opts: { connections: number; duration?: number; amount?: number }) {
  return autocannon({
    url: `${url}/v1/ingest/generic`,
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body,
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration }),
  });
}

async function main() {
  const body = JSON.stringify(JSON.parse(await (await import('node:fs/promises')).readFile(join(ROOT, 'test/fixtures/generic-alert.json'), 'utf8')));
  const dataDir = await mkdtemp(join(tmpdir(), 'sy-bench-'));
  const app = await startAppliance(dataDir);
  const rows: Record<string, unknown>[] = [];
  try {
    for (const connections of [1, 32]) {
      const r = await load(app.url, body, { connections, duration: seconds });
      rows.push({ scenario: `generic ingest, ${connections} connection(s)`, req_per_s: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors, total: r.requests.total });
    }
    const already = rows.reduce((n, r) => n + Number(r.total), 0);
    const remaining = Math.max(0, seedEvents - already);
    if (remaining) await load(app.url, body, { connections: 32, amount: remaining });
    const events = (await (await fetch(`${app.url}/healthz`)).json()) as { store: { events: number } };
    await app.stop();
    const bytes = await dirBytes(dataDir);
    rows.push({ scenario: `store size after ${events.store.events} events`, bytes, mib: +(bytes / 1024 / 1024).toFixed(1), bytes_per_event: Math.round(bytes / events.store.events) });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  console.table(rows);
  const result = { date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model}`, node: process.version, seconds, rows };
  const file = join(ROOT, 'bench/results', `ingest-${Date.now()}.json`);
  await writeFile(file, JSON.stringify(result, null, 2));
  console.log(`written ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
