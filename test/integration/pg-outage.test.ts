// The PostgreSQL store when its database goes away and comes back: ingest answers 503 with
// Retry-After and words that say what to fix, /healthz (what a load balancer asks) reports
// the database down even while nothing is written, the UI's status says so, and everything
// recovers by itself once the database is back; nothing acknowledged is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, StartupError } from '../../src-main/app';
import { createLogger } from '../../src-main/logger';
import { fixture, startHarness, tempDir, type Harness } from '../helpers/harness';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { until } from '../helpers/wait';

let pg: TestPostgres;
let h: Harness;

beforeAll(async () => {
  pg = await startPostgres();
  h = await startHarness({ databaseUrl: await pg.createDatabase() });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await pg?.destroy();
});

describe('the database down, then back', () => {
  it('answers 503 with Retry-After, reports it on /healthz and /api/status, and recovers by itself', async () => {
    const body = await fixture('generic-alert.json');
    const before = await h.http('POST', '/v1/ingest/generic', { body });
    expect(before.status).toBe(202);
    expect((await h.http('GET', '/healthz', { key: null })).json).toMatchObject({ status: 'ok', store: { backend: 'postgres', writable: true } });

    await pg.stop();
    // Nothing written yet: the health check asks the database itself.
    const health = await h.http('GET', '/healthz', { key: null });
    expect(health.status).toBe(503);
    expect(health.json).toMatchObject({ status: 'store_unwritable', errors: [expect.stringMatching(/^store: cannot write to the database since /)], store: { backend: 'postgres', writable: false } });
    const refused = await h.http('POST', '/v1/ingest/generic', { body });
    expect([refused.status, refused.headers['retry-after']]).toEqual([503, '1']);
    expect(refused.json.errors).toEqual(['store: the change could not be written to the database; check that PostgreSQL is running and reachable, then retry']);
    expect((await h.http('GET', '/api/status')).json.store).toMatchObject({ backend: 'postgres', writable: false, since: expect.any(String) });

    await pg.start();
    // No request needed: the probe finds the database again.
    await until(async () => ((await h.http('GET', '/api/status')).json.store.writable === true ? true : undefined), 15_000, 'writes succeed again');
    const after = await h.http('POST', '/v1/ingest/generic', { body });
    expect(after.status).toBe(202);
    for (const id of [before.json.event_id, after.json.event_id]) expect((await h.http('GET', `/api/events/${id}`)).status).toBe(200);
  }, 60_000);
});

describe('a database that cannot be reached at start', () => {
  it('is one line saying which database and what to check, with the password masked', async () => {
    const url = `postgres://sy:hunter2@127.0.0.1:${pg.port + 1}/nowhere`;
    const started = createApp({ databaseUrl: url, dataDir: await tempDir(), port: 0, uiDir: null, logger: createLogger({ write: () => undefined }) });
    await expect(started).rejects.toThrow(StartupError);
    await expect(started).rejects.toThrow(/^cannot reach the database postgres:\/\/sy:\*\*\*@127\.0\.0\.1:\d+\/nowhere: .+; check that PostgreSQL runs there and --database-url \(SWITCHYARD_DATABASE_URL\)$/);
  }, 30_000);
});
