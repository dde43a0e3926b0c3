// Nothing acknowledged is lost: restart, SIGKILL under load, a torn last line.
import { appendFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, startHarness, tempDir } from '../helpers/harness';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function segmentFiles(dir: string): Promise<string[]> {
  const events = join(dir, 'events');
  return (await readdir(events)).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(events, f));
}

describe('durability', () => {
  it('keeps every event, with its raw payload, across a restart on the same data dir', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const first = await startHarness({ dir });
    const generic = await fixture('generic-alert.json');
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await first.http('POST', '/v1/ingest/generic', { body: { ...generic, title: `restart ${i}` } })).json.event_id);
    await first.stop();
    const second = await startHarness({ dir });
    try {
      expect(second.app.openReport.events).toBe(20);
      for (const [i, id] of ids.entries()) {
        const ev = (await second.http('GET', `/api/events/${id}`)).json;
        expect(ev.title).toBe(`restart ${i}`);
        expect(ev.raw.indicators).toEqual(generic.indicators);
      }
      expect((await second.http('GET', '/api/events?limit=1')).json.items[0].title).toBe('restart 19');
    } finally {
      await second.stop();
    }
  });

  it('discards a torn last line on start, counts it, and keeps appending cleanly', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const first = await startHarness({ dir });
    for (let i = 0; i < 3; i++) await first.http('POST', '/v1/ingest/generic', { body: { title: `before tear ${i}` } });
    await first.stop();
    const segments = await segmentFiles(dir);
    await appendFile(segments[segments.length - 1], '{"schema_version":1,"id":"torn-half-writ');

    const second = await startHarness({ dir });
    expect(second.app.openReport).toMatchObject({ events: 3, torn_lines_discarded: 1 });
    expect((await second.http('POST', '/v1/ingest/generic', { body: { title: 'after tear' } })).status).toBe(202);
    await second.stop();

    const third = await startHarness({ dir });
    try {
      expect(third.app.openReport).toMatchObject({ events: 4, torn_lines_discarded: 0 });
      const titles = (await third.http('GET', '/api/events')).json.items.map((e: any) => e.title);
      expect(titles).toEqual(['after tear', 'before tear 2', 'before tear 1', 'before tear 0']);
    } finally {
      await third.stop();
    }
  });
});
