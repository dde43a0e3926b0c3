// The desktop app takes the same flags and SWITCHYARD_* variables as `serve`, except that its
// data dir defaults to a folder in the app's user-data folder.
import { join } from 'node:path';
import { parseServeArgs, SERVE_FLAGS, type ServeSettings } from '../settings-env';

const OWN_FLAGS = new Set(Object.keys(SERVE_FLAGS).map((f) => `--${f}`));

/** Switchyard's own flags: argv also holds the Electron binary, the app path and Chromium switches. */
export function ownFlags(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [name] = argv[i].split('=', 1);
    if (!OWN_FLAGS.has(name)) continue;
    out.push(argv[i]);
    // `--port 8080` takes the next word; `--port=8080` is whole.
    if (!argv[i].includes('=') && i + 1 < argv.length) out.push(argv[++i]);
  }
  return out;
}

/** Settings for the desktop app; throws UsageError like `serve` for a bad flag or variable. */
export function desktopSettings(argv: readonly string[], env: NodeJS.ProcessEnv, userDataDir: string): ServeSettings {
  return parseServeArgs(ownFlags(argv), { ...env, SWITCHYARD_DATA_DIR: env.SWITCHYARD_DATA_DIR || join(userDataDir, 'data') });
}
