// Before/after on a shared, noisy machine: alternates 32-connection ingest runs against two
// builds of the appliance and reports medians of req/s, p99 and — steadier than either — the
// appliance's CPU time per accepted request (from /proc).
//   npx tsx bench/ab.ts <before/out/main/cli.js> <after/out/main/cli.js> [--rounds 3 --seconds 5]
// Build an older commit with `git worktree add /tmp/before <commit>` (link node_modules, then
// `npx electron-vite build` there). BENCH_PROF=<dir> profiles every run.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { BENCH_KEY, cpuMs, ROOT, startAppliance } from './appliance';

export async function ingestCost(cli: string | undefined, seconds: number, connections = 32): Promise<{ req_per_s: number; p99_ms: number; cpu_us_per_req: number }> {
  const before = process.env.BENCH_CLI;
  if (cli) process.env.BENCH_CLI = cli;
  const body = JSON.stringify(JSON.parse(await readFile(join(ROOT, 'test/fixtures/generic-alert.json'), 'utf8')));
  const dir = await mkdtemp(join(tmpdir(), 'sy-bench-ab-'));
  const app = await startAppliance(join(dir, 'data'));
  if (cli) process.env.BENCH_CLI = before;
  try {
    const opts = { url: `${app.url}/v1/ingest/generic`, method: 'POST' as const, body, connections, headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' } };
    await autocannon({ ...opts, duration: 1 }); // warm-up
    const c0 = await cpuMs(app.pid);
    const r = await autocannon({ ...opts, duration: seconds });
    const c1 = await cpuMs(app.pid);
    return { req_per_s: Math.round(r.requests.average), p99_ms: r.latency.p99, cpu_us_per_req: Math.round(((c1 - c0) * 1000) / r['2xx']) };
  } finally {
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '5' } } });
  const [a, b] = positionals;
  if (!a || !b) throw new Error('usage: tsx bench/ab.ts <before cli.js> <after cli.js> [--rounds N --seconds S]');
  const runs: Record<'before' | 'after', Awaited<ReturnType<typeof ingestCost>>[]> = { before: [], after: [] };
  for (let i = 0; i < Number(values.rounds); i++) {
    for (const [k, cli] of [['before', a], ['after', b]] as const) {
      const r = await ingestCost(cli, Number(values.seconds));
      runs[k].push(r);
      console.log(k, JSON.stringify(r));
    }
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  console.table((['before', 'after'] as const).map((k) => ({ build: k, req_per_s: med(runs[k].map((r) => r.req_per_s)), p99_ms: med(runs[k].map((r) => r.p99_ms)), cpu_us_per_req: med(runs[k].map((r) => r.cpu_us_per_req)) })));
}
