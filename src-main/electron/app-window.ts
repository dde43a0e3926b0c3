// The one app window: isolated, sandboxed, no Node and no preload bridge; it talks HTTP to
// the embedded server with a session cookie the main process sets. It opens where it was
// last time, and a second launch or the tray brings it back.
import type { RunningApp } from '../app';
import type { ElectronLike, Rect, WindowLike, WindowOptions } from './electron-api';
import { DEFAULT_WINDOW_SIZE, loadWindowState, MIN_WINDOW_SIZE, WindowStateKeeper } from './window-state';

/** The only window options this app ever uses: isolated, sandboxed, no Node; placed where it was if known. */
export function windowOptions(bounds?: Rect | null): WindowOptions {
  return {
    ...(bounds ?? DEFAULT_WINDOW_SIZE),
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Switchyard',
    show: true,
    webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
  };
}

export class AppWindow {
  private window: WindowLike | null = null;
  private opening: Promise<void> | null = null;
  private readonly keeper: WindowStateKeeper;

  /** `stateFile`: where the window's placement is kept; `saveDelayMs`: debounce of its writes. */
  constructor(private readonly electron: ElectronLike, private readonly stateFile: string, saveDelayMs?: number) {
    this.keeper = new WindowStateKeeper(stateFile, saveDelayMs);
  }

  /** Brings the window to the front, opening a new one if it was closed. */
  show(running: RunningApp): Promise<void> {
    const window = this.window;
    if (window) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
      return Promise.resolve();
    }
    // Two requests at once (a second launch while the tray opens it) still make one window.
    return (this.opening ??= this.open(running).finally(() => (this.opening = null)));
  }

  hide(): void {
    this.window?.hide();
  }

  /** Saves the window's placement now (quitting exits without closing the window). */
  saveState(): Promise<void> {
    return this.keeper.flush();
  }

  private async open(running: RunningApp): Promise<void> {
    const { electron } = this;
    // A fresh session each time: the window may reopen after the last one expired.
    const cookie = await running.createUiSession();
    await electron.session.defaultSession.cookies.set({ url: running.url, name: cookie.name, value: cookie.value, httpOnly: true, sameSite: 'strict', secure: false });
    const saved = await loadWindowState(this.stateFile, electron.screen.getAllDisplays().map((d) => d.workArea));
    const window = new electron.BrowserWindow(windowOptions(saved?.bounds));
    if (saved?.maximized) window.maximize();
    this.keeper.track(window);
    keepForeignLinksOutside(window, new URL(running.url).origin, electron.shell);
    window.on('closed', () => {
      if (this.window === window) this.window = null;
    });
    this.window = window;
    await window.loadURL(running.url);
  }
}

/** Links to elsewhere open in the user's browser, never inside the app window. */
function keepForeignLinksOutside(window: WindowLike, origin: string, shell: ElectronLike['shell']): void {
  window.webContents.setWindowOpenHandler(({ url }) => {
    void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (new URL(url).origin !== origin) {
      event.preventDefault();
      void shell.openExternal(url);
    }
  });
}
