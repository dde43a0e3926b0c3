// The built appliance on PostgreSQL, as an operator runs it: `switchyard migrate` applies the
// schema once, `serve` names the database it uses (password masked) and takes events, and a
// URL that is not a PostgreSQL one is a usage error in one line.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, httpCall, tempDir } from '../helpers/harness';
import { CLI, requireBuild, spawnChild } from '../helpers/child';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(async () => pg?.destroy());

/** The database URL with a password the server does not check (trust), to see it masked. */
const withPassword = (url: string) => url.replace('postgres@', 'postgres:s3cret@');

describe('switchyard on PostgreSQL', () => {
  it('migrate applies the schema once; serve names the database, masked, and stores events there', async () => {
    requireBuild();
    const url = withPassword(await pg.createDatabase());
    const migrate = () => {
      const child = spawnChild(process.execPath, [CLI, 'migrate'], { SWITCHYARD_DATABASE_URL: url });
      return child.exited.then((code) => ({ code, out: child.output() }));
    };
    const first = await migrate();
    expect(first).toEqual({ code: 0, out: expect.stringMatching(/^Applied migrations 1 to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/\w+\n$/) });
    expect((await migrate()).out).toMatch(/ is up to date\n$/);
    expect(first.out).not.toContain('s3cret');

    const dir = await tempDir();
    const serve = spawnChild(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir, '--database-url', url], { SWITCHYARD_API_KEY: ADMIN_KEY });
    try {
      const [, base] = await serve.waitFor(/serving at (http:\/\/127\.0\.0\.1:\d+) \(database: postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/\w+, 0 events\)/, 30_000);
      expect(serve.output()).not.toContain('s3cret');
      const sent = await httpCall(base, 'POST', '/v1/ingest/generic', { key: ADMIN_KEY, body: { title: 'on PostgreSQL' } });
      expect(sent.status).toBe(202);
      expect((await httpCall(base, 'GET', '/healthz')).json).toMatchObject({ status: 'ok', store: { backend: 'postgres', events: 1, writable: true } });
    } finally {
      serve.proc.kill('SIGTERM');
      await serve.exited;
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses what is not a PostgreSQL URL, in one line, before touching anything', async () => {
    requireBuild();
    const child = spawnChild(process.execPath, [CLI, 'migrate', '--database-url', 'mysql://db.lan/x']);
    expect(await child.exited).toBe(2);
    expect(child.output()).toMatch(/^switchyard: --database-url: must be a postgres:\/\/ URL, not mysql:\/\/\n/);
  });
});
