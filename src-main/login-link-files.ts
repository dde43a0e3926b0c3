// Login links issued beside the running appliance: `switchyard login-link` writes the SHA-256
// of a fresh token into the data directory, and the appliance serving that directory accepts
// the token once, before it expires. Whoever can write the data directory owns the appliance
// already, so this proves nothing new and needs no key. The appliance also leaves its URL
// there (server.json) so the command can print a link that opens it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from './core/secrets';
import { LOGIN_LINK_FILES_MAX, LOGIN_TOKEN_TTL_MS } from './limits';

const LINKS_DIR = 'login-links';
const SERVER_INFO = 'server.json';
const HASH = /^[0-9a-f]{64}$/;

interface ServerInfo {
  url: string;
  pid: number;
}

/** Why `switchyard login-link` could not make a link, in words for the terminal. */
export class LoginLinkError extends Error {
  override name = 'LoginLinkError';
}

/** Written through a temp file and a rename: a reader never sees half of it. Owner-only. */
function writeAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, file);
}

/** The running appliance's URL, for `login-link` (called once it listens). */
export function writeServerInfo(dataDir: string, url: string): void {
  const info: ServerInfo = { url, pid: process.pid };
  writeAtomic(join(dataDir, SERVER_INFO), JSON.stringify(info));
}

/** Removed on a clean stop, when it is still this process's. */
export function removeServerInfo(dataDir: string): void {
  const info = readServerInfo(dataDir);
  if (info?.pid === process.pid) rmSync(join(dataDir, SERVER_INFO), { force: true });
}

function readServerInfo(dataDir: string): ServerInfo | null {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, SERVER_INFO), 'utf8')) as ServerInfo;
    return typeof info.url === 'string' && Number.isInteger(info.pid) ? info : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops expired link files; returns how many live ones remain. */
function pruneLinkFiles(dir: string, now: number): number {
  let live = 0;
  for (const name of readdirSync(dir)) {
    const hash = name.replace(/\.json$/, '');
    if (!HASH.test(hash)) continue;
    const expires = readLinkFile(dir, hash);
    if (expires === null || expires < now) rmSync(join(dir, name), { force: true });
    else live++;
  }
  return live;
}

function readLinkFile(dir: string, hash: string): number | null {
  try {
    const { expires } = JSON.parse(readFileSync(join(dir, `${hash}.json`), 'utf8')) as { expires: unknown };
    return typeof expires === 'number' ? expires : null;
  } catch {
    return null;
  }
}

/** The URL of the appliance running on this data directory, when one runs. */
export function runningServerUrl(dataDir: string): string | null {
  const info = readServerInfo(dataDir);
  return info && isRunning(info.pid) ? info.url : null;
}

/** `switchyard login-link`: a fresh one-time URL for the appliance running on this data directory. */
export function issueLoginLink(dataDir: string, now: number = Date.now()): string {
  const url = runningServerUrl(dataDir);
  if (!url) {
    throw new LoginLinkError(`no Switchyard is running on data directory ${dataDir}; start it (switchyard serve --data-dir ${dataDir}) and it prints a login link`);
  }
  const dir = join(dataDir, LINKS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (pruneLinkFiles(dir, now) >= LOGIN_LINK_FILES_MAX) {
    throw new LoginLinkError(`${LOGIN_LINK_FILES_MAX} login links are waiting to be used; use one, or wait up to ${LOGIN_TOKEN_TTL_MS / 60_000} minutes for them to expire`);
  }
  const token = randomBytes(24).toString('base64url');
  writeAtomic(join(dir, `${sha256Hex(token)}.json`), JSON.stringify({ expires: now + LOGIN_TOKEN_TTL_MS }));
  return `${url}/login?token=${token}`;
}

/**
 * The appliance's side: takes (deletes) the link file of a token's hash and returns its expiry,
 * or null when there is none. Deleting is what makes it one-time, across processes too: of two
 * requests racing for one file, only one unlink succeeds.
 */
export function takeLoginLinkFile(dataDir: string, hash: string): { expires: number } | null {
  if (!HASH.test(hash)) return null;
  const dir = join(dataDir, LINKS_DIR);
  const expires = readLinkFile(dir, hash);
  if (expires === null) return null;
  try {
    unlinkSync(join(dir, `${hash}.json`));
  } catch {
    return null;
  }
  return { expires };
}
