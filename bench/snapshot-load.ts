// Snapshot load: memory and time of reading a store's index snapshot, alone and as part of
// opening the store, on an existing data dir (e.g. one left by `bench/soak.ts --keep DIR`).
// Each run is its own process, so the peak (VmHWM) is that run's. Opening the store does not
// write to the data dir when its snapshot loads (the process exits without closing the store).
//   npx tsx bench/snapshot-load.ts --data-dir DIR [--runs 3] [--chunk-kib 4096]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createStore } from '../src-main/store';
import { readSnapshot, SNAPSHOT_READ_CHUNK } from '../src-main/store/index-snapshot';

/** A line of /proc/self/status in MB (VmRSS now, VmHWM the peak so far). */
function statusMb(key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

async function once(mode: 'read' | 'open', dataDir: string, chunk: number): Promise<Record<string, unknown>> {
  const base = statusMb('VmRSS');
  const t0 = performance.now();
  let result: Record<string, unknown>;
  if (mode === 'read') {
    const read = await readSnapshot(join(dataDir, 'events'), undefined, chunk);
    result = { problem: read.problem ?? null, events: read.snapshot?.index.count };
  } else {
    const report = await createStore({ dataDir, retentionIntervalMs: 0 }).open();
    result = { snapshot: report.snapshot, events: report.events, replayed: report.replayed_records };
  }
  return { mode, ...result, ms: Math.round(performance.now() - t0), rss_before_mb: base, peak_rss_mb: statusMb('VmHWM'), rss_after_mb: statusMb('VmRSS') };
}

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '3' }, 'chunk-kib': { type: 'string' }, child: { type: 'string' } } });
const dataDir = values['data-dir'];
if (!dataDir) throw new Error('--data-dir DIR is required');
const chunk = values['chunk-kib'] ? Number(values['chunk-kib']) * 1024 : SNAPSHOT_READ_CHUNK;
if (values.child) {
  console.log(JSON.stringify(await once(values.child as 'read' | 'open', dataDir, chunk)));
  process.exit(0);
} else {
  const rows = [];
  for (let i = 0; i < Number(values.runs); i++) {
    for (const mode of ['read', 'open']) {
      const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1], '--data-dir', dataDir, '--chunk-kib', String(chunk / 1024), '--child', mode], { encoding: 'utf8' });
      rows.push(JSON.parse(out.trim().split('\n').pop()!));
    }
  }
  console.table(rows);
}
