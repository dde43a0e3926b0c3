// Quitting the desktop app stops a real appliance cleanly: deliveries in flight to a real local
// receiver finish first (bounded: the rest stay pending and go out after the next start), the
// store is closed once however many quit requests arrive, then the app exits.
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src-main/app';
import { launch, type Shell } from '../helpers/desktop-shell';
import { until } from '../helpers/wait';
import { resetStub, state, app as stubApp } from '../helpers/electron-stub';
import { ADMIN_KEY, httpCall, startHarness, type Harness } from '../helpers/harness';
import { startReceiver } from '../helpers/receiver';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose } = useTempDirs<{ close(): Promise<unknown> }>('sy-desktop-quit-');
let dir: string;

beforeEach(async () => {
  resetStub();
  dir = await tempDir();
  state.userData = await tempDir();
});

async function ready(shell: Shell): Promise<RunningApp> {
  const running = await shell.desktop.ready;
  expect(running).not.toBeNull();
  toClose.push(running!);
  return running!;
}

/** A webhook destination to `uri` and one event that owes it a delivery. */
async function owe(running: RunningApp, uri: string): Promise<string> {
  const dest = await httpCall(running.url, 'POST', '/api/destinations', { key: ADMIN_KEY, body: { name: 'receiver', kind: 'webhook', uri, event_type: ['security_event'] } });
  expect(dest.status).toBe(201);
  const ev = await httpCall(running.url, 'POST', '/v1/ingest/generic', { key: ADMIN_KEY, body: { title: 'owed on quit', severity: 'High' } });
  expect(ev.status).toBe(202);
  return ev.json.event_id;
}

const exited = () => until(() => (state.exitCodes.length ? true : undefined), 10_000, 'the app to exit');

/** The same data dir opened again, as on the next start. */
async function restart(): Promise<Harness> {
  const h = await startHarness({ dir, tickMs: 0 });
  toClose.push(h.app);
  return h;
}

describe('desktop quit', () => {
  it('lets a delivery in flight finish, closes once despite three quit requests, then exits', async () => {
    const receiver = await startReceiver([{ status: 200, delayMs: 500 }]);
    toClose.push(receiver);
    const shell = launch(dir);
    const running = await ready(shell);
    const eventId = await owe(running, `${receiver.url}/hook`);
    await receiver.waitFor(1); // arrived; its answer is half a second away

    stubApp.quit();
    shell.signals.emit('SIGTERM');
    state.trays[0].item('Quit').click!(); // disabled while stopping, but a click must still be harmless
    expect(state.quitCalls).toBe(3);
    expect(state.exitCodes).toEqual([]); // still draining
    expect(state.trays[0].tooltip).toMatch(/^Switchyard — stopping/);
    expect(state.trays[0].item('Quit').enabled).toBe(false);

    await exited();
    expect(shell.closeCalls).toBe(1);
    expect(state.exitCodes).toEqual([0]);
    await expect(running.store.appendEvents([])).rejects.toThrow();

    // The answer arrived and was recorded before the store closed: nothing is owed on the next start.
    const next = await restart();
    const deliveries = (await next.http('GET', '/api/deliveries')).json.items;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ event_id: eventId, status: 'succeeded', attempt_count: 1 });
    const full = (await next.http('GET', `/api/deliveries/${deliveries[0].id}`)).json;
    expect(full.attempts.map((a: { response: { status: number } }) => a.response.status)).toEqual([200]);
    expect(next.app.deliveries.pendingCount()).toBe(0);
    expect(receiver.received).toHaveLength(1);
  });

  it('stops waiting after the drain bound; the delivery stays pending and goes out after the next start', async () => {
    const hanging = await startReceiver([], 'hang');
    const port = Number(new URL(hanging.url).port);
    // The receiver never answers and the attempt deadline is far away: only the drain bound ends the wait.
    const shell = launch(dir, { app: { delivery: { drainMs: 300, timeoutMs: 60_000 } } });
    const running = await ready(shell);
    const eventId = await owe(running, hanging.url);
    await hanging.waitFor(1);

    state.trays[0].item('Quit').click!();
    await exited();
    expect(state.exitCodes).toEqual([0]);
    expect(shell.closeCalls).toBe(1);
    await hanging.close();

    const up = await startReceiver([], { status: 200 }, port);
    toClose.push(up);
    const next = await restart();
    const [got] = await up.waitFor(1);
    expect(JSON.parse(got.body)[0].event_uuid).toBe(eventId);
    const done = await until(async () => {
      const [d] = (await next.http('GET', '/api/deliveries')).json.items;
      return d?.status === 'succeeded' ? d : undefined;
    }, 10_000, 'the delivery to succeed after the restart');
    // The abandoned attempt was not recorded as a failure: the only attempt is the one that worked.
    expect(done).toMatchObject({ event_id: eventId, attempt_count: 1 });
  });

  it('waits for a start in progress, then closes the appliance without opening a window', async () => {
    const shell = launch(dir);
    stubApp.quit(); // before the appliance has even started
    expect(await shell.desktop.ready).toBeNull();
    await exited();
    expect(state.exitCodes).toEqual([0]);
    expect(shell.closeCalls).toBe(1);
    expect(state.windows).toHaveLength(0);
    await expect(shell.app!.store.appendEvents([])).rejects.toThrow();
  });

  it('says so and exits with status 1 when the appliance cannot stop cleanly', async () => {
    const shell = launch(dir);
    const running = await ready(shell);
    const close = running.close;
    toClose.splice(toClose.indexOf(running), 1, { close });
    running.close = async () => {
      await close();
      throw new Error('store close failed: EIO');
    };
    shell.signals.emit('SIGINT');
    await exited();
    expect(state.errors).toEqual([{ title: 'Switchyard did not stop cleanly', content: 'store close failed: EIO' }]);
    expect(state.exitCodes).toEqual([1]);
  });
});
