// Decides whether `npm start` can open the desktop window: the electron package is
// optional and its runtime binary may be missing (it is downloaded at install time).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export type ElectronRuntime = { ok: true; path: string } | { ok: false; reason: string };

export function findElectronRuntime(
  requireElectron: () => unknown = () => createRequire(import.meta.url)('electron'),
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): ElectronRuntime {
  let path: unknown;
  try {
    path = requireElectron();
  } catch {
    return { ok: false, reason: 'the Electron runtime is not installed' };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { ok: false, reason: 'the Electron runtime is not installed' };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return { ok: false, reason: 'there is no display to open a window on' };
  return { ok: true, path };
}
