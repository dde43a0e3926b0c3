// State records over a real temp directory: live ones stay in memory and come back after a
// restart; finished ones leave memory and are read back from the log; keyed ones are listed
// newest first by filter and cursor; retention drops finished ones with their segment and
// carries live ones forward; the index snapshot gives back exactly what a full replay does.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createStore, type FileStoreOptions, type StateRecord, type Store } from '../../src-main/store';
import { CHUNK_ROWS } from '../../src-main/store/chunked';
import { StateIndex } from '../../src-main/store/state-index';
import { normalizedEvent } from '../helpers/ingest-fixtures';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose: stores } = useTempDirs<Store>('sy-state-');

async function openStore(opts: FileStoreOptions): Promise<Store> {
  const store = createStore({ retentionIntervalMs: 0, ...opts });
  stores.push(store);
  await store.open();
  return store;
}

interface Item { id: string; organization: string; status: string; dest: string; event: string; alert: string }

function item(over: Partial<Item> = {}): Item {
  return { id: randomUUID(), organization: 'org-a', status: 'pending', dest: 'd1', event: randomUUID(), alert: 'al-1', ...over };
}

function record(i: Item): StateRecord {
  return { kind: 'delivery', id: i.id, data: i, live: i.status === 'pending', keys: { organization: i.organization, status: i.status, group: i.dest, event_id: i.event, alert_id: i.alert } };
}

async function listAll(store: Store, filter: Parameters<Store['listState']>[1], limit = 3): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listState('delivery', filter, { cursor, limit });
    if (!page) throw new Error('unknown cursor');
    ids.push(...page.items.map((x) => (x as Item).id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return ids;
}

describe('state records: live and finished', () => {
  it('keeps only live records in liveState; finished ones are read back from disk, also after a restart with or without the snapshot', async () => {
    for (const snapshots of [true, false]) {
      const dir = await tempDir();
      const store = await openStore({ dataDir: dir, snapshots });
      const a = item();
      const b = item();
      await store.appendState([record(a), record(b)]);
      const doneA = { ...a, status: 'succeeded' };
      await store.appendState([record(doneA), { kind: 'payload', id: a.id, data: 'the body', live: false }]);
      expect(store.liveState().map((r) => r.id)).toEqual([b.id]);
      expect(await store.getState('delivery', a.id)).toEqual(doneA);
      expect(await store.getState('payload', a.id)).toBe('the body');
      expect(await store.getState('delivery', 'nope')).toBeUndefined();
      await store.close();
      const again = await openStore({ dataDir: dir, snapshots });
      expect(again.liveState()).toEqual([{ kind: 'delivery', id: b.id, data: b }]);
      expect(await again.getState('delivery', a.id)).toEqual(doneA);
      expect(await again.getState('payload', a.id)).toBe('the body');
      expect(await again.getState('delivery', b.id)).toEqual(b);
    }
  });

  it('lists keyed records (never one written without keys) newest first, by organization, status, group, event and alert, a page at a time; a foreign or unknown cursor is refused', async () => {
    const store = await openStore({ dataDir: await tempDir() });
    const items = Array.from({ length: 12 }, (_, n) => item({
      organization: n % 4 === 3 ? 'org-b' : 'org-a', status: n % 3 === 0 ? 'dead' : 'succeeded', dest: n % 2 ? 'd1' : 'd2', alert: `al-${n % 5}`,
    }));
    // A record written without keys (as an earlier version did) is listed by no filter.
    await store.appendState([{ kind: 'delivery', id: randomUUID(), data: item() }]);
    for (const i of items) await store.appendState([record(i)]);
    // An update keeps a record's place (first write) and changes what it is filtered by.
    await store.appendState([record({ ...items[1], status: 'dead' })]);
    items[1] = { ...items[1], status: 'dead' };
    const newestFirst = (pred: (i: Item) => boolean) => items.filter(pred).map((i) => i.id).reverse();
    expect(await listAll(store, { organization: 'org-a' })).toEqual(newestFirst((i) => i.organization === 'org-a'));
    expect(await listAll(store, { organization: 'org-a', status: 'dead' })).toEqual(newestFirst((i) => i.organization === 'org-a' && i.status === 'dead'));
    expect(await listAll(store, { organization: 'org-a', group: 'd1' })).toEqual(newestFirst((i) => i.organization === 'org-a' && i.dest === 'd1'));
    expect(await listAll(store, { organization: 'org-a', alert_id: 'al-2' })).toEqual(newestFirst((i) => i.organization === 'org-a' && i.alert === 'al-2'));
    expect(await listAll(store, { event_id: items[5].event })).toEqual([items[5].id]);
    expect(await listAll(store, { organization: 'org-a', status: 'never' })).toEqual([]);
    expect(await store.listState('delivery', { organization: 'org-a' }, { cursor: items[3].id, limit: 5 })).toBeUndefined(); // org-b's record
    expect(await store.listState('delivery', { organization: 'org-a' }, { cursor: randomUUID(), limit: 5 })).toBeUndefined();
  });

  it('retention drops finished records with their segment and carries live ones forward', async () => {
    const dir = await tempDir();
    const T0 = Date.UTC(2026, 0, 1);
    let now = T0;
    const store = await openStore({ dataDir: dir, segmentMaxBytes: 2048, now: () => new Date(now) });
    const finished = item({ status: 'succeeded' });
    const live = item();
    await store.appendEvents([normalizedEvent({ id: randomUUID(), organization: 'org-a', received_at: new Date(T0).toISOString(), raw: { pad: 'p'.repeat(300) } })], [record(finished), record(live)]);
    for (let d = 1; d <= 10; d++) await store.appendEvents([normalizedEvent({ id: randomUUID(), organization: 'org-a', received_at: new Date(T0 + d * 86_400_000).toISOString(), raw: { pad: 'p'.repeat(300) } })]);
    now = T0 + 11 * 86_400_000;
    await store.setRetention({ max_age_days: 5, max_bytes: null });
    expect(await store.getState('delivery', finished.id)).toBeUndefined();
    expect(await store.getState('delivery', live.id)).toEqual(live);
    expect(await listAll(store, { organization: 'org-a' })).toEqual([live.id]);
    await store.close();
    const again = await openStore({ dataDir: dir, segmentMaxBytes: 2048, snapshots: false, now: () => new Date(now) });
    expect(again.liveState().map((r) => r.id)).toEqual([live.id]);
    expect(await listAll(again, { organization: 'org-a', alert_id: live.alert })).toEqual([live.id]);
    expect(await again.getState('delivery', finished.id)).toBeUndefined();
  });

  it('a start from the snapshot gives back the same records, pages and live data as a full replay', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    const items = Array.from({ length: 300 }, (_, n) => item({ status: n % 3 ? 'succeeded' : 'pending', organization: n % 2 ? 'org-a' : 'org-b', dest: `d${n % 4}` }));
    await store.appendState(items.map(record));
    await store.appendState([{ kind: 'notification', id: 'not-a-uuid', data: { x: 1 } }]);
    await store.close();
    const seen = async (s: Store) => ({
      live: s.liveState().sort((a, b) => a.id.localeCompare(b.id)),
      a: await listAll(s, { organization: 'org-a', status: 'succeeded' }, 50),
      b: await listAll(s, { organization: 'org-b', group: 'd2' }, 50),
      one: await s.getState('delivery', items[7].id),
    });
    const fromSnapshot = createStore({ dataDir: dir, retentionIntervalMs: 0 });
    stores.push(fromSnapshot);
    expect((await fromSnapshot.open()).snapshot).toBe('loaded');
    const viaSnapshot = await seen(fromSnapshot);
    await fromSnapshot.close();
    const replayed = await openStore({ dataDir: dir, snapshots: false });
    expect(viaSnapshot).toEqual(await seen(replayed));
    expect(viaSnapshot.live).toHaveLength(101);
  });

  it('finds cold records by lookup value in their organization, counts and filters them by time, keeps them out of memory, and retention carries them', async () => {
    const dir = await tempDir();
    const T0 = Date.UTC(2026, 0, 1);
    let now = T0;
    const opts = { dataDir: dir, segmentMaxBytes: 2048, now: () => new Date(now) };
    const store = await openStore(opts);
    const alert = (id: string, org: string, key: string, seen: number, status = 'open'): StateRecord => ({
      kind: 'alert', id, data: { id, org, key, status }, live: status === 'open', cold: true,
      keys: { organization: org, status, lookup: [`k:${key}`, `s:${id.slice(0, 8)}`], at: seen },
    });
    const [a1, a2, b1, r1] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await store.appendEvents([normalizedEvent({ id: randomUUID(), organization: 'org-a', received_at: new Date(T0).toISOString(), raw: { pad: 'p'.repeat(300) } })],
      [alert(a1, 'org-a', 'disk', T0), alert(b1, 'org-b', 'disk', T0), alert(r1, 'org-a', 'cpu', T0, 'resolved')]);
    await store.appendState([alert(a2, 'org-a', 'disk', T0 + 60_000)]);
    const seen = async (s: Store) => ({
      disk: await s.lookupState('alert', 'org-a', 'k:disk'),
      other: await s.lookupState('alert', 'org-b', 'k:disk'),
      short: await s.lookupState('alert', 'org-a', `s:${a2.slice(0, 8)}`),
      none: await s.lookupState('alert', 'org-c', 'k:disk'),
      open: await s.countState('alert', { organization: 'org-a', status: 'open' }),
      idle: (await s.listState('alert', { status: 'open', until: T0 + 59_000 }, { limit: 10 }))!.items,
      memory: s.liveState().length,
    });
    const expected = { disk: [a2, a1], other: [b1], short: [a2], none: [], open: 2, idle: [{ id: b1, org: 'org-b', key: 'disk', status: 'open' }, { id: a1, org: 'org-a', key: 'disk', status: 'open' }], memory: 0 };
    expect(await seen(store)).toEqual(expected);
    await store.close();
    // The same after a restart from the snapshot and from a full replay.
    const fromSnapshot = await openStore(opts);
    expect(await seen(fromSnapshot)).toEqual(expected);
    await fromSnapshot.close();
    const replayed = await openStore({ ...opts, snapshots: false });
    expect(await seen(replayed)).toEqual(expected);

    // Retention drops the first segment: the open (cold) records are carried, the resolved one goes.
    for (let d = 1; d <= 10; d++) await replayed.appendEvents([normalizedEvent({ id: randomUUID(), organization: 'org-a', received_at: new Date(T0 + d * 86_400_000).toISOString(), raw: { pad: 'p'.repeat(300) } })]);
    now = T0 + 11 * 86_400_000;
    await replayed.setRetention({ max_age_days: 5, max_bytes: null });
    expect(await replayed.getState('alert', r1)).toBeUndefined();
    expect(await seen(replayed)).toEqual(expected);
    await replayed.close();
    expect(await seen(await openStore({ ...opts, snapshots: false }))).toEqual(expected);
  });

  it('keeps a companion record (a payload) in the row of its host: read by id, after a restart, and carried by retention while the host is live', async () => {
    const dir = await tempDir();
    const T0 = Date.UTC(2026, 0, 1);
    let now = T0;
    const opts = { dataDir: dir, segmentMaxBytes: 2048, now: () => new Date(now) };
    const store = await openStore(opts);
    const pending = item();
    const done = item({ status: 'succeeded' });
    const payload = (i: Item): StateRecord => ({ kind: 'payload', id: i.id, data: `body of ${i.id}`, live: false, companionOf: 'delivery' });
    await store.appendEvents([normalizedEvent({ id: randomUUID(), organization: 'org-a', received_at: new Date(T0).toISOString(), raw: { pad: 'p'.repeat(300) } })],
      [record(pending), payload(pending), record(done), payload(done)]);
    // The pending delivery is updated later (its record moves to a newer segment; its payload stays).
    for (let d = 1; d <= 10; d++) await store.appendEvents([normalizedEvent({ id: randomUUID(), organization: 'org-a', received_at: new Date(T0 + d * 86_400_000).toISOString(), raw: { pad: 'p'.repeat(300) } })]);
    await store.appendState([record({ ...pending, alert: 'al-2' })]);
    const seen = async (s: Store) => [await s.getState('payload', pending.id), await s.getState('payload', done.id)];
    expect(await seen(store)).toEqual([`body of ${pending.id}`, `body of ${done.id}`]);
    // No index row of its own: the row of its host holds where it is.
    expect((store as unknown as { states: { size(kind: string): number } }).states.size('payload')).toBe(0);
    await store.close();
    const again = await openStore(opts);
    expect(await seen(again)).toEqual([`body of ${pending.id}`, `body of ${done.id}`]);
    await again.close();
    const replayed = await openStore({ ...opts, snapshots: false });
    expect(await seen(replayed)).toEqual([`body of ${pending.id}`, `body of ${done.id}`]);

    now = T0 + 11 * 86_400_000;
    await replayed.setRetention({ max_age_days: 5, max_bytes: null });
    // The live delivery's payload is carried; the finished one's went with its segment.
    expect(await seen(replayed)).toEqual([`body of ${pending.id}`, undefined]);
    await replayed.close();
    expect(await seen(await openStore({ ...opts, snapshots: false }))).toEqual([`body of ${pending.id}`, undefined]);
  });

  it('joins a patch record to the full version it extends: on read, in lists, after a restart, and whole when retention carries it', async () => {
    const dir = await tempDir();
    const T0 = Date.UTC(2026, 0, 1);
    let now = T0;
    const opts = { dataDir: dir, segmentMaxBytes: 2048, now: () => new Date(now) };
    const store = await openStore(opts);
    const id = randomUUID();
    const keys = { organization: 'org-a', status: 'open' };
    const full = (n: number, timeline: string[]): StateRecord => ({ kind: 'alert', id, data: { alert: { n, timeline } }, live: true, cold: true, keys });
    const patch = (n: number, tail: string[]): StateRecord => ({ ...full(n, tail), appendTo: 'alert.timeline' });
    const day = (d: number) => normalizedEvent({ id: randomUUID(), organization: 'org-a', received_at: new Date(T0 + d * 86_400_000).toISOString(), raw: { pad: 'p'.repeat(300) } });
    const first = day(0);
    await store.appendEvents([first], [full(1, ['a'])]);
    // The patches land in later segments than the full version.
    for (let d = 1; d <= 7; d++) await store.appendEvents([day(d)]);
    await store.appendState([patch(2, ['b'])]);
    await store.appendState([patch(3, ['b', 'c'])]);
    const seen = async (s: Store) => [await s.getState('alert', id), (await s.listState('alert', { organization: 'org-a' }, { limit: 5 }))!.items];
    const joined = { alert: { n: 3, timeline: ['a', 'b', 'c'] } };
    expect(await seen(store)).toEqual([joined, [joined]]);
    await store.close();
    const again = await openStore(opts);
    expect(await seen(again)).toEqual([joined, [joined]]);
    await again.close();
    const replayed = await openStore({ ...opts, snapshots: false });
    expect(await seen(replayed)).toEqual([joined, [joined]]);
    // Retention drops the segment of the full version (not the patch's): the record is carried whole.
    for (let d = 8; d <= 10; d++) await replayed.appendEvents([day(d)]);
    now = T0 + 11 * 86_400_000;
    await replayed.setRetention({ max_age_days: 5, max_bytes: null });
    expect(await replayed.getEvent(first.id)).toBeUndefined(); // its segment, with the full version, is gone
    expect(await seen(replayed)).toEqual([joined, [joined]]);
    // A full version starts again: the next patch extends it.
    await replayed.appendState([full(4, ['x']), patch(5, ['y'])]);
    expect(await replayed.getState('alert', id)).toEqual({ alert: { n: 5, timeline: ['x', 'y'] } });
    await replayed.close();
    expect(await (await openStore({ ...opts, snapshots: false })).getState('alert', id)).toEqual({ alert: { n: 5, timeline: ['x', 'y'] } });
  });
});

describe('state index tables in chunks', () => {
  it('finds, filters and compacts rows across chunk edges; an image gives back the same table', () => {
    const index = new StateIndex();
    const n = CHUNK_ROWS * 2 + 500;
    const ids = Array.from({ length: n }, (_, i) => (i % 1000 === 0 ? `legacy:${i}` : randomUUID()));
    const at = (i: number) => ({ segment: 1 + Math.floor(i / 5000), offset: i * 10, length: 300 + (i % 7) });
    ids.forEach((id, i) => index.put('delivery', id, at(i), { organization: 'org', status: i % 3 ? 'succeeded' : 'dead', group: `dest-${i % 2}`, event_id: `e${i}` }, false, null));
    const check = (t: StateIndex, from: number) => {
      for (let i = from; i < n; i += 7) expect(t.find('delivery', ids[i])).toEqual({ location: at(i) });
      expect(t.count('delivery', { organization: 'org', event_id: `e${n - 1}` })).toBe(1);
      expect(t.count('delivery', { organization: 'org', status: 'dead' })).toBe(ids.filter((_, i) => i >= from && i % 3 === 0).length);
    };
    check(index, 0);
    // Retention drops segments 1–4 (20,000 rows: past the first chunk's edge); the rest move down.
    expect(index.dropSegmentsBelow(5)).toBe(20_000);
    for (const id of ids.slice(0, 20_000)) expect(index.has('delivery', id)).toBe(false);
    check(index, 20_000);
    const copy = StateIndex.fromImages(structuredClone(index.images()));
    check(copy, 20_000);
    copy.put('delivery', 'next', at(0), { organization: 'org', status: 'dead', event_id: 'e-next' }, false, null);
    expect(copy.count('delivery', { organization: 'org', event_id: 'e-next' })).toBe(1);
  });
});
