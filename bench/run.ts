// `npm run bench [-- --quick]`: durable ingest of the generic fixture at 1, 8 and 32
// connections against the durable bound measured in the same run, with ratios; then
// end-to-end latency to a local webhook receiver at a steady rate. Prints a table and
// writes JSON to bench/results/. Only loopback traffic.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { BENCH_KEY, ROOT, startAppliance } from './appliance';
import { startBaseline } from './baseline';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const seconds = values.quick ? 3 : 10;

async function load(url: string, body: string, connections: number) {
  const r = await autocannon({
    url, method: 'POST', body, connections, duration: seconds,
    headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
  });
  return { req_per_s: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, errors: r.errors + r.non2xx };
}

async function main() {
  const body = JSON.stringify(JSON.parse(await readFile(join(ROOT, 'test/fixtures/generic-alert.json'), 'utf8')));
  const dir = await mkdtemp(join(tmpdir(), 'sy-bench-run-'));
  const rows: Record<string, unknown>[] = [];
  try {
    const baseline = await startBaseline(join(dir, 'baseline.jsonl'));
    const appliance = await startAppliance(join(dir, 'data'));
    for (const connections of [1, 8, 32]) {
      const bound = await load(baseline.url, body, connections);
      const ours = await load(`${appliance.url}/v1/ingest/generic`, body, connections);
      rows.push({
        scenario: `durable ingest, ${connections} conn`,
        ...ours,
        bound_req_per_s: bound.req_per_s,
        bound_p99_ms: bound.p99_ms,
        ratio: +(ours.req_per_s / bound.req_per_s).toFixed(2),
      });
    }
    await appliance.stop();
    await baseline.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.table(rows);
  const result = { date: new Date().toISOString(), quick: values.quick, machine: `${cpus().length} × ${cpus()[0]?.model}`, node: process.version, seconds, rows };
  const file = join(ROOT, 'bench/results', `bench-${Date.now()}.json`);
  await writeFile(file, JSON.stringify(result, null, 2));
  console.log(`written ${file}\nEnd-to-end latency: npm run bench:e2e -- --rate 1000 --seconds 30`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
