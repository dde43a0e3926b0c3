// End-to-end latency: ingest → delivery at a local receiver, at a steady request rate.
//   npm run bench:e2e [-- --rate 500 --seconds 20]
// The built appliance runs as a child process; autocannon posts the generic fixture at a
// fixed overall rate; the receiver (node:http, this process) notes when each payload
// arrives and compares it with the event's received_at (same machine, same clock).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { BENCH_KEY as KEY, ROOT, startAppliance } from './appliance';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '500' }, seconds: { type: 'string', default: '20' } } });
const rate = Number(values.rate);
const seconds = Number(values.seconds);

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

async function main() {
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
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  const dataDir = await mkdtemp(join(tmpdir(), 'sy-e2e-'));
  const appliance = await startAppliance(dataDir);
  const url = appliance.url;
  try {
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const made = await fetch(`${url}/api/destinations`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench receiver', kind: 'webhook', uri: receiverUrl, event_type: ['security_event'] }) });
    if (made.status !== 201) throw new Error(`destination: ${made.status} ${await made.text()}`);
    const body = JSON.stringify(JSON.parse(await readFile(join(ROOT, 'test/fixtures/generic-alert.json'), 'utf8')));
    const load = await autocannon({ url: `${url}/v1/ingest/generic`, method: 'POST', headers, body, connections: 16, overallRate: rate, duration: seconds });
    // Let the last deliveries arrive.
    const expected = load.requests.total - load.non2xx;
    const deadline = Date.now() + 10_000;
    while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const sorted = [...latencies].sort((a, b) => a - b);
    const row = {
      scenario: `end to end at ${rate} events/s for ${seconds} s`,
      ingested: expected,
      delivered: latencies.length,
      ingest_p99_ms: load.latency.p99,
      e2e_p50_ms: percentile(sorted, 50),
      e2e_p99_ms: percentile(sorted, 99),
      e2e_max_ms: sorted[sorted.length - 1],
    };
    console.table([row]);
    const file = join(ROOT, 'bench/results', `e2e-${Date.now()}.json`);
    await writeFile(file, JSON.stringify({ date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model}`, node: process.version, row }, null, 2));
    console.log(`written ${file}`);
  } finally {
    await appliance.stop();
    receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
