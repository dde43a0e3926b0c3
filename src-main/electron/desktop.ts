// The desktop shell's logic, over a narrow view of the Electron API so it can be
// unit-tested with a stub. The window talks HTTP to the embedded server with a
// session cookie; it gets no Node access and no preload bridge.
import { join } from 'node:path';
import type { RunningApp, AppOptions } from '../app';

export interface WindowLike {
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  on(event: 'closed', listener: () => void): unknown;
  webContents: {
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
    on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  };
}

export interface ElectronLike {
  app: {
    requestSingleInstanceLock(): boolean;
    quit(): void;
    exit(code?: number): void;
    whenReady(): Promise<unknown>;
    getPath(name: 'userData'): string;
    on(event: string, listener: (...args: any[]) => void): unknown;
  };
  BrowserWindow: new (options: WindowOptions) => WindowLike;
  session: { defaultSession: { cookies: { set(details: { url: string; name: string; value: string; httpOnly: boolean; sameSite: 'strict'; secure: boolean }): Promise<void> } } };
  shell: { openExternal(url: string): Promise<void> };
  dialog: { showErrorBox(title: string, content: string): void };
}

export interface WindowOptions {
  width: number;
  height: number;
  title: string;
  show: boolean;
  webPreferences: { contextIsolation: true; sandbox: true; nodeIntegration: false; webSecurity: true };
}

/** The only window options this app ever uses: isolated, sandboxed, no Node. */
export function windowOptions(): WindowOptions {
  return {
    width: 1280,
    height: 820,
    title: 'Switchyard',
    show: true,
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
  };
}

export interface DesktopDeps {
  createApp(opts: AppOptions): Promise<RunningApp>;
  env: NodeJS.ProcessEnv;
}

export interface Desktop {
  /** Resolves once the window shows the UI; null when another instance holds the lock. */
  ready: Promise<RunningApp | null>;
}

export function startDesktop(electron: ElectronLike, deps: DesktopDeps): Desktop {
  const { app } = electron;
  if (!app.requestSingleInstanceLock()) {
    // Another instance runs: it gets focus through 'second-instance'; this one leaves.
    app.quit();
    return { ready: Promise.resolve(null) };
  }
  let window: WindowLike | null = null;
  let running: RunningApp | null = null;
  let quitting = false;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event: { preventDefault(): void }) => {
    // Close the store cleanly before the process goes away.
    if (!running || quitting) return;
    event.preventDefault();
    quitting = true;
    running.close().finally(() => app.exit(0));
  });

  const ready = (async () => {
    await app.whenReady();
    const dataDir = deps.env.SWITCHYARD_DATA_DIR || join(app.getPath('userData'), 'data');
    try {
      running = await deps.createApp({
        dataDir,
        host: deps.env.SWITCHYARD_HOST || '127.0.0.1',
        port: deps.env.SWITCHYARD_PORT ? Number(deps.env.SWITCHYARD_PORT) : 8080,
        apiKey: deps.env.SWITCHYARD_API_KEY || null,
      });
    } catch (err) {
      electron.dialog.showErrorBox('Switchyard could not start', (err as Error).message);
      app.exit(1);
      return null;
    }
    const cookie = running.createUiSession();
    await electron.session.defaultSession.cookies.set({ url: running.url, name: cookie.name, value: cookie.value, httpOnly: true, sameSite: 'strict', secure: false });
    window = new electron.BrowserWindow(windowOptions());
    const origin = new URL(running.url).origin;
    // Links to elsewhere open in the user's browser, never inside the app window.
    window.webContents.setWindowOpenHandler(({ url }) => {
      void electron.shell.openExternal(url);
      return { action: 'deny' };
    });
    window.webContents.on('will-navigate', (event, url) => {
      if (new URL(url).origin !== origin) {
        event.preventDefault();
        void electron.shell.openExternal(url);
      }
    });
    window.on('closed', () => {
      window = null;
    });
    await window.loadURL(running.url);
    return running;
  })();
  return { ready };
}
