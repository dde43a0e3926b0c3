// UI logins on two appliances sharing one PostgreSQL database (behind a load balancer): a
// login link minted on either logs in on the other, once; a session cookie works, and ends,
// on both; only hashes of tokens and session ids are stored.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src-main/core/secrets';
import { LOGIN_TOKEN_TTL_MS, SESSIONS_MAX, SESSION_TTL_MS } from '../../src-main/limits';
import { issueDatabaseLoginLink } from '../../src-main/login-link-database';
import { issueLoginLink } from '../../src-main/login-link-files';
import { LOGIN_TOKEN_KIND, UI_SESSION_KIND } from '../../src-main/server/shared-sessions';
import { CLI, requireBuild } from '../helpers/child';
import { startHarness, tempDir, type Harness } from '../helpers/harness';
import { usePostgres } from '../helpers/postgres-cluster';
import { until } from '../helpers/wait';

const run = promisify(execFile);
const { pg: pg_, cleanups } = usePostgres();

/**
 * Two appliances on a new database, on one clock the test moves: a session cached on one
 * never ages out, so only the other's notice can end it there.
 */
async function pair(): Promise<{ a: Harness; b: Harness; url: string; clock: { t: number } }> {
  const url = await pg_.createDatabase();
  const clock = { t: Date.parse('2026-12-01T10:00:00Z') };
  const start = async () => {
    const h = await startHarness({ databaseUrl: url, tickMs: 0, now: () => new Date(clock.t) });
    cleanups.push(() => h.stop());
    return h;
  };
  const a = await start();
  const b = await start();
  return { a, b, url, clock };
}

/** Opens a login link's path on an instance (whichever the load balancer picked). */
const openOn = (h: Harness, link: string) => {
  const u = new URL(link);
  return h.http('GET', u.pathname + u.search, { key: null });
};

function cookieOf(res: Awaited<ReturnType<typeof openOn>>): string {
  expect(res.status).toBe(302);
  return String(res.headers['set-cookie']).split(';')[0];
}

function refused(res: Awaited<ReturnType<typeof openOn>>, heading: string): void {
  expect(res.status).toBe(401);
  expect(res.text).toContain(`<h1>${heading}</h1>`);
  expect(res.headers['set-cookie']).toBeUndefined();
}

const sessionOn = (h: Harness, cookie: string) => h.http('GET', '/api/session', { key: null, headers: { cookie } });

describe('UI logins on instances sharing a database', () => {
  it('logs in on B with a link minted on A, once; the cookie reads and (with its CSRF token) writes on A; logout on B ends it on A', async () => {
    const { a, b } = await pair();
    const link = await a.app.loginUrl();
    const cookie = cookieOf(await openOn(b, link));
    refused(await openOn(a, link), 'This login link has already been used');
    refused(await openOn(b, link), 'This login link has already been used');

    const session = await sessionOn(a, cookie);
    expect(session.status).toBe(200);
    expect(session.json.via).toBe('session');
    const csrf = session.json.csrf_token as string;
    expect((await sessionOn(b, cookie)).json.csrf_token).toBe(csrf);

    const write = { name: 'made through the UI on A', kind: 'webhook', uri: 'http://127.0.0.1:9/hook', event_type: ['security_event'] };
    expect((await a.http('POST', '/api/destinations', { key: null, headers: { cookie }, body: write })).status).toBe(403);
    const made = await a.http('POST', '/api/destinations', { key: null, headers: { cookie, 'x-csrf-token': csrf }, body: write });
    expect(made.status).toBe(201);
    // B follows A's configuration within about a second.
    const onB = await until(async () => ((await b.http('GET', `/api/destinations/${made.json.id}`)).json.name as string | undefined), 10_000, 'the destination on B');
    expect(onB).toBe(write.name);

    expect((await b.http('POST', '/api/session/logout', { key: null, headers: { cookie, 'x-csrf-token': csrf } })).status).toBe(204);
    expect((await sessionOn(b, cookie)).status).toBe(401);
    await until(async () => ((await sessionOn(a, cookie)).status === 401 ? true : undefined), 10_000, 'the session ended on A');
  });

  it('gives one session when both instances redeem the same link at once', async () => {
    const { a, b } = await pair();
    for (let round = 0; round < 5; round++) {
      const link = await (round % 2 ? b : a).app.loginUrl();
      const answers = await Promise.all([openOn(a, link), openOn(b, link), openOn(a, link), openOn(b, link)]);
      expect(answers.filter((r) => r.status === 302)).toHaveLength(1);
      for (const r of answers.filter((x) => x.status !== 302)) refused(r, 'This login link has already been used');
    }
  });

  it('takes links from POST /api/login-links, the desktop window and `switchyard login-link --database-url` on the other instance', async () => {
    const { a, b, url } = await pair();
    const minted = await a.http('POST', '/api/login-links');
    expect(minted.status).toBe(201);
    expect((await sessionOn(b, cookieOf(await openOn(b, minted.json.url)))).status).toBe(200);

    const desktop = await a.app.createUiSession();
    expect((await sessionOn(b, `${desktop.name}=${desktop.value}`)).status).toBe(200);

    // The command names the instance running on its data directory, or the public URL.
    const fromCli = await issueDatabaseLoginLink({ databaseUrl: url, dataDir: a.dir, publicUrl: null });
    expect(fromCli.startsWith(`${a.app.url}/login?token=`)).toBe(true);
    const cliCookie = cookieOf(await openOn(b, fromCli));
    expect((await sessionOn(a, cliCookie)).json.organization.slug).toBe('default');
    refused(await openOn(a, fromCli), 'This login link has already been used');
    const noneRunning = await tempDir();
    cleanups.push(() => rm(noneRunning, { recursive: true, force: true }));
    await expect(issueDatabaseLoginLink({ databaseUrl: url, dataDir: noneRunning, publicUrl: null })).rejects.toThrow(/--public-url/);
    const elsewhere = await issueDatabaseLoginLink({ databaseUrl: url, dataDir: noneRunning, publicUrl: 'https://switchyard.example.com' });
    expect(elsewhere.startsWith('https://switchyard.example.com/login?token=')).toBe(true);
    expect(cookieOf(await openOn(a, elsewhere))).toMatch(/^sy_session=/);
  });

  it('`switchyard login-link` given the database (SWITCHYARD_DATABASE_URL) prints a link that logs in on either instance', async () => {
    requireBuild();
    const { a, b, url } = await pair();
    const { stdout } = await run(process.execPath, [CLI, 'login-link', '--data-dir', b.dir], { env: { ...process.env, SWITCHYARD_DATABASE_URL: url } });
    const link = stdout.trim();
    expect(link.startsWith(`${b.app.url}/login?token=`)).toBe(true);
    expect((await sessionOn(b, cookieOf(await openOn(a, link)))).status).toBe(200);
    refused(await openOn(b, link), 'This login link has already been used');
  });

  it('takes a link file (`switchyard login-link --data-dir`) on the instance of that directory, then says on both that it is used', async () => {
    const { a, b, clock } = await pair();
    const link = issueLoginLink(a.dir, clock.t);
    expect((await sessionOn(b, cookieOf(await openOn(a, link)))).status).toBe(200);
    refused(await openOn(b, link), 'This login link has already been used');
    refused(await openOn(a, link), 'This login link has already been used');
    const late = issueLoginLink(a.dir, clock.t);
    clock.t += LOGIN_TOKEN_TTL_MS + 1;
    refused(await openOn(a, late), 'This login link has expired');
    refused(await openOn(b, late), 'This login link has expired');
  });

  it('says why a link fails on either instance, and ends sessions everywhere when they expire', async () => {
    const { a, b, clock } = await pair();
    refused(await openOn(b, `${b.app.url}/login?token=never-issued`), 'This login link is not valid');
    const cookie = cookieOf(await openOn(b, await a.app.loginUrl()));
    expect((await sessionOn(a, cookie)).status).toBe(200);
    const late = await a.app.loginUrl();
    clock.t += LOGIN_TOKEN_TTL_MS + 1;
    refused(await openOn(b, late), 'This login link has expired');
    refused(await openOn(a, late), 'This login link has expired');
    clock.t += SESSION_TTL_MS;
    expect((await sessionOn(a, cookie)).status).toBe(401);
    expect((await sessionOn(b, cookie)).status).toBe(401);
  });

  it('keeps at most SESSIONS_MAX sessions across instances: the oldest ends everywhere', async () => {
    const { a, b } = await pair();
    const first = await a.app.createUiSession();
    const cookie = `${first.name}=${first.value}`;
    expect((await sessionOn(b, cookie)).status).toBe(200); // now cached on B
    for (let i = 1; i < SESSIONS_MAX; i++) await (i % 2 ? a : b).app.createUiSession();
    expect((await sessionOn(a, cookie)).status).toBe(200);
    await b.app.createUiSession();
    expect((await sessionOn(b, cookie)).status).toBe(401);
    await until(async () => ((await sessionOn(a, cookie)).status === 401 ? true : undefined), 10_000, 'the oldest session ended on A');
  });

  it('stores only hashes, and forgets expired tokens and sessions', async () => {
    const { a, b, url, clock } = await pair();
    const link = await a.app.loginUrl();
    const token = new URL(link).searchParams.get('token')!;
    const cookie = cookieOf(await openOn(b, link));
    const sessionId = decodeURIComponent(cookie.split('=')[1]);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    cleanups.push(() => db.end());
    const rows = async () => (await db.query<{ kind: string; id: string; data: unknown }>('SELECT kind, id, data FROM state_records WHERE kind = ANY($1) ORDER BY kind, id', [[LOGIN_TOKEN_KIND, UI_SESSION_KIND]])).rows;
    const stored = await rows();
    expect(stored.map((r) => [r.kind, r.id])).toEqual([[LOGIN_TOKEN_KIND, sha256Hex(token)], [UI_SESSION_KIND, sha256Hex(sessionId)]]);
    const text = JSON.stringify(stored);
    expect(text).not.toContain(token);
    expect(text).not.toContain(sessionId);

    // Past both lifetimes, the next login trims what expired: only the new token and session remain.
    clock.t += SESSION_TTL_MS + 2 * LOGIN_TOKEN_TTL_MS;
    const next = await b.app.loginUrl();
    const nextCookie = cookieOf(await openOn(a, next));
    expect((await rows()).map((r) => r.id).sort()).toEqual([sha256Hex(new URL(next).searchParams.get('token')!), sha256Hex(decodeURIComponent(nextCookie.split('=')[1]))].sort());
    refused(await openOn(a, link), 'This login link is not valid');
    expect((await sessionOn(a, cookie)).status).toBe(401);
  });
});
