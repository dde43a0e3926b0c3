// Stand-in for the `electron` module (its runtime cannot run here). Records what the
// desktop shell asks of it so tests can assert window options, locks and quit logic.
import { EventEmitter } from 'node:events';

export interface StubState {
  lockGranted: boolean;
  quitCalls: number;
  exitCodes: number[];
  windows: StubWindow[];
  cookies: Array<Record<string, unknown>>;
  opened: string[];
  errors: Array<{ title: string; content: string }>;
}

export const state: StubState = { lockGranted: true, quitCalls: 0, exitCodes: [], windows: [], cookies: [], opened: [], errors: [] };

export function resetStub(): void {
  Object.assign(state, { lockGranted: true, quitCalls: 0, exitCodes: [], windows: [], cookies: [], opened: [], errors: [] });
  appEmitter.removeAllListeners();
}

const appEmitter = new EventEmitter();

export class StubWindow extends EventEmitter {
  loaded: string[] = [];
  focused = 0;
  minimized = false;
  restored = 0;
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
    state.windows.push(this);
  }
  async loadURL(url: string) {
    this.loaded.push(url);
  }
  show() {}
  focus() {
    this.focused++;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.restored++;
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
  getPath: (_name: string) => '/tmp/switchyard-stub-userdata',
  on: (event: string, listener: (...args: any[]) => void) => appEmitter.on(event, listener),
  emit: (event: string, ...args: unknown[]) => appEmitter.emit(event, ...args),
};

export const BrowserWindow = StubWindow;
export const session = { defaultSession: { cookies: { set: async (details: Record<string, unknown>) => void state.cookies.push(details) } } };
export const shell = { openExternal: async (url: string) => void state.opened.push(url) };
export const dialog = { showErrorBox: (title: string, content: string) => void state.errors.push({ title, content }) };
