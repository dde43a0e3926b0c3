// What only the PostgreSQL store promises: durable commits that group concurrent requests,
// several instances on one database (changes told to each other, exclusive sections,
// leases), migrations applied once, and recovery after the database was down.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { summaryOf } from '../../src-main/pipeline/accept';
import { createPgStore, migrateDatabase, type PgStoreOptions } from '../../src-main/store/pg';
import { StoreOverloadedError, StoreUnavailableError, type Store, type StoreChange } from '../../src-main/store';
import { normalizedEvent } from '../helpers/ingest-fixtures';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

let pg: TestPostgres;
let dataDir: string;
const open: Store[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  dataDir = await mkdtemp(join(tmpdir(), 'sy-pg-'));
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await pg?.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

function store(url: string, opts: Partial<PgStoreOptions> = {}): Store {
  const s = createPgStore({ url, dataDir, retentionIntervalMs: 0, ...opts });
  open.push(s);
  return s;
}

async function opened(url: string, opts: Partial<PgStoreOptions> = {}): Promise<Store> {
  const s = store(url, opts);
  await s.open();
  return s;
}

/** The first change of a type a store is told of. */
function nextChange<T extends StoreChange['type']>(s: Store, type: T): Promise<Extract<StoreChange, { type: T }>> {
  return new Promise((resolve) => s.onChange((c) => c.type === type && resolve(c as Extract<StoreChange, { type: T }>)));
}

const ev = (over: Parameters<typeof normalizedEvent>[0] = {}) => normalizedEvent({ id: randomUUID(), ...over });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PostgreSQL store', () => {
  it('keeps what an append acknowledged for the next instance; open reports the events and applies the migrations once', async () => {
    const url = await pg.createDatabase();
    const a = store(url);
    expect((await a.open()).migrations_applied).toEqual([1]);
    const e = ev({ raw: { nul: 'a\u0000b', text: 'ünïcödé' } });
    await a.appendEvents([e], [{ kind: 'delivery', id: 'd1', data: { n: 1 }, keys: { organization: 'org-1' } }]);
    await a.close();
    const b = store(url);
    const report = await b.open();
    expect(report).toMatchObject({ events: 1, migrations_applied: [] });
    expect(await b.getEvent(e.id)).toEqual(e);
    expect(b.liveState()).toEqual([{ kind: 'delivery', id: 'd1', data: { n: 1 } }]);
    expect(await migrateDatabase(url)).toEqual([]);
  });

  it('commits concurrent appends together: far fewer transactions than requests; a full queue refuses at once', async () => {
    const url = await pg.createDatabase();
    const s = await opened(url);
    let commits = 0;
    s.onFsync(() => commits++);
    const events = Array.from({ length: 200 }, () => ev());
    const results = await Promise.all(events.map((e) => s.appendEvents([e], [{ kind: 'delivery', id: e.id, data: 1 }])));
    expect(results.map((r) => r[0])).toEqual(events.map((e) => ({ id: e.id })));
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThanOrEqual(5);
    expect(s.stats()).toMatchObject({ events: 200, queue_depth: 0 });
    expect((await s.listEvents({ limit: 500 })).items).toHaveLength(200);

    const small = await opened(url, { writeQueueMax: 10 });
    const settled = await Promise.allSettled(Array.from({ length: 20 }, () => small.appendEvents([ev()])));
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(settled.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof StoreOverloadedError)).toBe(true);
  });

  it('two instances on one database: each is told of the other\'s configuration, events and state', async () => {
    const url = await pg.createDatabase();
    const [a, b] = [await opened(url), await opened(url)];
    expect(a.shared).toBe(true);
    const ownChanges: StoreChange[] = [];
    a.onChange((c) => ownChanges.push(c));
    const config = nextChange(b, 'config');
    await a.updateConfig((d) => void (d.settings.banner = 'from a'));
    await config;
    expect(b.config().settings.banner).toBe('from a');
    // b changes it next: its change starts from a's (row locked, read fresh), nothing is lost.
    const back = nextChange(a, 'config');
    await b.updateConfig((d) => void (d.settings.other = 'from b'));
    await back;
    expect(a.config().settings).toMatchObject({ banner: 'from a', other: 'from b' });

    const events = [ev({ title: 'one' }), ev({ title: 'two' })];
    const told = nextChange(b, 'events');
    await a.appendEvents(events);
    expect((await told).summaries).toEqual(events.map(summaryOf));
    const state = nextChange(b, 'state');
    await a.appendState([{ kind: 'alert', id: 'al-1', data: 1 }, { kind: 'alert', id: 'al-2', data: 2 }]);
    expect(await state).toEqual({ type: 'state', kind: 'alert', ids: ['al-1', 'al-2'] });
    expect(await b.getState('alert', 'al-2')).toBe(2);
    // a was never told of its own writes.
    expect(ownChanges).toEqual([{ type: 'config' }]);
  });

  it('two instances appending the same dedup keys at once (in opposite orders): each key is stored once and every request names it', async () => {
    const url = await pg.createDatabase();
    const [a, b] = [await opened(url), await opened(url)];
    const keys = Array.from({ length: 40 }, (_, n) => `k${n}`);
    const batch = (order: string[]) => order.map((k) => ev({ dedup_key: k }));
    const rounds = await Promise.all([
      ...Array.from({ length: 5 }, () => a.appendEvents(batch(keys))),
      ...Array.from({ length: 5 }, () => b.appendEvents(batch([...keys].reverse()))),
    ]);
    const stored = new Map<string, string>();
    for (const r of rounds.flat()) if (!r.duplicate_of) stored.set(r.id, r.id);
    expect(stored.size).toBe(keys.length);
    for (const r of rounds.flat()) expect(stored.has(r.duplicate_of ?? r.id)).toBe(true);
    for (const k of keys) expect(stored.has((await a.duplicateOf('org-1', k))!)).toBe(true);
  });

  it('exclusive() runs one section at a time across instances for overlapping keys, whatever their order', async () => {
    const url = await pg.createDatabase();
    const [a, b] = [await opened(url), await opened(url)];
    const log: string[] = [];
    let entered!: () => void;
    const aIn = new Promise<void>((r) => (entered = r));
    const first = a.exclusive(['delivery:1', 'alert:9'], async () => {
      log.push('a in');
      entered();
      await sleep(300);
      log.push('a out');
      return 'a';
    });
    await aIn;
    const second = b.exclusive(['alert:9', 'other'], async () => {
      log.push('b in');
      return 'b';
    });
    // Disjoint keys do not wait.
    expect(await b.exclusive(['unrelated'], async () => (log.push('c'), 'c'))).toBe('c');
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
    expect(log).toEqual(['a in', 'c', 'a out', 'b in']);
    // A failing section releases its locks.
    await expect(a.exclusive(['alert:9'], async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await b.exclusive(['alert:9'], async () => 'free')).toBe('free');
    // Sections that use the store inside never starve it of connections, even more of them than the pool holds.
    const small = await opened(url, { poolSize: 2 });
    await small.appendState([{ kind: 'x', id: '1', data: 'one' }]);
    expect(await Promise.all(Array.from({ length: 4 }, (_, n) => small.exclusive([`k${n}`], () => small.getState('x', '1'))))).toEqual(['one', 'one', 'one', 'one']);
  });

  it('leases: records an instance appends are its own until its hold lapses; then another claims them', async () => {
    const url = await pg.createDatabase();
    const [a, b] = [await opened(url), await opened(url)];
    await a.appendState([{ kind: 'delivery', id: 'p1', data: 1 }, { kind: 'delivery', id: 'p2', data: 2 }, { kind: 'delivery', id: 'p3', data: 3 }]);
    expect(await b.claim('delivery', 60_000, 10)).toEqual([]);
    expect(await a.claim('delivery', 60_000, 10)).toEqual([]);
    // a keeps p1, lets p2 and p3 lapse (a renewal of 1 ms), and finishes p3.
    await a.renew('delivery', ['p1'], 60_000);
    await a.renew('delivery', ['p2', 'p3'], 1);
    await a.appendState([{ kind: 'delivery', id: 'p3', data: 'done', live: false }]);
    await sleep(50);
    expect(await b.claim('delivery', 60_000, 10)).toEqual([{ kind: 'delivery', id: 'p2', data: 2 }]);
    expect(await a.claim('delivery', 60_000, 10)).toEqual([]);
    // a stalled past its hold and writes p2 late: b keeps it, and a's renewal says p2 is gone.
    await a.appendState([{ kind: 'delivery', id: 'p2', data: 'late' }]);
    expect(await a.renew('delivery', ['p1', 'p2'], 60_000)).toEqual(['p1']);
    expect(await b.renew('delivery', ['p2'], 60_000)).toEqual(['p2']);
    // b's renewal of a record a holds changes nothing.
    expect(await b.renew('delivery', ['p1'], 1)).toEqual([]);
    await sleep(50);
    expect(await b.claim('delivery', 60_000, 10)).toEqual([]);
    // a stops: what it held is free at once.
    await a.close();
    expect(await b.claim('delivery', 60_000, 10)).toEqual([{ kind: 'delivery', id: 'p1', data: 1 }]);
  });

  it('retention by size deletes the oldest events a few rows per statement until the rest fits, and runs on its timer', async () => {
    const url = await pg.createDatabase();
    const s = await opened(url, { retentionBatchRows: 3 });
    const events = Array.from({ length: 20 }, () => ev({ raw: { pad: 'p'.repeat(500) } }));
    for (const e of events) await s.appendEvents([e], [{ kind: 'delivery', id: e.id, data: 'done', live: false }]);
    const before = s.stats().bytes;
    const each = before / 20;
    const report = await s.enforceRetention();
    expect(report).toEqual({ deleted_segments: [], deleted_events: 0, bytes_freed: 0 });
    await s.setRetention({ max_age_days: null, max_bytes: Math.floor(each * 7.5) });
    // 7 events fit: the 13 oldest went (more than one batch of 3), with the finished state written with them.
    const left = (await s.listEvents({ limit: 50 })).items.map((e) => e.id);
    expect(left).toEqual(events.slice(13).map((e) => e.id).reverse());
    expect(s.stats()).toMatchObject({ events: 7, bytes: Math.round(each * 7) });
    expect(await s.getState('delivery', events[12].id)).toBeUndefined();
    expect(await s.getState('delivery', events[13].id)).toBe('done');
    await s.close();

    const timed = await opened(url, { retentionIntervalMs: 50 });
    await timed.updateConfig((d) => void (d.settings.retention = { max_age_days: null, max_bytes: Math.floor(each * 2.5) }));
    while ((await timed.listEvents({ limit: 50 })).items.length > 2) await sleep(20);
    expect((await timed.listEvents({ limit: 50 })).items.map((e) => e.id)).toEqual(events.slice(18).map((e) => e.id).reverse());
  });

  it('two instances opening a fresh database at the same moment apply the migrations once', async () => {
    const url = await pg.createDatabase();
    const reports = await Promise.all([store(url).open(), store(url).open(), store(url).open()]);
    expect(reports.map((r) => r.migrations_applied).sort((x, y) => y.length - x.length)).toEqual([[1], [], []]);
    expect(await migrateDatabase(url)).toEqual([]);
    // `switchyard migrate` before the first start: the store then finds everything in place.
    const fresh = await pg.createDatabase();
    expect(await migrateDatabase(fresh)).toEqual([1]);
    const s = store(fresh);
    expect((await s.open()).migrations_applied).toEqual([]);
    expect(s.config().orgs).toEqual([]);
  });

  it('while the database is down appends fail with StoreUnavailableError; once it is back they succeed without reopening', async () => {
    const own = await startPostgres();
    try {
      const url = await own.createDatabase();
      const a = await opened(url);
      const b = await opened(url);
      await a.appendEvents([ev()]);
      await own.stop();
      await expect(a.appendEvents([ev()])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(a.appendState([{ kind: 'x', id: '1', data: 1 }])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(a.getEvent(randomUUID())).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(a.stats().queue_depth).toBe(0);
      await own.start();
      const e = ev();
      expect(await a.appendEvents([e])).toEqual([{ id: e.id }]);
      expect(await b.getEvent(e.id)).toEqual(e);
      // The notification connection came back too: b hears of a's next change.
      const told = nextChange(b, 'config');
      for (let i = 0; i < 50 && !(await Promise.race([told.then(() => true), sleep(200).then(() => false)])); i++) {
        await a.updateConfig((d) => void (d.settings.after = i));
      }
      await told;
      expect(typeof b.config().settings.after).toBe('number');
      await Promise.all(open.splice(0).map((s) => s.close()));
    } finally {
      await own.destroy();
    }
  });
});
