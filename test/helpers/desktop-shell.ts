// The desktop shell over the Electron stub, with a real appliance on port 0 in a real temp
// data dir.
import { EventEmitter } from 'node:events';
import * as electron from 'electron';
import { createApp, type AppOptions, type RunningApp } from '../../src-main/app';
import { startDesktop, type Desktop, type ElectronLike } from '../../src-main/electron/desktop';
import { createLogger } from '../../src-main/logger';
import { ADMIN_KEY } from './harness';

/** The stub, typed as what the shell asks for (vitest aliases `electron` to electron-stub.ts). */
export const stubbedElectron = electron as unknown as ElectronLike;
export const quiet = createLogger({ write: () => {} });

export interface Shell {
  desktop: Desktop;
  /** The appliance the shell started (set once it has). */
  app: RunningApp | null;
  /** Calls of the appliance's close() made by the shell. */
  closeCalls: number;
  /** Stands in for the process: emit 'SIGTERM' / 'SIGINT'. */
  signals: EventEmitter;
}

export interface LaunchOptions {
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Extra appliance options (delivery timing, tick) merged over what the shell passes. */
  app?: Partial<AppOptions>;
  windowStateSaveDelayMs?: number;
}

/** Starts the shell with its data in `dataDir` and ADMIN_KEY as the admin key. */
export function launch(dataDir: string, opts: LaunchOptions = {}): Shell {
  const signals = new EventEmitter();
  const shell: Shell = { desktop: null as unknown as Desktop, app: null, closeCalls: 0, signals };
  shell.desktop = startDesktop(stubbedElectron, {
    createApp: async (o) => {
      const app = await createApp({ ...o, logger: quiet, uiDir: null, tickMs: 0, ...opts.app });
      const close = app.close;
      app.close = () => {
        shell.closeCalls++;
        return close();
      };
      return (shell.app = app);
    },
    env: { SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_PORT: '0', SWITCHYARD_API_KEY: ADMIN_KEY, ...opts.env },
    argv: opts.argv ?? [],
    signals,
    windowStateSaveDelayMs: opts.windowStateSaveDelayMs,
  });
  return shell;
}
