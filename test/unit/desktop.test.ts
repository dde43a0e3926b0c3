// The desktop shell with `electron` stubbed and a real appliance: window options, single
// instance, start failures, settings, the tray and its actions, serving with the window closed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, type AppOptions, type RunningApp } from '../../src-main/app';
import { ownFlags } from '../../src-main/electron/desktop-settings';
import { startDesktop, windowOptions } from '../../src-main/electron/desktop';
import { statusLines } from '../../src-main/electron/status-tray';
import { launch, quiet, stubbedElectron } from '../helpers/desktop-shell';
import { until } from '../helpers/wait';
import { resetStub, state, app as stubApp, type StubTray } from '../helpers/electron-stub';
import { ADMIN_KEY, httpCall } from '../helpers/harness';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose } = useTempDirs<RunningApp>('sy-desktop-');
let dir: string;

beforeEach(async () => {
  resetStub();
  dir = await tempDir();
  state.userData = await tempDir();
});

async function ready(shell: ReturnType<typeof launch>): Promise<RunningApp> {
  const running = await shell.desktop.ready;
  expect(running).not.toBeNull();
  toClose.push(running!);
  return running!;
}

/** A PNG's width and height, from its IHDR chunk (and a check that it is a PNG at all). */
async function pngSize(path: string): Promise<[number, number]> {
  const bytes = await readFile(path);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
  expect(bytes.toString('ascii', 12, 16)).toBe('IHDR');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

const labels = (tray: StubTray) => tray.menu!.items.map((i) => i.label ?? `-${i.type}-`);

describe('desktop window', () => {
  it('opens one isolated, sandboxed window without Node on the embedded server, logged in by cookie', async () => {
    const shell = launch(dir);
    const running = await ready(shell);
    expect(state.windows).toHaveLength(1);
    const win = state.windows[0];
    // No saved placement: default size, centered by Electron (no x/y).
    expect(win.options).toEqual({
      width: 1280, height: 820, minWidth: 640, minHeight: 480, title: 'Switchyard', show: true,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
    });
    expect(win.options).toEqual(windowOptions());
    expect(win.loaded).toEqual([running.url]);
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(state.cookies).toHaveLength(1);
    expect(state.cookies[0]).toMatchObject({ url: running.url, name: 'sy_session', httpOnly: true, sameSite: 'strict' });
    // The cookie is a real session of the embedded server.
    const res = await fetch(`${running.url}/api/session`, { headers: { cookie: `sy_session=${state.cookies[0].value}` } });
    expect(res.status).toBe(200);
    // Foreign links leave the app for the browser.
    expect(win.openHandler!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
    expect(state.opened).toEqual(['https://example.org/']);
    const nav = { prevented: false, preventDefault() { this.prevented = true; } };
    win.contentsEmitter.emit('will-navigate', nav, 'https://example.org/x');
    expect(nav.prevented).toBe(true);
    const sameOrigin = { prevented: false, preventDefault() { this.prevented = true; } };
    win.contentsEmitter.emit('will-navigate', sameOrigin, `${running.url}/events`);
    expect(sameOrigin.prevented).toBe(false);

    // Quitting closes the store before the process exits.
    stubApp.quit();
    await until(() => (state.exitCodes.length ? true : undefined), 10_000, 'the app to exit');
    expect(state.exitCodes).toEqual([0]);
    await expect(running.store.appendEvents([])).rejects.toThrow();
  });

  it('leaves at once when another instance holds the lock, and a second launch focuses the first window', async () => {
    state.lockGranted = false;
    const refused = startDesktop(stubbedElectron, { createApp, env: { SWITCHYARD_DATA_DIR: dir, SWITCHYARD_PORT: '0' }, argv: [] });
    expect(await refused.ready).toBeNull();
    expect(state.quitCalls).toBe(1);
    expect(state.windows).toHaveLength(0);
    expect(state.trays).toHaveLength(0);

    resetStub();
    await ready(launch(dir));
    state.windows[0].minimized = true;
    state.windows[0].hide();
    stubApp.emit('second-instance');
    expect(state.windows[0].restored).toBe(1);
    expect(state.windows[0].visible).toBe(true);
    expect(state.windows[0].focused).toBe(1);
    expect(state.windows).toHaveLength(1);
  });

  it('keeps serving with the window closed; the tray or a second launch opens a new one', async () => {
    const running = await ready(launch(dir));
    state.windows[0].close();
    stubApp.emit('window-all-closed');
    expect(state.quitCalls).toBe(0);
    expect((await httpCall(running.url, 'GET', '/healthz')).status).toBe(200);

    stubApp.emit('second-instance');
    stubApp.emit('second-instance'); // both at once still make one window
    await until(() => state.windows[1]?.loaded[0], 10_000, 'a second window');
    expect(state.windows).toHaveLength(2);
    expect(state.windows[1].loaded).toEqual([running.url]);
    // A fresh session for the new window.
    expect(state.cookies).toHaveLength(2);
    expect(state.cookies[1].value).not.toBe(state.cookies[0].value);

    state.windows[1].close();
    state.trays[0].item('Open window').click!();
    await until(() => state.windows[2]?.loaded[0], 10_000, 'a third window');
    expect(state.windows).toHaveLength(3);
  });
});

describe('desktop window closing', () => {
  it('quits instead when SWITCHYARD_KEEP_IN_TRAY=0 (desktops without a tray area)', async () => {
    await ready(launch(dir, { env: { SWITCHYARD_KEEP_IN_TRAY: '0' } }));
    state.windows[0].close();
    stubApp.emit('window-all-closed');
    expect(state.quitCalls).toBe(1);
    await until(() => (state.exitCodes.length ? true : undefined), 10_000, 'the app to exit');
    expect(state.exitCodes).toEqual([0]);
  });
});

describe('desktop start', () => {
  it('shows a one-line error and exits when the server cannot start', async () => {
    const desktop = startDesktop(stubbedElectron, {
      createApp: async () => {
        throw new Error('port 8080 on 127.0.0.1 is already in use');
      },
      env: {},
      argv: [],
    });
    expect(await desktop.ready).toBeNull();
    expect(state.errors).toEqual([{ title: 'Switchyard could not start', content: 'port 8080 on 127.0.0.1 is already in use' }]);
    expect(state.exitCodes).toEqual([1]);
    expect(state.windows).toHaveLength(0);
    expect(state.trays).toHaveLength(0);
  });

  it('reports a bad flag like serve does, and exits', async () => {
    const shell = launch(dir, { argv: ['/opt/Switchyard/switchyard', '--port', 'eighty'] });
    expect(await shell.desktop.ready).toBeNull();
    expect(state.errors).toEqual([{ title: 'Switchyard could not start', content: '--port: "eighty" is not a port number (0-65535)' }]);
    expect(state.exitCodes).toEqual([1]);
    expect(shell.app).toBeNull();
  });

  it('closes the appliance it started when the window cannot be shown', async () => {
    let started: RunningApp | null = null;
    state.displays = null as never; // screen.getAllDisplays() answers nonsense: opening the window throws
    const desktop = startDesktop(stubbedElectron, {
      createApp: async (o) => (started = await createApp({ ...o, logger: quiet, uiDir: null })),
      env: { SWITCHYARD_DATA_DIR: dir, SWITCHYARD_PORT: '0' },
      argv: [],
    });
    expect(await desktop.ready).toBeNull();
    expect(state.errors[0].title).toBe('Switchyard could not start');
    expect(state.exitCodes).toEqual([1]);
    await expect(started!.store.appendEvents([])).rejects.toThrow();
  });

  it("uses a folder in the app's user-data folder as data dir unless a variable or flag says otherwise", async () => {
    const seen: AppOptions[] = [];
    const probe = (env: NodeJS.ProcessEnv, argv: string[]) => {
      resetStub();
      state.userData = '/home/u/.config/Switchyard';
      return startDesktop(stubbedElectron, {
        createApp: async (o) => {
          seen.push(o);
          throw new Error('stop here');
        },
        env,
        argv,
      }).ready;
    };
    await probe({}, []);
    await probe({ SWITCHYARD_DATA_DIR: '/srv/sy' }, []);
    // Electron's own argv: the binary, the app path, Chromium switches around Switchyard's flags.
    await probe({ SWITCHYARD_DATA_DIR: '/srv/sy' }, ['/usr/lib/electron/electron', '/opt/switchyard', '--no-sandbox', '--data-dir', '/data/sy', '--port=9090', '--enable-logging']);
    expect(seen.map((o) => o.dataDir)).toEqual([join('/home/u/.config/Switchyard', 'data'), '/srv/sy', '/data/sy']);
    expect(seen.map((o) => o.port)).toEqual([8080, 8080, 9090]);
    expect(seen[0]).toMatchObject({ host: '127.0.0.1', apiKey: null });
  });

  it('reads only its own flags from argv', () => {
    expect(ownFlags(['electron', '.', '--inspect=9229', '--host', '0.0.0.0', '--data-dir=/d', '--port'])).toEqual(['--host', '0.0.0.0', '--data-dir=/d', '--port']);
    expect(ownFlags(['/Applications/Switchyard.app/Contents/MacOS/Switchyard', '-psn_0_12345'])).toEqual([]);
  });
});

describe('desktop tray', () => {
  it('shows where it serves and what it holds and owes, with its icon from resources/', async () => {
    const running = await ready(launch(dir));
    expect(state.trays).toHaveLength(1);
    const tray = state.trays[0];
    expect(tray.image).toBe(join(state.appPath, 'resources', 'tray.png'));
    expect(await pngSize(tray.image)).toEqual([16, 16]);
    expect(await pngSize(join(state.appPath, 'resources', 'tray@2x.png'))).toEqual([32, 32]);
    expect(labels(tray)).toEqual([
      `Switchyard — serving on ${running.url}`,
      '0 events stored · 0 deliveries pending',
      '-separator-',
      'Open window',
      'Open in browser',
      '-separator-',
      'Quit',
    ]);
    expect(tray.menu!.items.slice(0, 2).every((i) => i.enabled === false)).toBe(true);
    expect(tray.tooltip).toBe(`Switchyard — serving on ${running.url}\n0 events stored · 0 deliveries pending`);

    // A delivery that keeps failing stays owed: the tray follows the appliance's changes.
    const down = await httpCall(running.url, 'POST', '/api/destinations', { key: ADMIN_KEY, body: { name: 'down', kind: 'webhook', uri: 'http://127.0.0.1:9/', event_type: ['security_event'] } });
    expect(down.status).toBe(201);
    const ingested = await httpCall(running.url, 'POST', '/v1/ingest/generic', { key: ADMIN_KEY, body: { title: 'tray status', severity: 'Low' } });
    expect(ingested.status).toBe(202);
    await until(() => (tray.tooltip.endsWith('1 event stored · 1 delivery pending') ? true : undefined), 10_000, 'the tray to show the new event');
    expect(tray.menu!.items[1].label).toBe('1 event stored · 1 delivery pending');
  });

  it('"Open in browser" opens a fresh one-time login link on 127.0.0.1 that logs the browser in', async () => {
    const running = await ready(launch(dir));
    const tray = state.trays[0];
    tray.item('Open in browser').click!();
    tray.item('Open in browser').click!();
    await until(() => (state.opened.length === 2 ? true : undefined), 10_000, 'two links opened');
    const [first, second] = state.opened;
    expect(first).toMatch(new RegExp(`^${running.url.replace(/\./g, '\\.')}/login\\?token=[A-Za-z0-9_-]+$`));
    expect(second).not.toBe(first);
    const login = await httpCall(first, 'GET', '');
    expect(login.status).toBeGreaterThanOrEqual(300);
    expect(login.status).toBeLessThan(400);
    expect(String(login.headers['set-cookie'])).toMatch(/^sy_session=.+HttpOnly/i);
    // One-time: the same link does not log in twice.
    expect((await httpCall(first, 'GET', '')).status).toBe(401);
    expect((await httpCall(second, 'GET', '')).status).toBe(login.status);
  });

  it('"Quit" stops the appliance and exits; a click on the icon opens the window', async () => {
    const running = await ready(launch(dir));
    state.windows[0].close();
    state.trays[0].emit('click');
    await until(() => state.windows[1]?.loaded[0], 10_000, 'the window to reopen');
    state.trays[0].item('Quit').click!();
    await until(() => (state.exitCodes.length ? true : undefined), 10_000, 'the app to exit');
    expect(state.exitCodes).toEqual([0]);
    await expect(running.store.appendEvents([])).rejects.toThrow();
  });

  it('words its status lines for people', () => {
    const base = { url: 'http://127.0.0.1:8080', events: 12_345, pendingDeliveries: 1, stopping: false };
    expect(statusLines(base)).toEqual(['Switchyard — serving on http://127.0.0.1:8080', '12,345 events stored · 1 delivery pending']);
    expect(statusLines({ ...base, events: 1, pendingDeliveries: 0, stopping: true })).toEqual(['Switchyard — stopping: finishing deliveries in flight', '1 event stored · 0 deliveries pending']);
  });
});
