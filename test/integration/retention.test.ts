// Retention over HTTP: GET /api/settings shows it (null/null by default), PUT stores it,
// refuses bad values with the error shape, and applies it at once to a real data dir.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RETENTION_MAX_AGE_DAYS_MAX, RETENTION_MAX_BYTES_MIN } from '../../src-main/limits';
import { createStore } from '../../src-main/store';
import { normalizedEvent } from '../helpers/ingest-fixtures';
import { startHarness, tempDir, type Harness } from '../helpers/harness';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function segments(dir: string): Promise<string[]> {
  // Segment numbers, plain or compressed (a sealed segment is rewritten as .jsonz).
  // (both forms of one segment stand side by side for a moment while it is being compressed).
  return [...new Set((await readdir(join(dir, 'events'))).filter((f) => /^\d+\.json[lz]$/.test(f)).map((f) => f.slice(0, -6)))].sort();
}

describe('retention settings over HTTP', () => {
  it('defaults to keep forever, validates, stores and applies the policy', async () => {
    const dir = await tempDir();
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    // A store with a year-old history in small segments, as a long-running appliance has.
    const seed = createStore({ dataDir: dir, segmentMaxBytes: 4096, retentionIntervalMs: 0 });
    await seed.open();
    const old = Date.now() - 365 * 86_400_000;
    for (let i = 0; i < 40; i++) {
      await seed.appendEvents([normalizedEvent({ id: `old-${i}`, organization: 'seeded', received_at: new Date(old + i * 1000).toISOString(), title: `old ${i}`, raw: { pad: 'x'.repeat(300) } })]);
    }
    await seed.close();
    const before = await segments(dir);
    expect(before.length).toBeGreaterThan(3);

    const h: Harness = await startHarness({ dir });
    cleanup.push(() => h.stop());
    const fresh = (await h.http('POST', '/v1/ingest/generic', { body: { title: 'fresh one', severity: 'Low' } })).json.event_id as string;
    expect((await h.http('GET', '/api/settings')).json.retention).toEqual({ max_age_days: null, max_bytes: null });

    for (const [body, error] of [
      [{ max_age_days: 0, max_bytes: null }, /^max_age_days: .*>= 1/],
      [{ max_age_days: RETENTION_MAX_AGE_DAYS_MAX + 1, max_bytes: null }, /^max_age_days: .*<= 3650/],
      [{ max_age_days: 1.5, max_bytes: null }, /^max_age_days: .*integer/],
      [{ max_age_days: null, max_bytes: RETENTION_MAX_BYTES_MIN - 1 }, /^max_bytes: .*>= 16777216/],
      [{ max_age_days: '30', max_bytes: null }, /^max_age_days: /],
      [{ max_age_days: 30 }, /max_bytes/],
      [{ max_age_days: 30, max_bytes: null, keep: true }, /keep/],
    ] as const) {
      const res = await h.http('PUT', '/api/settings/retention', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.errors.some((e: string) => (error as RegExp).test(e)), `${JSON.stringify(res.json.errors)} vs ${String(error)}`).toBe(true);
    }
    expect((await h.http('GET', '/api/settings')).json.retention).toEqual({ max_age_days: null, max_bytes: null });
    expect(await segments(dir)).toEqual(before);

    const put = await h.http('PUT', '/api/settings/retention', { body: { max_age_days: 30, max_bytes: null } });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ max_age_days: 30, max_bytes: null });
    expect((await h.http('GET', '/api/settings')).json.retention).toEqual({ max_age_days: 30, max_bytes: null });

    // Every sealed year-old segment went at once; the one being written stays, with the fresh event.
    const after = await segments(dir);
    expect(after).toEqual([before[before.length - 1]]);
    const items = (await h.http('GET', '/api/events?limit=500')).json.items as { id: string }[];
    expect(items.map((i) => i.id)).toEqual([fresh]); // the API key's organization; the seeded one is another
    expect((await h.http('GET', '/api/events/old-0')).status).toBe(404);
    expect((await h.http('GET', `/api/events/${fresh}`)).status).toBe(200);
    const left = (await h.http('GET', '/healthz')).json.store.events as number;
    expect(left).toBeGreaterThanOrEqual(1);
    expect(left).toBeLessThan(1 + 40 / before.length + 1); // at most the old events of the last segment

    // The policy is kept across a restart; a null turns it off again.
    await h.stop();
    cleanup.pop();
    const again = await startHarness({ dir });
    cleanup.push(() => again.stop());
    expect((await again.http('GET', '/api/settings')).json.retention).toEqual({ max_age_days: 30, max_bytes: null });
    expect((await again.http('PUT', '/api/settings/retention', { body: { max_age_days: null, max_bytes: RETENTION_MAX_BYTES_MIN } })).json).toEqual({ max_age_days: null, max_bytes: RETENTION_MAX_BYTES_MIN });
  });
});
