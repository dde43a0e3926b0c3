// End-to-end latency: ingest → delivery at a local receiver, at a steady request rate.
//   npm run bench:e2e [-- --rate 1000 --seconds 30] [--second healthy|dead]
// The built appliance runs as a child process; autocannon posts the generic fixture at a
// fixed overall rate; the receiver (node:http, this process) notes when each payload
// arrives and compares it with the event's received_at (same machine, same clock).
// With --second dead a second webhook destination points at a receiver that accepts
// connections and never answers: the healthy destination's latency should not move compared
// with --second healthy (the same work per event, both receivers answering).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { BENCH_KEY as KEY, percentile, ROOT, startAppliance } from './appliance';

export interface E2eRow {
  scenario: string;
  ingested: number;
  delivered: number;
  ingest_p99_ms: number;
  e2e_p50_ms: number;
  e2e_p99_ms: number;
  e2e_max_ms: number;
  /** Requests the second receiver got (the dead one leaves each hanging). */
  second_requests?: number;
  [key: string]: unknown;
}

function listen(server: Server): Promise<string> {
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`)));
}

/**
 * `second`: a second webhook destination for the same events — 'healthy' (another receiver
 * that answers at once) or 'dead' (accepts connections, never answers). Comparing the two
 * isolates what a dead destination costs the healthy one: the ingest work is the same.
 */
export async function runE2e(opts: { rate: number; seconds: number; second?: 'healthy' | 'dead'; label?: string }): Promise<E2eRow> {
  const latencies: number[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const arrived = Date.now();
      try {
        const [record] = JSON.parse(body) as [{ received_at?: string }];
        if (record?.received_at) latencies.push(arrived - Date.parse(record.received_at));
      } catch {
        /* a test payload */
      }
      res.end('ok');
    });
  });
  let deadRequests = 0;
  // Takes the request and never answers (the sender's 10 s timeout ends each attempt).
  const dead = createServer((req) => {
    deadRequests++;
    req.resume();
  });
  let otherRequests = 0;
  const other = createServer((req, res) => {
    otherRequests++;
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const receiverUrl = await listen(receiver);
  const deadUrl = await listen(dead);
  const otherUrl = await listen(other);

  const dataDir = await mkdtemp(join(tmpdir(), 'sy-e2e-'));
  const appliance = await startAppliance(dataDir);
  const url = appliance.url;
  try {
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const destinations = [
      { name: 'bench receiver', uri: receiverUrl },
      ...(opts.second === 'dead' ? [{ name: 'dead receiver', uri: deadUrl }] : opts.second === 'healthy' ? [{ name: 'second receiver', uri: otherUrl }] : []),
    ];
    for (const d of destinations) {
      const made = await fetch(`${url}/api/destinations`, { method: 'POST', headers, body: JSON.stringify({ ...d, kind: 'webhook', event_type: ['security_event'] }) });
      if (made.status !== 201) throw new Error(`destination: ${made.status} ${await made.text()}`);
    }
    const body = JSON.stringify(JSON.parse(await readFile(join(ROOT, 'test/fixtures/generic-alert.json'), 'utf8')));
    const load = await autocannon({ url: `${url}/v1/ingest/generic`, method: 'POST', headers, body, connections: 16, overallRate: opts.rate, duration: opts.seconds });
    // Let the last deliveries arrive.
    const expected = load['2xx'];
    const deadline = Date.now() + 10_000;
    while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      scenario: opts.label ?? `end to end at ${opts.rate} events/s for ${opts.seconds} s${opts.second ? `, beside a ${opts.second} destination` : ''}`,
      ingested: expected,
      delivered: latencies.length,
      ingest_p99_ms: load.latency.p99,
      e2e_p50_ms: percentile(sorted, 50),
      e2e_p99_ms: percentile(sorted, 99),
      e2e_max_ms: sorted[sorted.length - 1],
      ...(opts.second === 'dead' ? { second_requests: deadRequests } : opts.second === 'healthy' ? { second_requests: otherRequests } : {}),
      errors: load.errors + load.non2xx,
    };
  } finally {
    await appliance.stop();
    receiver.close();
    dead.closeAllConnections();
    dead.close();
    other.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '30' }, second: { type: 'string' } } });
  if (values.second !== undefined && values.second !== 'healthy' && values.second !== 'dead') throw new Error('--second healthy|dead');
  const row = await runE2e({ rate: Number(values.rate), seconds: Number(values.seconds), second: values.second as 'healthy' | 'dead' | undefined });
  console.table([row]);
  const file = join(ROOT, 'bench/results', `e2e-${Date.now()}.json`);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model}`, node: process.version, row }, null, 2));
  console.log(`written ${file}`);
}
