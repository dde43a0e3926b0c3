// The desktop shell with `electron` stubbed: window options, single instance, quit.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as electron from 'electron';
import { createApp, type AppOptions, type RunningApp } from '../../src-main/app';
import { startDesktop, windowOptions, type ElectronLike } from '../../src-main/electron/desktop';
import { createLogger } from '../../src-main/logger';
import { resetStub, state, app as stubApp } from '../helpers/electron-stub';

const quiet = createLogger({ write: () => {} });
let dir: string;

beforeEach(async () => {
  resetStub();
  dir = await mkdtemp(join(tmpdir(), 'sy-desktop-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { SWITCHYARD_DATA_DIR: dir, SWITCHYARD_PORT: '0', ...extra };
}

describe('desktop shell', () => {
  it('opens one isolated, sandboxed window without Node on the embedded server, logged in by cookie', async () => {
    let started: RunningApp | null = null;
    const desktop = startDesktop(electron as unknown as ElectronLike, {
      createApp: async (o: AppOptions) => (started = await createApp({ ...o, logger: quiet })),
      env: env(),
    });
    const running = await desktop.ready;
    expect(running).not.toBeNull();
    expect(state.windows).toHaveLength(1);
    const win = state.windows[0];
    expect(win.options.webPreferences).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(win.loaded).toEqual([running!.url]);
    expect(state.cookies).toHaveLength(1);
    expect(state.cookies[0]).toMatchObject({ url: running!.url, name: 'sy_session', httpOnly: true, sameSite: 'strict' });
    // The cookie is a real session of the embedded server.
    const res = await fetch(`${running!.url}/api/session`, { headers: { cookie: `sy_session=${state.cookies[0].value}` } });
    expect(res.status).toBe(200);
    // Foreign links leave the app for the browser.
    expect(win.openHandler!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(state.opened).toEqual(['https://example.org/']);
    const nav = { prevented: false, preventDefault() { this.prevented = true; } };
    win.contentsEmitter.emit('will-navigate', nav, 'https://example.org/x');
    expect(nav.prevented).toBe(true);
    const sameOrigin = { prevented: false, preventDefault() { this.prevented = true; } };
    win.contentsEmitter.emit('will-navigate', sameOrigin, `${running!.url}/events`);
    expect(sameOrigin.prevented).toBe(false);

    // Quitting closes the store before the process exits.
    stubApp.quit();
    await new Promise((r) => setTimeout(r, 50));
    expect(state.exitCodes).toEqual([0]);
    await expect(started!.store.appendEvents([])).rejects.toThrow();
  });

  it('leaves at once when another instance holds the lock, and a second launch focuses the first window', async () => {
    state.lockGranted = false;
    const desktop = startDesktop(electron as unknown as ElectronLike, { createApp, env: env() });
    expect(await desktop.ready).toBeNull();
    expect(state.quitCalls).toBe(1);
    expect(state.windows).toHaveLength(0);

    resetStub();
    let running: RunningApp | null = null;
    const first = startDesktop(electron as unknown as ElectronLike, { createApp: async (o) => (running = await createApp({ ...o, logger: quiet })), env: env() });
    await first.ready;
    state.windows[0].minimized = true;
    stubApp.emit('second-instance');
    expect(state.windows[0].restored).toBe(1);
    expect(state.windows[0].focused).toBe(1);
    await running!.close();
  });

  it('shows a one-line error and exits when the server cannot start', async () => {
    const desktop = startDesktop(electron as unknown as ElectronLike, {
      createApp: async () => {
        throw new Error('port 8080 on 127.0.0.1 is already in use');
      },
      env: env(),
    });
    expect(await desktop.ready).toBeNull();
    expect(state.errors).toEqual([{ title: 'Switchyard could not start', content: 'port 8080 on 127.0.0.1 is already in use' }]);
    expect(state.exitCodes).toEqual([1]);
  });

  it('uses the user-data folder as data dir when none is configured', async () => {
    let seen: AppOptions | null = null;
    const desktop = startDesktop(electron as unknown as ElectronLike, {
      createApp: async (o) => {
        seen = o;
        throw new Error('stop here');
      },
      env: {},
    });
    await desktop.ready;
    expect(seen!.dataDir).toBe(join('/tmp/switchyard-stub-userdata', 'data'));
    expect(seen!.host).toBe('127.0.0.1');
  });
});
