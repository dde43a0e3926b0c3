// `serve` options from flags and SWITCHYARD_* variables (flags win).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AppOptions } from './app';
import { parsePublicUrl } from './core/public-url';
export { maskedDatabaseUrl } from './store/database-url';
import { ALERTMANAGER_BODY_LIMIT_MAX, ALERTMANAGER_BODY_LIMIT_MIN } from './limits';

export interface ServeSettings {
  host: string;
  port: number;
  dataDir: string;
  apiKey: string | null;
  allowedHosts: string[];
  /** Per-key ingest rate (requests/s; burst twice that); null keeps the default. */
  ratePerSecond: number | null;
  /** Base of the links the appliance sends out (--public-url, SWITCHYARD_PUBLIC_URL); null: the address served. */
  publicUrl: string | null;
  /** Body limit of the Alertmanager endpoint in bytes; null keeps the default. */
  alertmanagerBodyLimit: number | null;
  /** postgres://… (--database-url, SWITCHYARD_DATABASE_URL): the PostgreSQL store; null: the file store in dataDir. */
  databaseUrl: string | null;
  /** SWITCHYARD_DELIVERY_LEASE_MS: how long another instance on the database waits before taking over this one's deliveries; null keeps the default. */
  deliveryLeaseMs: number | null;
}

/** The appliance options these settings make (one mapping for `serve` and the desktop app). */
export function appOptionsOf(s: ServeSettings): Pick<AppOptions, 'dataDir' | 'host' | 'port' | 'apiKey' | 'allowedHosts' | 'rateLimit' | 'publicUrl' | 'alertmanagerBodyLimit' | 'databaseUrl' | 'delivery'> {
  return {
    dataDir: s.dataDir, databaseUrl: s.databaseUrl, host: s.host, port: s.port, apiKey: s.apiKey, allowedHosts: s.allowedHosts, publicUrl: s.publicUrl,
    rateLimit: s.ratePerSecond ? { perSecond: s.ratePerSecond, burst: s.ratePerSecond * 2 } : undefined,
    alertmanagerBodyLimit: s.alertmanagerBodyLimit ?? undefined,
    delivery: s.deliveryLeaseMs ? { leaseMs: s.deliveryLeaseMs } : undefined,
  };
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'switchyard');
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** The flags `serve` takes (the desktop app picks the same ones out of its argv). */
export const SERVE_FLAGS = {
  host: { type: 'string' }, port: { type: 'string' }, 'data-dir': { type: 'string' }, 'public-url': { type: 'string' }, 'alertmanager-body-limit': { type: 'string' },
  'database-url': { type: 'string' },
} as const;

export function parseServeArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ServeSettings {
  let values: { host?: string; port?: string; 'data-dir'?: string; 'public-url'?: string; 'alertmanager-body-limit'?: string; 'database-url'?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: SERVE_FLAGS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const portText = values.port ?? env.SWITCHYARD_PORT ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`--port: "${portText}" is not a port number (0-65535)`);
  return {
    host: values.host ?? env.SWITCHYARD_HOST ?? '127.0.0.1',
    port,
    dataDir: values['data-dir'] ?? env.SWITCHYARD_DATA_DIR ?? defaultDataDir(env),
    apiKey: env.SWITCHYARD_API_KEY || null,
    allowedHosts: (env.SWITCHYARD_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean),
    ratePerSecond: parseRate(env.SWITCHYARD_RATE_LIMIT),
    publicUrl: publicUrlOf(values['public-url'] !== undefined ? ['--public-url', values['public-url']] : env.SWITCHYARD_PUBLIC_URL ? ['SWITCHYARD_PUBLIC_URL', env.SWITCHYARD_PUBLIC_URL] : null),
    alertmanagerBodyLimit: parseAlertmanagerBodyLimit(values['alertmanager-body-limit'], env.SWITCHYARD_ALERTMANAGER_BODY_LIMIT),
    databaseUrl: parseDatabaseUrl(values['database-url'], env.SWITCHYARD_DATABASE_URL),
    deliveryLeaseMs: parseLeaseMs(env.SWITCHYARD_DELIVERY_LEASE_MS),
  };
}

function parseLeaseMs(text: string | undefined): number | null {
  if (!text) return null;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 300 || n > 3_600_000) throw new UsageError(`SWITCHYARD_DELIVERY_LEASE_MS: "${text}" is not a number of milliseconds from 300 to 3600000`);
  return n;
}

function parseDatabaseUrl(flag: string | undefined, envText: string | undefined): string | null {
  const text = flag ?? (envText || undefined);
  if (text === undefined) return null;
  const name = flag !== undefined ? '--database-url' : 'SWITCHYARD_DATABASE_URL';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${name}: not a URL; write it as postgres://user:password@host:5432/database`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new UsageError(`${name}: must be a postgres:// URL, not ${url.protocol}//`);
  if (!url.hostname && !url.searchParams.get('host')) throw new UsageError(`${name}: names no host; write it as postgres://user:password@host:5432/database`);
  return text;
}


function publicUrlOf(given: [string, string] | null): string | null {
  if (!given) return null;
  const parsed = parsePublicUrl(given[1], given[0]);
  if ('errors' in parsed) throw new UsageError(parsed.errors.join('; '));
  return parsed.url;
}

function parseAlertmanagerBodyLimit(flag: string | undefined, envText: string | undefined): number | null {
  const text = flag ?? envText;
  if (!text) return null;
  const name = flag !== undefined ? '--alertmanager-body-limit' : 'SWITCHYARD_ALERTMANAGER_BODY_LIMIT';
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < ALERTMANAGER_BODY_LIMIT_MIN || n > ALERTMANAGER_BODY_LIMIT_MAX) {
    throw new UsageError(`${name}: "${text}" is not a number of bytes from ${ALERTMANAGER_BODY_LIMIT_MIN} to ${ALERTMANAGER_BODY_LIMIT_MAX}`);
  }
  return n;
}

function parseRate(text: string | undefined): number | null {
  if (!text) return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`SWITCHYARD_RATE_LIMIT: "${text}" is not a positive whole number of requests per second`);
  return n;
}

export const USAGE = `usage: switchyard <start|serve|login-link|migrate> [--host 127.0.0.1] [--port 8080] [--data-dir DIR] [--public-url URL] [--alertmanager-body-limit BYTES] [--database-url URL]
  start       desktop app where the Electron runtime is installed, else the same as serve
  serve       headless: the UI in any browser
  login-link  print a fresh one-time UI login link for the Switchyard running on --data-dir (with --database-url: for any instance on that database)
  migrate     apply the PostgreSQL store's migrations to --database-url and exit (serve applies them too)
  --database-url  postgres://user:password@host:5432/db: keep everything in PostgreSQL (several instances may share it); default the file store in --data-dir
  --public-url  the address others reach it at (a proxy, a LAN name): the base of every link it sends out
  --alertmanager-body-limit  largest Alertmanager webhook in bytes (default 32 MiB)
environment: SWITCHYARD_HOST, SWITCHYARD_PORT, SWITCHYARD_DATA_DIR, SWITCHYARD_API_KEY, SWITCHYARD_ALLOWED_HOSTS, SWITCHYARD_RATE_LIMIT, SWITCHYARD_PUBLIC_URL, SWITCHYARD_ALERTMANAGER_BODY_LIMIT, SWITCHYARD_DATABASE_URL, SWITCHYARD_DELIVERY_LEASE_MS`;
