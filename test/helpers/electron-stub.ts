// Stand-in for the `electron` module (its runtime cannot run here). Records what the
// desktop shell asks of it so tests can assert window options, locks, the tray and quit logic.
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';

export interface StubRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface StubMenuItem {
  label?: string;
  type?: 'normal' | 'separator';
  enabled?: boolean;
  click?: () => void;
}

export interface StubState {
  lockGranted: boolean;
  quitCalls: number;
  exitCodes: number[];
  windows: StubWindow[];
  trays: StubTray[];
  cookies: Array<Record<string, unknown>>;
  opened: string[];
  errors: Array<{ title: string; content: string }>;
  /** What app.getPath('userData') answers. */
  userData: string;
  /** What app.getAppPath() answers: the project root, as when Electron runs it in development. */
  appPath: string;
  /** The connected displays' work areas (screen.getAllDisplays()). */
  displays: Array<{ workArea: StubRect }>;
}

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

function initialState(): StubState {
  return {
    lockGranted: true, quitCalls: 0, exitCodes: [], windows: [], trays: [], cookies: [], opened: [], errors: [],
    userData: '/tmp/switchyard-stub-userdata', appPath: PROJECT_ROOT, displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  };
}

export const state: StubState = initialState();

export function resetStub(): void {
  Object.assign(state, initialState());
  appEmitter.removeAllListeners();
}

const appEmitter = new EventEmitter();

export class StubWindow extends EventEmitter {
  loaded: string[] = [];
  focused = 0;
  minimized = false;
  restored = 0;
  maximized = false;
  visible = true;
  destroyed = false;
  bounds: StubRect;
  openHandler: ((d: { url: string }) => { action: 'deny' | 'allow' }) | null = null;
  readonly contentsEmitter = new EventEmitter();
  webContents = {
    setWindowOpenHandler: (h: (d: { url: string }) => { action: 'deny' | 'allow' }) => {
      this.openHandler = h;
    },
    on: (event: string, listener: (...args: any[]) => void) => this.contentsEmitter.on(event, listener),
  };
  constructor(readonly options: Record<string, any>) {
    super();
    // Like Electron: no x/y means centered on the primary display.
    const area = state.displays[0]?.workArea ?? { x: 0, y: 0, width: 1920, height: 1080 };
    const { width, height } = options;
    this.bounds = { x: options.x ?? area.x + Math.round((area.width - width) / 2), y: options.y ?? area.y + Math.round((area.height - height) / 2), width, height };
    state.windows.push(this);
  }
  async loadURL(url: string) {
    this.loaded.push(url);
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {
    this.focused++;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.restored++;
    this.minimized = false;
  }
  isMaximized() {
    return this.maximized;
  }
  maximize() {
    this.maximized = true;
  }
  isDestroyed() {
    return this.destroyed;
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  /** Test helper: the user drags or resizes the window. */
  moveTo(bounds: StubRect) {
    const resized = bounds.width !== this.bounds.width || bounds.height !== this.bounds.height;
    this.bounds = { ...bounds };
    this.emit(resized ? 'resize' : 'move');
  }
  /** The user closes the window: 'close' while it still exists, then 'closed'. */
  close() {
    this.emit('close');
    this.destroyed = true;
    this.emit('closed');
  }
}

export class StubTray extends EventEmitter {
  tooltip = '';
  menu: { items: StubMenuItem[] } | null = null;
  destroyed = false;
  constructor(readonly image: string) {
    super();
    state.trays.push(this);
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: { items: StubMenuItem[] } | null) {
    this.menu = menu;
  }
  destroy() {
    this.destroyed = true;
  }
  /** Test helper: the menu item with this label (throws when there is none). */
  item(label: string): StubMenuItem {
    const found = this.menu?.items.find((i) => i.label === label);
    if (!found) throw new Error(`no tray menu item "${label}" in ${JSON.stringify(this.menu?.items.map((i) => i.label))}`);
    return found;
  }
}

export const app = {
  requestSingleInstanceLock: () => state.lockGranted,
  quit: () => {
    state.quitCalls++;
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    appEmitter.emit('before-quit', event);
  },
  exit: (code = 0) => {
    state.exitCodes.push(code);
  },
  whenReady: async () => undefined,
  getPath: (_name: string) => state.userData,
  getAppPath: () => state.appPath,
  on: (event: string, listener: (...args: any[]) => void) => appEmitter.on(event, listener),
  emit: (event: string, ...args: unknown[]) => appEmitter.emit(event, ...args),
};

export const BrowserWindow = StubWindow;
export const Tray = StubTray;
export const Menu = { buildFromTemplate: (items: StubMenuItem[]) => ({ items }) };
export const screen = { getAllDisplays: () => state.displays };
export const session = { defaultSession: { cookies: { set: async (details: Record<string, unknown>) => void state.cookies.push(details) } } };
export const shell = { openExternal: async (url: string) => void state.opened.push(url) };
export const dialog = { showErrorBox: (title: string, content: string) => void state.errors.push({ title, content }) };
