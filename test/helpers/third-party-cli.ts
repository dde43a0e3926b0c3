// Runs the third-party checkers the contract tests use: @redocly/cli (a devDependency, by its
// bin in node_modules, offline) and Debian's promtool.
import { execFileSync, spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './child';

export const REDOCLY_BIN = fileURLToPath(new URL('../../node_modules/@redocly/cli/bin/cli.js', import.meta.url));
const OFFLINE_PRELOAD = new URL('./offline-preload.ts', import.meta.url).href;
// By URL: the checker runs in a temp directory, where a bare `tsx` would not resolve.
const TSX_LOADER = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Redocly's own switches for its telemetry and its update notice. */
export const REDOCLY_OFFLINE_ENV = { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };

/**
 * Node with the offline preload: lookups off loopback fail without leaving the machine and
 * are listed, with cut connections, in the returned `attempts`.
 */
export async function runOffline(script: string, args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<Run & { attempts: string[] }> {
  const log = join(opts.cwd, `egress-${process.pid}-${Date.now()}.log`);
  const result = await run(process.execPath, ['--import', TSX_LOADER, '--import', OFFLINE_PRELOAD, script, ...args], { cwd: opts.cwd, env: { ...opts.env, EGRESS_LOG: log } });
  const attempts = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  await rm(log, { force: true });
  return { ...result, attempts };
}

export function redoclyVersion(): string {
  const out = execFileSync(process.execPath, [REDOCLY_BIN, '--version'], { encoding: 'utf8', stdio: 'pipe', env: { ...process.env, ...REDOCLY_OFFLINE_ENV } });
  return out.trim().split('\n').pop()!.trim();
}

export function promtoolVersion(): string {
  const out = execFileSync('promtool', ['--version'], { encoding: 'utf8', stdio: 'pipe' });
  return /version (\S+)/.exec(out)?.[1] ?? out.trim();
}
