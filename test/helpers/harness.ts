// A real appliance on an ephemeral port over a real temp data dir, and a small
// HTTP client that can set any header (Host, Origin, Cookie) like a real peer.
import { readFile, rm } from 'node:fs/promises';
import pg from 'pg';
import { request } from 'undici';
import { inject } from 'vitest';
import { createApp, type AppOptions, type RunningApp } from '../../src-main/app';
import { createLogger } from '../../src-main/logger';
import { tempDir } from './temp-dirs';

export const ADMIN_KEY = 'sy_test_admin_key_0123456789abcdefghijklmnopqrstuv';

export interface Harness {
  app: RunningApp;
  dir: string;
  logLines: string[];
  http(method: string, path: string, opts?: { body?: unknown; raw?: string | Buffer; key?: string | null; headers?: Record<string, string> }): Promise<HttpAnswer>;
  /** Creates a key with the given scopes (in the given org) through the API. */
  key(scopes: string[], organization?: string): Promise<string>;
  stop(): Promise<void>;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export { tempDir };

export async function fixture(name: string): Promise<any> {
  return JSON.parse(await readFile(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));
}

export async function httpCall(base: string, method: string, path: string, opts: { body?: unknown; raw?: string | Buffer; key?: string | null; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.key) headers.authorization ??= `Bearer ${opts.key}`;
  let body: string | Buffer | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await request(base + path, { method: method as 'GET', headers, body });
  const text = await res.body.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

/** Databases made for data directories in the `postgres` test project: a harness reopened on a directory finds its data again. */
const databases = new Map<string, string>();

/** In the `postgres` project (vitest.config.ts), the database of this data directory; otherwise none (the file store). */
async function databaseFor(dir: string): Promise<string | null> {
  if (process.env.SWITCHYARD_TEST_STORE !== 'postgres') return null;
  const known = databases.get(dir);
  if (known) return known;
  const admin = new pg.Client({ connectionString: inject('postgresUrl') });
  await admin.connect();
  const name = `h${process.pid}_${databases.size + 1}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${name}`;
  databases.set(dir, url.toString());
  return url.toString();
}

export async function startHarness(opts: Partial<AppOptions> & { dir?: string } = {}): Promise<Harness> {
  const dir = opts.dir ?? (await tempDir());
  const logLines: string[] = [];
  const databaseUrl = opts.databaseUrl ?? (await databaseFor(dir));
  const app = await createApp({ port: 0, apiKey: ADMIN_KEY, uiDir: null, logger: createLogger({ write: (l) => void logLines.push(l) }), databaseUrl, ...opts, dataDir: dir });
  const http: Harness['http'] = (method, path, o = {}) => httpCall(app.url, method, path, { key: o.key === undefined ? ADMIN_KEY : o.key, ...o });
  return {
    app,
    dir,
    logLines,
    http,
    async key(scopes, organization) {
      const res = await http('POST', '/api/keys', { body: { name: `test ${scopes.join('+')}`, scopes, ...(organization ? { organization } : {}) } });
      if (res.status !== 201) throw new Error(`key creation failed: ${res.status} ${res.text}`);
      return res.json.key;
    },
    async stop() {
      await app.close();
      if (!opts.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
