// The part of the Electron API the desktop shell uses. The shell takes it as a parameter
// (main.ts passes the real module, tests a recording stub), so it stays testable where the
// Electron runtime cannot run; with the electron package installed, main.ts is checked
// against the real types through this interface.

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowOptions {
  width: number;
  height: number;
  x?: number;
  y?: number;
  minWidth: number;
  minHeight: number;
  title: string;
  show: boolean;
  webPreferences: { contextIsolation: true; sandbox: true; nodeIntegration: false; webSecurity: true };
}

export interface WindowLike {
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isMaximized(): boolean;
  maximize(): void;
  isDestroyed(): boolean;
  /** Size and position when neither maximized nor minimized. */
  getNormalBounds(): Rect;
  on(event: 'close' | 'closed' | 'resize' | 'move', listener: () => void): unknown;
  webContents: {
    setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' | 'allow' }): void;
    on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  };
}

export interface MenuItemOptions {
  label?: string;
  type?: 'normal' | 'separator';
  enabled?: boolean;
  click?: () => void;
}

/** What Menu.buildFromTemplate returns; only handed back to the tray. */
export type MenuLike = object;

export interface TrayLike {
  setToolTip(text: string): void;
  setContextMenu(menu: MenuLike | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface QuitEvent {
  preventDefault(): void;
}

export interface AppLike {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  exit(code?: number): void;
  whenReady(): Promise<unknown>;
  getPath(name: 'userData'): string;
  /** The app's root: the project in development, app.asar when packaged. */
  getAppPath(): string;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

export interface ElectronLike {
  app: AppLike;
  BrowserWindow: new (options: WindowOptions) => WindowLike;
  /** `image`: a PNG path; Electron loads it like nativeImage.createFromPath (asar and @2x included). */
  Tray: new (image: string) => TrayLike;
  Menu: { buildFromTemplate(template: MenuItemOptions[]): MenuLike };
  screen: { getAllDisplays(): Array<{ workArea: Rect }> };
  session: { defaultSession: { cookies: { set(details: { url: string; name: string; value: string; httpOnly: boolean; sameSite: 'strict'; secure: boolean }): Promise<void> } } };
  shell: { openExternal(url: string): Promise<void> };
  dialog: { showErrorBox(title: string, content: string): void };
}
