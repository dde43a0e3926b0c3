// The data directory stops taking writes (disk full, read-only, permission lost, I/O errors),
// simulated at the store's injected fs layer while clients keep ingesting. Ingest answers 503
// with Retry-After in the error shape, nothing answered 202 is lost (checked live and after a
// restart), the appliance keeps answering, the condition shows in GET /api/status, /healthz,
// /metrics, the log and a `status.changed` stream message, and it clears by itself once
// writes succeed again.
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, StartupError } from '../../src-main/app';
import { createLogger } from '../../src-main/logger';
import { STORE_PROBE_INTERVAL_MS } from '../../src-main/limits';
import { faultyDisk, type DiskFault } from '../helpers/faulty-disk';
import { ADMIN_KEY, startHarness, tempDir, type Harness } from '../helpers/harness';
import { startAnsweringIngestClients, type IngestAnswer } from '../helpers/ingest-clients';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { openStream, type StreamClient } from '../helpers/sse';
import { sleep, until } from '../helpers/wait';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function dataDir(): Promise<string> {
  const dir = await tempDir('sy-disk-');
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
async function harness(opts: Parameters<typeof startHarness>[0]): Promise<Harness> {
  const h = await startHarness({ tickMs: 0, ...opts });
  cleanups.push(() => h.stop());
  return h;
}
async function stream(h: Harness): Promise<StreamClient> {
  const s = await openStream(h.app.url, { authorization: `Bearer ${ADMIN_KEY}` });
  cleanups.push(() => s.close());
  return s;
}
async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}

const STORE_503 = 'store: the change could not be written to disk; check free space and permissions of the data directory, then retry';

describe('disk faults', () => {
  it('full disk under 8 ingesting clients: 503 + Retry-After, visible everywhere, clears by itself, nothing acknowledged lost across a restart', async () => {
    const dir = await dataDir();
    const disk = faultyDisk();
    const h = await harness({ dir, storeFs: disk.fs, rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } });
    const key = await h.key(['ingest']);
    // A destination too: deliveries owed by acknowledged events must survive the outage.
    const r = await receiver();
    expect((await h.http('POST', '/api/destinations', { body: { name: 'beside the disk', kind: 'webhook', uri: r.url, event_type: ['security_event'] } })).status).toBe(201);
    const live = await stream(h);
    // status.changed concerns the whole appliance: a client of another organization gets it too.
    const child = (await h.http('POST', '/api/orgs', { body: { name: 'Other team' } })).json;
    const childKey = await h.key(['admin'], child.id);
    const otherLive = await openStream(h.app.url, { authorization: `Bearer ${childKey}` });
    cleanups.push(() => otherLive.close());

    // GET /api/status is documented, and answers an admin key or the UI session only.
    expect((await h.http('GET', '/openapi.json', { key: null })).json.paths['/api/status'].get).toMatchObject({ tags: ['system'], security: [{ apiKey: ['admin'] }, { session: [] }] });
    expect((await h.http('GET', '/api/status', { key: null })).status).toBe(401);
    expect((await h.http('GET', '/api/status', { key })).status).toBe(403);
    expect((await h.http('GET', '/api/status', { key: childKey })).status).toBe(200);
    const healthy = await h.http('GET', '/api/status');
    expect(healthy.status).toBe(200);
    expect(healthy.json).toMatchObject({ store: { writable: true, error: null, since: null }, version: expect.any(String), uptime_s: expect.any(Number) });
    expect((await h.http('GET', '/healthz', { key: null })).json).toMatchObject({ status: 'ok', store: { writable: true, error: null, since: null } });

    const answers: (IngestAnswer & { phase: string })[] = [];
    let phase = 'before';
    const clients = startAnsweringIngestClients(h.app.url, key, 8, (a) => answers.push({ ...a, phase }));
    await until(() => (answers.filter((a) => a.status === 202).length >= 200 ? true : undefined), 20_000, '200 events acknowledged');

    // The disk fills up.
    phase = 'outage';
    disk.fail('ENOSPC');
    const down = await live.waitFor((m) => m.type === 'status.changed' && m.data.store.writable === false);
    expect(down.data).toEqual({ store: { backend: 'file', writable: false, error: expect.stringContaining('ENOSPC: no space left on device'), since: expect.any(String) }, version: expect.any(String), uptime_s: expect.any(Number) });
    expect(Number.isNaN(Date.parse(down.data.store.since))).toBe(false);
    expect((await otherLive.waitFor((m) => m.type === 'status.changed')).data.store).toEqual(down.data.store);
    await until(() => (answers.filter((a) => a.phase === 'outage' && a.status === 503).length >= 20 ? true : undefined), 20_000, '20 answers 503 during the outage');

    // While it lasts, the condition is visible and the appliance keeps answering.
    const status = await h.http('GET', '/api/status');
    expect(status.status).toBe(200);
    // The error is the latest one (a write or an fsync that failed); the outage began at `since`.
    expect(status.json.store).toEqual({ backend: 'file', writable: false, error: expect.stringContaining('ENOSPC: no space left on device'), since: down.data.store.since });
    const health = await h.http('GET', '/healthz', { key: null });
    expect(health.status).toBe(503);
    expect(health.json).toMatchObject({ status: 'store_unwritable', errors: [expect.stringMatching(/^store: cannot write to the data directory since .*ENOSPC/)], store: { writable: false, since: down.data.store.since } });
    expect((await h.http('GET', '/metrics', { key: null })).text).toContain('switchyard_store_writable 0');
    const before = answers.find((a) => a.phase === 'before' && a.status === 202)!;
    const list = await h.http('GET', `/api/events?text=${encodeURIComponent(before.title)}`);
    expect(list.status).toBe(200);
    expect(list.json.items[0].title).toBe(before.title);
    const logged = h.logLines.map((l) => JSON.parse(l));
    expect(logged).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringMatching(/^store: cannot write/), error: expect.stringContaining('ENOSPC') }));
    // Half-written records were cut off, never acknowledged.
    expect(disk.failures.write).toBeGreaterThan(0);

    // The disk gets space again; the clients keep going and the appliance notices by itself.
    phase = 'after';
    disk.recover();
    const up = await live.waitFor((m) => m.type === 'status.changed' && m.data.store.writable === true);
    expect(up.data.store).toEqual({ backend: 'file', writable: true, error: null, since: null });
    await until(() => (answers.filter((a) => a.phase === 'after' && a.status === 202).length >= 50 ? true : undefined), 20_000, '50 acknowledged after recovery');
    await clients.stop();
    expect((await h.http('GET', '/healthz', { key: null })).status).toBe(200);
    expect((await h.http('GET', '/metrics', { key: null })).text).toContain('switchyard_store_writable 1');

    // Every answer was a documented one: 202, or 503 with Retry-After and the error shape.
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].sort()).toEqual([202, 503]);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.retryAfter).toMatch(/^\d+$/);
      expect(a.body).toEqual({ errors: [STORE_503] });
    }
    const acknowledged = answers.filter((a) => a.status === 202).map((a) => a.body.event_id as string);
    expect(answers.filter((a) => a.phase === 'outage' && a.status === 503).length).toBeGreaterThanOrEqual(20);

    // Nothing acknowledged is missing, now or after a restart without the faulty layer.
    for (const id of acknowledged) expect((await h.http('GET', `/api/events/${id}`)).status, id).toBe(200);
    live.close();
    await h.stop();
    const again = await harness({ dir });
    expect(again.app.openReport).toMatchObject({ torn_lines_discarded: 0, corrupt_lines_skipped: 0 });
    expect(again.app.openReport.events).toBeGreaterThanOrEqual(acknowledged.length);
    const missing: string[] = [];
    for (const id of acknowledged) if (!(await again.app.store.getEvent(id))) missing.push(id);
    expect(missing).toEqual([]);
    // And every delivery those events owed arrives.
    const delivered = () => new Set(r.received.map((x) => JSON.parse(x.body)[0].event_uuid as string));
    await until(() => (acknowledged.every((id) => delivered().has(id)) ? true : undefined), 30_000, 'every owed delivery received');
  });

  for (const fault of ['EROFS', 'EACCES', 'EIO'] as DiskFault[]) {
    it(`${fault}: one failed ingest makes the store unwritable; with no traffic at all a probe write clears it`, async () => {
      const disk = faultyDisk();
      const h = await harness({ dir: await dataDir(), storeFs: disk.fs });
      const live = await stream(h);
      disk.fail(fault);
      const refused = await h.http('POST', '/v1/ingest/generic', { body: { title: `during ${fault}` } });
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toMatch(/^\d+$/);
      expect(refused.json).toEqual({ errors: [STORE_503] });
      const status = (await h.http('GET', '/api/status')).json;
      expect(status.store).toMatchObject({ writable: false, error: expect.stringContaining(fault) });
      // The probe keeps failing while the fault lasts: still unwritable after two probe periods.
      const probesBefore = (disk.failures.write ?? 0) + (disk.failures.datasync ?? 0) + (disk.failures.open ?? 0);
      await sleep(2 * STORE_PROBE_INTERVAL_MS + 200);
      expect((await h.http('GET', '/api/status')).json.store.writable).toBe(false);
      expect((disk.failures.write ?? 0) + (disk.failures.datasync ?? 0) + (disk.failures.open ?? 0)).toBeGreaterThan(probesBefore);
      expect((await h.http('GET', '/api/events')).json.items).toEqual([]);

      disk.recover();
      const up = await live.waitFor((m) => m.type === 'status.changed' && m.data.store.writable === true, 4 * STORE_PROBE_INTERVAL_MS);
      expect(up.data.store).toEqual({ backend: 'file', writable: true, error: null, since: null });
      expect(live.messages.filter((m) => m.type === 'status.changed').map((m) => m.data.store.writable)).toEqual([false, true]);
      const accepted = await h.http('POST', '/v1/ingest/generic', { body: { title: `after ${fault}` } });
      expect(accepted.status).toBe(202);
      expect((await h.http('GET', '/api/events')).json.items.map((e: any) => e.title)).toEqual([`after ${fault}`]);
    });
  }

  it('a delivery whose attempt cannot be recorded waits before it is sent again (no send loop), and is recorded once the disk recovers', async () => {
    const disk = faultyDisk();
    const h = await harness({ dir: await dataDir(), storeFs: disk.fs });
    // Answers slowly, so the attempts are still in flight when the disk fails.
    const r = await startReceiver([], { status: 200, delayMs: 300 });
    cleanups.push(() => r.close());
    const dest = (await h.http('POST', '/api/destinations', { body: { name: 'slow receiver', kind: 'webhook', uri: r.url, event_type: ['security_event'] } })).json;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.http('POST', '/v1/ingest/generic', { body: { title: `owed ${i}` } })).json.event_id);
    await r.waitFor(3);
    disk.fail('EIO');
    await sleep(2_000);
    expect((await h.http('GET', '/api/status')).json.store.writable).toBe(false);
    // Each owed delivery reached the receiver once; its outcome could not be recorded, and it
    // is held back instead of being sent again as soon as the receiver answered (a loop that,
    // against a fast receiver, sent thousands of requests in these two seconds).
    const perDelivery = new Map<string, number>();
    for (const x of r.received) perDelivery.set(String(x.headers['webhook-id']), (perDelivery.get(String(x.headers['webhook-id'])) ?? 0) + 1);
    expect(perDelivery.size).toBe(3);
    for (const n of perDelivery.values()) expect(n).toBeLessThanOrEqual(2);
    const pending = (await h.http('GET', `/api/deliveries?destination=${dest.id}&status=pending`)).json.items;
    expect(pending).toHaveLength(3);
    for (const d of pending) expect(Date.parse(d.next_attempt_at)).toBeGreaterThan(Date.now());

    disk.recover();
    const done = await until(async () => {
      const items = (await h.http('GET', `/api/deliveries?destination=${dest.id}&status=succeeded`)).json.items;
      return items.length === 3 ? items : undefined;
    }, 20_000, 'three deliveries recorded as succeeded');
    expect(done.map((d: any) => d.event_id).sort()).toEqual([...ids].sort());
    expect((await h.http('GET', '/api/status')).json.store.writable).toBe(true);
  });

  it('refuses to start on a data directory it cannot write, in one line, and leaves it as it was', async () => {
    const dir = await dataDir();
    const first = await harness({ dir });
    expect((await first.http('POST', '/v1/ingest/generic', { body: { title: 'kept' } })).status).toBe(202);
    await first.stop();
    const disk = faultyDisk();
    disk.fail('EROFS');
    const start = createApp({ dataDir: dir, port: 0, apiKey: ADMIN_KEY, uiDir: null, storeFs: disk.fs, logger: createLogger({ write: () => {} }) });
    await expect(start).rejects.toBeInstanceOf(StartupError);
    await expect(start).rejects.toThrow(/^cannot use data directory .*: EROFS; pick a writable one with --data-dir$/);
    const again = await harness({ dir });
    expect((await again.http('GET', '/api/events')).json.items.map((e: any) => e.title)).toEqual(['kept']);
  });
});
