// Crash cycles: SIGKILL at a random moment while 16 clients ingest and deliveries are
// pending. After each restart every event answered 202 is present, and in the end every
// delivery an acknowledged event owed arrives at the receiver at least once.
import { rm } from 'node:fs/promises';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src-main/app';
import { createLogger } from '../../src-main/logger';
import { CLI, requireBuild, spawnChild } from '../helpers/child';
import { ADMIN_KEY, tempDir } from '../helpers/harness';
import { startIngestClients } from '../helpers/ingest-clients';
import { startReceiver, type Receiver } from '../helpers/receiver';

const CYCLES = 20;
const CLIENTS = 16;
let receiver: Receiver;
let dir: string;
afterAll(async () => {
  await receiver?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function runUntilKilled(acknowledged: string[], killAfterMs: number): Promise<void> {
  const child = spawnChild(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir], { SWITCHYARD_API_KEY: ADMIN_KEY, SWITCHYARD_RATE_LIMIT: '1000000' });
  const [, url] = await child.waitFor(/serving at (http:\/\/127\.0\.0\.1:\d+)/);
  const clients = startIngestClients(url, ADMIN_KEY, CLIENTS, acknowledged);
  await new Promise((r) => setTimeout(r, killAfterMs));
  child.proc.kill('SIGKILL');
  await child.exited;
  await clients.stop();
}

describe('crash', () => {
  it(`loses nothing acknowledged over ${CYCLES} SIGKILL cycles, and every owed delivery arrives`, async () => {
    requireBuild();
    dir = await tempDir('sy-crash-');
    receiver = await startReceiver();
    // The destination is configured once, before the cycles.
    const setup = await createApp({ dataDir: dir, port: 0, apiKey: ADMIN_KEY, uiDir: null, logger: createLogger({ write: () => {} }) });
    const made = await request(`${setup.url}/api/destinations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'crash receiver', kind: 'webhook', uri: receiver.url, event_type: ['security_event'] }),
    });
    expect(made.statusCode).toBe(201);
    await made.body.dump();
    await setup.close();

    const acknowledged: string[] = [];
    const torn: number[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      await runUntilKilled(acknowledged, 150 + Math.floor(Math.random() * 400));
      // Every event answered 202 so far is in the store after the crash.
      const check = await createApp({ dataDir: dir, port: 0, apiKey: ADMIN_KEY, uiDir: null, logger: createLogger({ write: () => {} }) });
      torn.push(check.openReport.torn_lines_discarded);
      expect(check.openReport.corrupt_lines_skipped ?? 0).toBe(0);
      const missing = [];
      for (const id of acknowledged) if (!(await check.store.getEvent(id))) missing.push(id);
      await check.close();
      expect(missing).toEqual([]);
    }
    expect(acknowledged.length).toBeGreaterThan(CYCLES * 10);

    // A final run delivers whatever was still owed.
    const last = await createApp({ dataDir: dir, port: 0, apiKey: ADMIN_KEY, uiDir: null, logger: createLogger({ write: () => {} }) });
    try {
      const delivered = () => new Set(receiver.received.map((r) => (JSON.parse(r.body) as { event_uuid: string }[])[0].event_uuid));
      const deadline = Date.now() + 60_000;
      let owed = acknowledged.filter((id) => !delivered().has(id));
      while (owed.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        owed = owed.filter((id) => !delivered().has(id));
      }
      expect(owed).toEqual([]);
      console.log(`crash suite: ${acknowledged.length} events acknowledged over ${CYCLES} kills, ${receiver.received.length} deliveries received (at least once), torn tails discarded per restart: ${torn.join(',')}`);
    } finally {
      await last.close();
    }
  });
});
