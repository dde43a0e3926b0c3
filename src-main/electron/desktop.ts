// The desktop shell: one instance, the embedded server, its window and tray, and a quit that
// stops the appliance cleanly. Thin: everything that could run headless lives in the core.
// It works over a narrow view of the Electron API (electron-api.ts) so tests can stub it.
import { join } from 'node:path';
import type { AppOptions, RunningApp } from '../app';
import { appOptionsOf } from '../settings-env';
import { AppWindow } from './app-window';
import { desktopSettings } from './desktop-settings';
import type { ElectronLike } from './electron-api';
import { quitAfterShutdown } from './quit';
import { readStatus, StatusTray, TRAY_ICON } from './status-tray';
import { WINDOW_STATE_FILE } from './window-state';

export type { ElectronLike, WindowLike, WindowOptions } from './electron-api';
export { windowOptions } from './app-window';

export interface DesktopDeps {
  createApp(opts: AppOptions): Promise<RunningApp>;
  env: NodeJS.ProcessEnv;
  /** process.argv: Switchyard's own flags (--host, --port, --data-dir) are read from it. */
  argv: readonly string[];
  /** Where SIGINT/SIGTERM arrive (the process): they quit like the tray's Quit. */
  signals?: { on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown };
  /** Debounce of the window placement writes (tests shorten it). */
  windowStateSaveDelayMs?: number;
}

export interface Desktop {
  /** Resolves once the window shows the UI; null when another instance holds the lock or the start failed. */
  ready: Promise<RunningApp | null>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function startDesktop(electron: ElectronLike, deps: DesktopDeps): Desktop {
  const { app, dialog } = electron;
  if (!app.requestSingleInstanceLock()) {
    // Another instance runs: it gets focus through 'second-instance'; this one leaves.
    app.quit();
    return { ready: Promise.resolve(null) };
  }
  const userData = app.getPath('userData');
  const window = new AppWindow(electron, join(userData, WINDOW_STATE_FILE), deps.windowStateSaveDelayMs);
  let running: RunningApp | null = null;
  let tray: StatusTray | null = null;
  let stopping = false;
  let unsubscribe = () => {};

  const fail = async (err: unknown): Promise<null> => {
    dialog.showErrorBox('Switchyard could not start', message(err));
    await running?.close().catch(() => {});
    app.exit(1);
    return null;
  };
  const showWindow = (r: RunningApp) =>
    window.show(r).catch((err) => dialog.showErrorBox('Switchyard could not open its window', message(err)));

  const started = (async () => {
    await app.whenReady();
    const s = desktopSettings(deps.argv, deps.env, userData);
    return (running = await deps.createApp(appOptionsOf(s)));
  })();

  app.on('second-instance', () => {
    if (running && !stopping) void showWindow(running);
  });
  // Closing the window leaves the appliance serving (producers keep posting): the tray or a
  // second launch reopens it, and Quit stops it. SWITCHYARD_KEEP_IN_TRAY=0 makes closing quit
  // (for desktops without a tray area).
  const keepInTray = deps.env.SWITCHYARD_KEEP_IN_TRAY !== '0';
  app.on('window-all-closed', () => {
    if (!keepInTray) app.quit();
  });
  quitAfterShutdown(app, {
    async shutdown() {
      stopping = true;
      unsubscribe();
      tray?.refresh();
      window.hide();
      const r = await started.catch(() => null);
      await Promise.all([window.saveState(), r?.close()]);
    },
    onError: (err) => dialog.showErrorBox('Switchyard did not stop cleanly', message(err)),
  });
  deps.signals?.on('SIGINT', () => app.quit());
  deps.signals?.on('SIGTERM', () => app.quit());

  const ready = started.then(async (r) => {
    if (stopping) return null; // quit while starting: nothing to show
    try {
      tray = new StatusTray(electron, join(app.getAppPath(), ...TRAY_ICON), () => readStatus(r, stopping), {
        openWindow: () => void showWindow(r),
        // A fresh one-time link: the browser gets its own session.
        openInBrowser: () => void r.loginUrl().then((url) => electron.shell.openExternal(url), (err: unknown) => dialog.showErrorBox('Switchyard could not make a login link', message(err))),
        quit: () => app.quit(),
      });
      unsubscribe = r.bus.subscribe(() => tray?.refreshSoon());
      await window.show(r);
      return r;
    } catch (err) {
      return fail(err);
    }
  }, fail);
  return { ready };
}
