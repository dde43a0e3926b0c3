// What every Store must do the same, run against the file store (a temp directory) and the
// PostgreSQL store (a fresh database of a real cluster): events, search, dedup, state
// records, configuration, retention and stats. Store-specific promises have their own tests.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src-main/core/errors';
import type { NormalizedEvent } from '../../src-main/core/types';
import { createPgStore } from '../../src-main/store/pg';
import { createStore, type EventQuery, type StateRecord, type Store } from '../../src-main/store';
import { normalizedEvent } from '../helpers/ingest-fixtures';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

let pg: TestPostgres;
const dirs: string[] = [];
const open: Store[] = [];

beforeAll(async () => {
  pg = await startPostgres();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await pg?.destroy();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Where a store keeps its data, and how to open a store there (again). */
interface Place {
  open(now?: () => Date): Promise<Store>;
}

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sy-contract-'));
  dirs.push(d);
  return d;
}

async function opened(store: Store): Promise<Store> {
  open.push(store);
  await store.open();
  return store;
}

const kinds: [string, () => Promise<Place>][] = [
  ['file store', async () => {
    const dir = await tempDir();
    // Small segments: about one padded event per segment, so retention by age drops event by event.
    return { open: (now) => opened(createStore({ dataDir: dir, retentionIntervalMs: 0, segmentMaxBytes: 2048, ...(now ? { now } : {}) })) };
  }],
  ['PostgreSQL store', async () => {
    const [url, dir] = await Promise.all([pg.createDatabase(), tempDir()]);
    return { open: (now) => opened(createPgStore({ url, dataDir: dir, retentionIntervalMs: 0, ...(now ? { now } : {}) })) };
  }],
];

const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

async function allIds(store: Store, query: Omit<EventQuery, 'limit' | 'cursor'>, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listEvents({ ...query, limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((e) => e.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return ids;
}

describe.each(kinds)('%s', (_name, place) => {
  it('appends events and gives them back by id and in lists, with every filter, a page at a time without gap or repeat', async () => {
    const store = await (await place()).open();
    const events: NormalizedEvent[] = Array.from({ length: 23 }, (_, n) => normalizedEvent({
      id: randomUUID(), organization: n % 3 ? 'org-a' : 'org-b', dialect: n % 2 ? 'event' : 'alertmanager', source: `src-${n % 4}`,
      severity: n % 5 === 0 ? 'critical' : 'pending', status: n % 2 ? 'OPEN' : 'CLOSED', title: `event ${n}`, received_at: iso(T0 + n * 1000), raw: { n },
    }));
    // Several calls, some concurrent: the order of the list is the order of the commits.
    for (let n = 0; n < 10; n++) await store.appendEvents([events[n]]);
    await store.appendEvents(events.slice(10, 16));
    for (const e of events.slice(16)) await store.appendEvents([e]);
    const newest = (pred: (e: NormalizedEvent) => boolean) => events.filter(pred).map((e) => e.id).reverse();
    expect(await allIds(store, {}, 4)).toEqual(newest(() => true));
    expect(await allIds(store, { organization: 'org-a' }, 3)).toEqual(newest((e) => e.organization === 'org-a'));
    expect(await allIds(store, { dialect: 'alertmanager' }, 5)).toEqual(newest((e) => e.dialect === 'alertmanager'));
    expect(await allIds(store, { source: 'src-1' }, 2)).toEqual(newest((e) => e.source === 'src-1'));
    expect(await allIds(store, { severity: 'critical' }, 2)).toEqual(newest((e) => e.severity === 'critical'));
    expect(await allIds(store, { status: 'CLOSED', organization: 'org-b' }, 2)).toEqual(newest((e) => e.status === 'CLOSED' && e.organization === 'org-b'));
    expect(await allIds(store, { organization: 'org-none' }, 2)).toEqual([]);
    const page = await store.listEvents({ limit: 1 });
    const e22 = events[22];
    expect(page.items).toEqual([{ id: e22.id, organization: e22.organization, source: e22.source, source_name: e22.source_name, dialect: e22.dialect, received_at: e22.received_at, title: e22.title, severity: e22.severity, status: e22.status, priority: e22.priority, alert_id: e22.alert_id }]);
    expect(await store.getEvent(events[7].id)).toEqual(events[7]);
    expect(await store.getEvent(randomUUID())).toBeUndefined();
    await expect(store.listEvents({ limit: 5, cursor: 'not a cursor' })).rejects.toBeInstanceOf(ValidationError);
    expect(store.stats()).toMatchObject({ events: 23, queue_depth: 0 });
  });

  it('finds events by a case-insensitive substring of anything stored, wildcard characters taken literally', async () => {
    const store = await (await place()).open();
    const disk = normalizedEvent({ id: randomUUID(), title: 'Disk FULL on host-7', raw: { note: 'ignored' } });
    const quoted = normalizedEvent({ id: randomUUID(), raw: { message: 'they say "hi" at 100%' } });
    const other = normalizedEvent({ id: randomUUID(), title: 'abc', raw: { kind: 'plain' } });
    await store.appendEvents([disk, quoted, other]);
    const search = async (text: string, q: Partial<EventQuery> = {}) => (await store.listEvents({ text, limit: 50, ...q })).items.map((e) => e.id);
    expect(await search('disk full')).toEqual([disk.id]);
    expect(await search('HOST-7')).toEqual([disk.id]);
    expect(await search('say "hi"')).toEqual([quoted.id]);
    expect(await search('100%')).toEqual([quoted.id]);
    expect(await search('a_c')).toEqual([]);
    expect(await search('%')).toEqual([quoted.id]);
    expect(await search('plain')).toEqual([other.id]);
    expect(await search('disk', { organization: 'org-other' })).toEqual([]);
  });

  it('deduplicates by organization and dedup key, sequentially, concurrently and within one call; an id already taken is a conflict', async () => {
    const store = await (await place()).open();
    const ev = (org: string, key: string | null) => normalizedEvent({ id: randomUUID(), organization: org, dedup_key: key });
    const first = ev('org-a', 'k1');
    expect(await store.appendEvents([first])).toEqual([{ id: first.id }]);
    const again = ev('org-a', 'k1');
    expect(await store.appendEvents([again])).toEqual([{ id: again.id, duplicate_of: first.id }]);
    const otherOrg = ev('org-b', 'k1');
    expect(await store.appendEvents([otherOrg])).toEqual([{ id: otherOrg.id }]);
    // Twins at once: exactly one is stored, the other names it.
    const [t1, t2] = [ev('org-a', 'k2'), ev('org-a', 'k2')];
    const [r1, r2] = await Promise.all([store.appendEvents([t1]), store.appendEvents([t2])]);
    const stored = [r1[0], r2[0]].filter((r) => !r.duplicate_of);
    expect(stored).toHaveLength(1);
    expect([r1[0], r2[0]].find((r) => r.duplicate_of)?.duplicate_of).toBe(stored[0].id);
    const [b1, b2] = [ev('org-a', 'k3'), ev('org-a', 'k3')];
    expect(await store.appendEvents([b1, b2])).toEqual([{ id: b1.id }, { id: b2.id, duplicate_of: b1.id }]);
    expect(await store.duplicateOf('org-a', 'k1')).toBe(first.id);
    expect(await store.duplicateOf('org-a', 'nope')).toBeUndefined();
    expect(await store.duplicateOf('org-a', null)).toBeUndefined();
    // Events without a key are never duplicates.
    const [n1, n2] = [ev('org-a', null), ev('org-a', null)];
    expect(await store.appendEvents([n1, n2])).toEqual([{ id: n1.id }, { id: n2.id }]);
    const reused = normalizedEvent({ id: first.id, organization: 'org-a', title: 'another', dedup_key: 'k9' });
    expect(await store.appendEvents([reused])).toEqual([{ id: first.id, id_conflict: true }]);
    expect((await store.getEvent(first.id))?.title).toBe(first.title);
    expect(await store.duplicateOf('org-a', 'k9')).toBeUndefined();
    // A duplicate-only call writes none of the state riding with it.
    await store.appendEvents([ev('org-a', 'k1')], [{ kind: 'note', id: 'n1', data: 1 }]);
    expect(await store.getState('note', 'n1')).toBeUndefined();
    expect(store.stats().events).toBe(6);
  });

  it('keeps state records: live, cold and finished; keyed lists newest first with cursor; counts; lookups; companions; patches joined on read; all after a reopen', async () => {
    const where = await place();
    const store = await where.open();
    const item = (n: number, over: Record<string, unknown> = {}) => ({ id: `d-${n}`, org: n % 3 === 2 ? 'org-b' : 'org-a', status: n % 2 ? 'succeeded' : 'pending', dest: `dest-${n % 2}`, alert: `al-${n % 3}`, ...over });
    const delivery = (i: ReturnType<typeof item>): StateRecord => ({
      kind: 'delivery', id: i.id, data: i, live: i.status === 'pending',
      keys: { organization: i.org, status: i.status, group: i.dest, event_id: `ev-${i.id}`, alert_id: i.alert, at: T0 + Number(i.id.slice(2)) * 60_000 },
    });
    const items = Array.from({ length: 9 }, (_, n) => item(n));
    await store.appendEvents([normalizedEvent({ id: randomUUID() })], items.slice(0, 4).map(delivery));
    await store.appendState(items.slice(4).map(delivery));
    // An update keeps the record's place (first write) and changes what it is found by.
    const moved = { ...items[2], status: 'succeeded' };
    items[2] = moved;
    await store.appendState([delivery(moved)]);
    const payload = (i: { id: string }): StateRecord => ({ kind: 'payload', id: i.id, data: `body of ${i.id}`, live: false, companionOf: 'delivery' });
    await store.appendState([payload(items[0]), payload(items[1])]);
    const alertId = randomUUID();
    const alertKeys = { organization: 'org-a', status: 'open', lookup: ['k:disk', `s:${alertId.slice(0, 8)}`], at: T0 };
    await store.appendState([
      { kind: 'alert', id: alertId, data: { alert: { n: 1, timeline: ['a'] } }, live: true, cold: true, keys: alertKeys },
      { kind: 'alert', id: 'al-2', data: { alert: { n: 1, timeline: [] } }, live: true, cold: true, keys: { ...alertKeys, lookup: ['k:disk'], at: T0 + 120_000 } },
    ]);
    await store.appendState([{ kind: 'alert', id: alertId, data: { alert: { n: 2, timeline: ['b'] } }, live: true, cold: true, appendTo: 'alert.timeline', keys: alertKeys }]);
    await store.appendState([{ kind: 'alert', id: alertId, data: { alert: { n: 3, timeline: ['b', 'c'] } }, live: true, cold: true, appendTo: 'alert.timeline', keys: alertKeys }]);

    const listAll = async (s: Store, kind: string, filter: Parameters<Store['listState']>[1], limit = 2) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await s.listState(kind, filter, { cursor, limit });
        if (!page) throw new Error('unknown cursor');
        ids.push(...page.items.map((x) => (x as { id?: string; alert?: unknown }).id ?? JSON.stringify(x)));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return ids;
    };
    const newest = (pred: (i: ReturnType<typeof item>) => boolean) => items.filter(pred).map((i) => i.id).reverse();
    const seen = async (s: Store) => ({
      live: s.liveState().map((r) => r.id).sort(),
      one: await s.getState('delivery', 'd-2'),
      unknown: await s.getState('delivery', 'd-99'),
      orgA: await listAll(s, 'delivery', { organization: 'org-a' }),
      pending: await listAll(s, 'delivery', { organization: 'org-a', status: 'pending' }),
      group: await listAll(s, 'delivery', { group: 'dest-1' }, 3),
      alert: await listAll(s, 'delivery', { alert_id: 'al-1' }),
      event: await listAll(s, 'delivery', { event_id: 'ev-d-5' }),
      until: await listAll(s, 'delivery', { until: T0 + 3 * 60_000 + 999 }),
      foreignCursor: await s.listState('delivery', { organization: 'org-a' }, { cursor: 'd-2', limit: 2 }),
      unknownCursor: await s.listState('delivery', {}, { cursor: 'd-99', limit: 2 }),
      count: await s.countState('delivery', { organization: 'org-a', status: 'succeeded' }),
      countAll: await s.countState('delivery', {}),
      disk: await s.lookupState('alert', 'org-a', 'k:disk'),
      short: await s.lookupState('alert', 'org-a', `s:${alertId.slice(0, 8)}`),
      otherOrg: await s.lookupState('alert', 'org-b', 'k:disk'),
      payloads: [await s.getState('payload', 'd-0'), await s.getState('payload', 'd-1'), await s.getState('payload', 'd-2')],
      joined: await s.getState('alert', alertId),
      alerts: (await s.listState('alert', { organization: 'org-a' }, { limit: 5 }))!.items,
      idle: await s.countState('alert', { status: 'open', until: T0 + 60_000 }),
    });
    const joined = { alert: { n: 3, timeline: ['a', 'b', 'c'] } };
    const expected = {
      live: items.filter((i) => i.status === 'pending').map((i) => i.id).sort(),
      one: moved,
      unknown: undefined,
      orgA: newest((i) => i.org === 'org-a'),
      pending: newest((i) => i.org === 'org-a' && i.status === 'pending'),
      group: newest((i) => i.dest === 'dest-1'),
      alert: newest((i) => i.alert === 'al-1'),
      event: ['d-5'],
      until: ['d-3', 'd-2', 'd-1', 'd-0'],
      foreignCursor: undefined,
      unknownCursor: undefined,
      count: items.filter((i) => i.org === 'org-a' && i.status === 'succeeded').length,
      countAll: 9,
      disk: ['al-2', alertId],
      short: [alertId],
      otherOrg: [],
      payloads: ['body of d-0', 'body of d-1', undefined],
      joined,
      alerts: [{ alert: { n: 1, timeline: [] } }, joined],
      idle: 1,
    };
    expect(await seen(store)).toEqual(expected);
    await store.close();
    const again = await where.open();
    expect(await seen(again)).toEqual(expected);
    // A full version starts again: the next patch extends it.
    await again.appendState([
      { kind: 'alert', id: alertId, data: { alert: { n: 4, timeline: ['x'] } }, live: true, cold: true, keys: alertKeys },
      { kind: 'alert', id: alertId, data: { alert: { n: 5, timeline: ['y'] } }, live: true, cold: true, appendTo: 'alert.timeline', keys: alertKeys },
    ]);
    expect(await again.getState('alert', alertId)).toEqual({ alert: { n: 5, timeline: ['x', 'y'] } });
    // Finishing a live record takes it out of liveState.
    await again.appendState([delivery({ ...items[0], status: 'succeeded' })]);
    expect(again.liveState().map((r) => r.id)).not.toContain('d-0');
  });

  it('hands each live record of a kind out once to claim after a restart', async () => {
    const where = await place();
    const store = await where.open();
    await store.appendState([
      { kind: 'delivery', id: 'p1', data: { n: 1 } },
      { kind: 'delivery', id: 'p2', data: { n: 2 } },
      { kind: 'delivery', id: 'done', data: { n: 3 }, live: false },
      { kind: 'alert', id: 'a1', data: { n: 4 } },
    ]);
    await store.close();
    const again = await where.open();
    const first = await again.claim('delivery', 60_000, 1);
    const rest = await again.claim('delivery', 60_000, 10);
    expect([...first, ...rest]).toEqual([{ kind: 'delivery', id: 'p1', data: { n: 1 } }, { kind: 'delivery', id: 'p2', data: { n: 2 } }]);
    expect(await again.claim('delivery', 60_000, 10)).toEqual([]);
    await again.renew('delivery', ['p1'], 60_000);
  });

  it('keeps configuration changes across a reopen; a mutation that throws changes nothing', async () => {
    const where = await place();
    const store = await where.open();
    expect(store.config().orgs).toEqual([]);
    const got = await store.updateConfig((d) => {
      d.settings.banner = 'hello';
      return 42;
    });
    expect(got).toBe(42);
    await expect(store.updateConfig((d) => {
      d.settings.banner = 'lost';
      throw new Error('refused');
    })).rejects.toThrow('refused');
    expect(store.config().settings.banner).toBe('hello');
    // Serialized: concurrent updates all land.
    await Promise.all(Array.from({ length: 5 }, (_, n) => store.updateConfig((d) => void ((d.settings as Record<string, unknown>)[`k${n}`] = n))));
    await store.close();
    const again = await where.open();
    expect(again.config().settings).toMatchObject({ banner: 'hello', k0: 0, k4: 4 });
    expect(again.retention()).toEqual({ max_age_days: null, max_bytes: null });
  });

  it('retention deletes events older than max_age_days with the finished state written before them; live and cold records stay', async () => {
    let now = T0;
    const store = await (await place()).open(() => new Date(now));
    const day = (d: number) => normalizedEvent({ id: randomUUID(), received_at: iso(T0 + d * 86_400_000), raw: { pad: 'p'.repeat(2100) } });
    const days = Array.from({ length: 11 }, (_, d) => day(d));
    await store.appendEvents([days[0]], [
      { kind: 'delivery', id: 'finished', data: 'f', live: false, keys: { organization: 'org-1', status: 'succeeded' } },
      { kind: 'delivery', id: 'live', data: 'l', keys: { organization: 'org-1', status: 'pending' } },
      { kind: 'payload', id: 'live', data: 'body', live: false, companionOf: 'delivery' },
      { kind: 'alert', id: 'cold', data: 'c', cold: true, keys: { organization: 'org-1', status: 'open', lookup: ['k:x'] } },
    ]);
    for (const e of days.slice(1)) await store.appendEvents([e]);
    expect(await store.enforceRetention()).toMatchObject({ deleted_events: 0 });
    now = T0 + 11 * 86_400_000;
    await store.setRetention({ max_age_days: 5.5, max_bytes: null });
    expect(store.retention()).toEqual({ max_age_days: 5.5, max_bytes: null });
    const present = await Promise.all(days.map(async (e) => (await store.getEvent(e.id)) !== undefined));
    expect(present).toEqual([false, false, false, false, false, false, true, true, true, true, true]);
    expect((await store.listEvents({ limit: 50 })).items.map((e) => e.id)).toEqual(days.slice(6).map((e) => e.id).reverse());
    expect(store.stats().events).toBe(5);
    expect(await store.getState('delivery', 'finished')).toBeUndefined();
    expect(await store.getState('delivery', 'live')).toBe('l');
    expect(await store.getState('payload', 'live')).toBe('body');
    expect(await store.getState('alert', 'cold')).toBe('c');
    expect(await store.lookupState('alert', 'org-1', 'k:x')).toEqual(['cold']);
    expect(await store.countState('delivery', { organization: 'org-1' })).toBe(1);
    const again = await store.enforceRetention();
    expect(again.deleted_events).toBe(0);
  });
});
