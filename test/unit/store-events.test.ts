// The durable event store over a real temp directory, with the fs layer wrapped so
// fsyncs and written bytes can be counted and a full disk can be simulated.
import { appendFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src-main/core/errors';
import type { NormalizedEvent } from '../../src-main/core/types';
import { PAGE_SIZE_MAX } from '../../src-main/limits';
import { createStore, StoreOverloadedError, StoreUnavailableError, type FileStoreOptions, type Store, type StoreFs } from '../../src-main/store';
import { nodeStoreFs } from '../../src-main/store/store-fs';
import { normalizedEvent, requestMeta } from '../helpers/ingest-fixtures';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose: stores } = useTempDirs<Store>('sy-store-');

async function openStore(opts: FileStoreOptions): Promise<Store> {
  // Plain segments: some tests read segment files by name (compression has its own tests).
  const store = createStore({ compressSealed: false, ...opts });
  stores.push(store);
  await store.open();
  return store;
}

/** Counts what reaches the disk; can make writes fail halfway (a full disk) or hold fsyncs. */
function probeFs() {
  const probe = {
    writes: [] as number[],
    datasyncs: 0,
    reads: 0,
    failWrites: false,
    failSyncs: false,
    /** While set, datasync waits for it (a slow disk); `syncEntered` fires when one starts. */
    syncGate: null as Promise<void> | null,
    syncEntered: () => {},
    fs: null as unknown as StoreFs,
  };
  probe.fs = {
    mkdir: nodeStoreFs.mkdir,
    readdir: nodeStoreFs.readdir,
    async open(path, flags, mode) {
      const f = await nodeStoreFs.open(path, flags, mode);
      return {
        async write(buf, offset, length, position) {
          if (probe.failWrites) {
            // Half the bytes land, then the disk is full: a torn record on disk.
            await f.write(buf, offset, Math.floor(length / 2), position);
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          }
          probe.writes.push(length);
          return f.write(buf, offset, length, position);
        },
        async datasync() {
          probe.datasyncs++;
          probe.syncEntered();
          if (probe.syncGate) await probe.syncGate;
          if (probe.failSyncs) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
          return f.datasync();
        },
        read(buf, offset, length, position) {
          probe.reads++;
          return f.read(buf, offset, length, position);
        },
        sync: () => f.sync(),
        truncate: (len) => f.truncate(len),
        close: () => f.close(),
      };
    },
  };
  return probe;
}

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

let counter = 0;
function makeEvent(over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  const n = ++counter;
  return normalizedEvent({
    id: `evt-${String(n).padStart(8, '0')}`,
    organization: 'org-a',
    source: 'generic',
    source_name: 'generic',
    dialect: 'generic',
    received_at: new Date(Date.UTC(2025, 0, 1, 0, 0, n % 60)).toISOString(),
    occurred_at: '2025-01-01T00:00:00.000Z',
    title: `event ${n}`,
    body: 'cmd.exe spawned from Excel.exe — ünïcödé ✓',
    severity: 'high',
    level: 'ERROR',
    tags: ['endpoint'],
    annotations: { nested: { deep: [1, 2, { x: 'y' }] } },
    indicators: [{ type: 'ip', value: '10.0.0.42', found_by: ['explicit'] }],
    raw: { title: `event ${n}`, line: 'a\nb', quote: '"', n },
    request: requestMeta({ path: '/v1/ingest/generic', user_agent: 'test', content_length: 10, key_id: 'k1' }),
    ...over,
  });
}

const lineBytes = (e: NormalizedEvent) => Buffer.byteLength(`${JSON.stringify(e)}\n`);

async function segmentFiles(dir: string): Promise<string[]> {
  const events = join(dir, 'events');
  return (await readdir(events)).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(events, f));
}

describe('event store: durability', () => {
  it('keeps every appended event, identical, across close and reopen', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    const events = Array.from({ length: 50 }, () => makeEvent());
    for (let i = 0; i < events.length; i += 10) await store.appendEvents(events.slice(i, i + 10));
    const before = await store.listEvents({ limit: 100 });
    await store.close();

    const again = await openStore({ dataDir: dir });
    expect(again.stats().events).toBe(50);
    for (const e of events) expect(await again.getEvent(e.id)).toEqual(e);
    expect(await again.listEvents({ limit: 100 })).toEqual(before);
    expect(before.items[0].id).toBe(events[49].id);
  });

  it('shows every title in pages, also those past the titles kept in memory (read from their events), across restarts', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir, titlesKept: 3 });
    const events = Array.from({ length: 12 }, (_, i) => makeEvent({ title: i % 2 ? `shared ${i % 4}` : `unique ${i}` }));
    await store.appendEvents(events);
    const titles = (items: { title: string }[]) => items.map((e) => e.title);
    const expected = events.map((e) => e.title).reverse();
    expect(titles((await store.listEvents({ limit: 100 })).items)).toEqual(expected);
    await store.close();
    expect(titles((await (await openStore({ dataDir: dir, titlesKept: 3 })).listEvents({ limit: 100 })).items)).toEqual(expected);
    expect(titles((await (await openStore({ dataDir: dir, titlesKept: 3, snapshots: false })).listEvents({ limit: 100 })).items)).toEqual(expected);
  });

  it('creates the data directory private to its owner', async () => {
    const dir = join(await tempDir(), 'nested', 'data');
    await openStore({ dataDir: dir });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'events'))).mode & 0o777).toBe(0o700);
  });

  it('discards a torn last line on open, counts it, truncates the file, and appends cleanly after it', async () => {
    for (const garbage of ['{"schema_version":1,"id":"torn-half-writ', 'garbage without newline', '{"not":"closed"\n']) {
      const dir = await tempDir();
      const first = await openStore({ dataDir: dir });
      const kept = [makeEvent(), makeEvent(), makeEvent()];
      await first.appendEvents(kept);
      await first.close();
      const [segment] = await segmentFiles(dir);
      const cleanSize = (await stat(segment)).size;
      await appendFile(segment, garbage);

      const second = createStore({ dataDir: dir, compressSealed: false });
      stores.push(second);
      expect(await second.open()).toMatchObject({ events: 3, torn_lines_discarded: 1, corrupt_lines_skipped: 0 });
      expect((await stat(segment)).size).toBe(cleanSize);
      const after = makeEvent();
      await second.appendEvents([after]);
      await second.close();

      expect((await readFile(segment, 'utf8')).split('\n').slice(-2)).toEqual([JSON.stringify(after), '']);
      const third = createStore({ dataDir: dir, compressSealed: false });
      stores.push(third);
      expect(await third.open()).toMatchObject({ events: 4, torn_lines_discarded: 0 });
      expect(await third.getEvent(after.id)).toEqual(after);
    }
  });

  it('skips an unreadable line in the middle of a segment without losing the lines around it', async () => {
    const dir = await tempDir();
    const [a, b] = [makeEvent(), makeEvent()];
    await openStore({ dataDir: dir }).then((s) => s.close());
    const [segment] = await segmentFiles(dir);
    await writeFile(segment, `${JSON.stringify(a)}\nnot json at all\n[1,2]\n${JSON.stringify({ no: 'id' })}\n${JSON.stringify(b)}\n`);
    const size = (await stat(segment)).size;

    const store = createStore({ dataDir: dir, compressSealed: false });
    stores.push(store);
    expect(await store.open()).toMatchObject({ events: 2, torn_lines_discarded: 0, corrupt_lines_skipped: 3 });
    expect((await stat(segment)).size).toBe(size);
    expect(await store.getEvent(a.id)).toEqual(a);
    expect(await store.getEvent(b.id)).toEqual(b);
  });

  it('rotates to a new segment above the size limit and reads from old segments after reopen', async () => {
    const dir = await tempDir();
    const segmentMaxBytes = 4096;
    const store = await openStore({ dataDir: dir, segmentMaxBytes });
    const events = Array.from({ length: 60 }, () => makeEvent());
    for (let i = 0; i < events.length; i += 3) await store.appendEvents(events.slice(i, i + 3));
    await store.close();

    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(5);
    expect(files[0]).toMatch(/000001\.jsonl$/);
    let total = 0;
    for (const f of files) {
      const size = (await stat(f)).size;
      expect(size).toBeLessThanOrEqual(segmentMaxBytes);
      total += size;
    }

    const again = await openStore({ dataDir: dir, segmentMaxBytes });
    expect(again.stats()).toMatchObject({ events: 60, segments: files.length, bytes: total });
    for (const e of [...events].reverse()) expect(await again.getEvent(e.id)).toEqual(e);
  });

  it('close waits for commits in flight, is idempotent, and later appends are refused', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir, commitDelayMs: 10_000 });
    const e = makeEvent();
    const pending = store.appendEvents([e]);
    await Promise.all([store.close(), store.close()]);
    expect(await pending).toEqual([{ id: e.id }]);
    await expect(store.appendEvents([makeEvent()])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.updateConfig(() => 1)).rejects.toBeInstanceOf(StoreUnavailableError);

    const again = await openStore({ dataDir: dir });
    expect(await again.getEvent(e.id)).toEqual(e);
  });
});

describe('event store: group commit and write cost', () => {
  it('commits 200 concurrent appends with far fewer fsyncs than appends', async () => {
    const probe = probeFs();
    const store = await openStore({ dataDir: await tempDir(), fs: probe.fs });
    const fsyncs: number[] = [];
    store.onFsync((s) => fsyncs.push(s));
    probe.datasyncs = 0;
    const events = Array.from({ length: 200 }, () => makeEvent());
    const results = await Promise.all(events.map((e) => store.appendEvents([e])));
    expect(results.map((r) => r[0].id)).toEqual(events.map((e) => e.id));
    expect(probe.datasyncs).toBeGreaterThanOrEqual(1);
    expect(probe.datasyncs).toBeLessThanOrEqual(5);
    expect(fsyncs).toHaveLength(probe.datasyncs);
    expect(fsyncs.every((s) => s >= 0)).toBe(true);
    expect(store.stats()).toMatchObject({ events: 200, queue_depth: 0 });
  });

  it('appends arriving during a commit join the next batch and resolve only after their own fsync', async () => {
    const probe = probeFs();
    const store = await openStore({ dataDir: await tempDir(), fs: probe.fs });
    probe.datasyncs = 0;
    const slow = gate();
    probe.syncGate = slow.promise;
    const entered = new Promise<void>((r) => (probe.syncEntered = r));
    const resolved: string[] = [];
    const first = Array.from({ length: 100 }, () => makeEvent());
    const firstDone = Promise.all(first.map((e) => store.appendEvents([e]).then(() => resolved.push('first'))));
    await entered;
    expect(probe.datasyncs).toBe(1);
    probe.syncGate = null;
    const second = Array.from({ length: 100 }, () => makeEvent());
    const secondDone = Promise.all(second.map((e) => store.appendEvents([e]).then(() => resolved.push('second'))));
    expect(store.stats().queue_depth).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    expect(resolved).toEqual([]); // the first fsync has not returned: nobody is acknowledged
    slow.open();
    await Promise.all([firstDone, secondDone]);
    expect(probe.datasyncs).toBe(2);
    expect(resolved.slice(0, 100).every((r) => r === 'first')).toBe(true);
    expect(resolved.slice(100).every((r) => r === 'second')).toBe(true);
  });

  it('with commitDelayMs, appends from separate turns of the event loop share one fsync', async () => {
    const probe = probeFs();
    const store = await openStore({ dataDir: await tempDir(), fs: probe.fs, commitDelayMs: 200 });
    probe.datasyncs = 0;
    const a = store.appendEvents([makeEvent()]);
    await new Promise((r) => setImmediate(r));
    const b = store.appendEvents([makeEvent()]);
    await Promise.all([a, b]);
    expect(probe.datasyncs).toBe(1);
  });

  it('writes only the new record per append, however many events are already stored', async () => {
    const probe = probeFs();
    const store = await openStore({ dataDir: await tempDir(), fs: probe.fs });
    const costOfOne = async () => {
      const e = makeEvent();
      probe.writes = [];
      probe.reads = 0;
      await store.appendEvents([e]);
      return { bytes: probe.writes.reduce((a, b) => a + b, 0), calls: probe.writes.length, reads: probe.reads, own: lineBytes(e) };
    };
    const small = await costOfOne();
    for (let i = 0; i < 20; i++) await store.appendEvents(Array.from({ length: 150 }, () => makeEvent()));
    expect(store.stats().events).toBe(3001);
    const large = await costOfOne();
    for (const cost of [small, large]) expect(cost).toEqual({ bytes: cost.own, calls: 1, reads: 0, own: cost.own });
  });
});

describe('event store: failures and back-pressure', () => {
  it('refuses appends beyond the write queue with StoreOverloadedError', async () => {
    const store = await openStore({ dataDir: await tempDir(), writeQueueMax: 10 });
    const first = store.appendEvents(Array.from({ length: 8 }, () => makeEvent()));
    await expect(store.appendEvents([makeEvent(), makeEvent(), makeEvent()])).rejects.toBeInstanceOf(StoreOverloadedError);
    await expect(store.appendEvents(Array.from({ length: 11 }, () => makeEvent()))).rejects.toBeInstanceOf(StoreOverloadedError);
    const fits = store.appendEvents([makeEvent(), makeEvent()]);
    await Promise.all([first, fits]);
    expect(store.stats()).toMatchObject({ events: 10, queue_depth: 0 });
    await store.appendEvents(Array.from({ length: 10 }, () => makeEvent()));
    expect(store.stats().events).toBe(20);
  });

  for (const failure of ['write', 'fsync'] as const) {
    it(`a failing ${failure} rejects the whole batch with StoreUnavailableError, leaves no trace, then recovers`, async () => {
      const dir = await tempDir();
      const probe = probeFs();
      const store = await openStore({ dataDir: dir, fs: probe.fs });
      const good = makeEvent();
      await store.appendEvents([good]);
      const [segment] = await segmentFiles(dir);
      const sizeBefore = (await stat(segment)).size;

      if (failure === 'write') probe.failWrites = true;
      else probe.failSyncs = true;
      const lost = [makeEvent({ dedup_key: 'instance:lost' }), makeEvent()];
      const calls = [store.appendEvents([lost[0]]), store.appendEvents([lost[1]]), store.appendEvents([makeEvent({ dedup_key: 'instance:lost' })])];
      for (const c of calls) await expect(c).rejects.toBeInstanceOf(StoreUnavailableError);
      expect((await stat(segment)).size).toBe(sizeBefore);
      expect(await store.getEvent(lost[0].id)).toBeUndefined();
      expect((await store.listEvents({ limit: 10 })).items.map((i) => i.id)).toEqual([good.id]);
      expect(store.stats()).toMatchObject({ events: 1, queue_depth: 0, bytes: sizeBefore });

      probe.failWrites = probe.failSyncs = false;
      const retried = await store.appendEvents(lost);
      expect(retried).toEqual([{ id: lost[0].id }, { id: lost[1].id }]);
      await store.close();
      const again = createStore({ dataDir: dir, compressSealed: false });
      stores.push(again);
      expect(await again.open()).toMatchObject({ events: 3, torn_lines_discarded: 0, corrupt_lines_skipped: 0 });
      expect(await again.getEvent(lost[0].id)).toEqual(lost[0]);
    });
  }
});

describe('event store: dedup and id conflicts', () => {
  it('does not write an event whose (organization, dedup_key) is already stored', async () => {
    const store = await openStore({ dataDir: await tempDir() });
    const original = makeEvent({ dedup_key: 'instance:abc' });
    await store.appendEvents([original]);
    const retry = makeEvent({ dedup_key: 'instance:abc' });
    expect(await store.appendEvents([retry])).toEqual([{ id: retry.id, duplicate_of: original.id }]);
    const otherOrg = makeEvent({ organization: 'org-b', dedup_key: 'instance:abc' });
    expect(await store.appendEvents([otherOrg])).toEqual([{ id: otherOrg.id }]);
    expect(await store.getEvent(retry.id)).toBeUndefined();
    expect(store.stats().events).toBe(2);
  });

  it('dedups against pending events of concurrent calls and within one call', async () => {
    const store = await openStore({ dataDir: await tempDir() });
    const a = makeEvent({ dedup_key: 'header:k1' });
    const b = makeEvent({ dedup_key: 'header:k1' });
    const c = makeEvent({ dedup_key: 'header:k2' });
    const d = makeEvent({ dedup_key: 'header:k2' });
    const [ra, rb, rcd] = await Promise.all([store.appendEvents([a]), store.appendEvents([b]), store.appendEvents([c, d])]);
    expect(ra).toEqual([{ id: a.id }]);
    expect(rb).toEqual([{ id: b.id, duplicate_of: a.id }]);
    expect(rcd).toEqual([{ id: c.id }, { id: d.id, duplicate_of: c.id }]);
    expect((await store.listEvents({ limit: 10 })).items.map((i) => i.id)).toEqual([c.id, a.id]);
  });

  it('answers a duplicate only once its original is durable, and fails it with the original', async () => {
    const probe = probeFs();
    const store = await openStore({ dataDir: await tempDir(), fs: probe.fs });
    const slow = gate();
    probe.syncGate = slow.promise;
    const entered = new Promise<void>((r) => (probe.syncEntered = r));
    let dupSettled = false;
    const original = store.appendEvents([makeEvent({ dedup_key: 'instance:slow' })]);
    await entered;
    const dup = store.appendEvents([makeEvent({ dedup_key: 'instance:slow' })]).finally(() => (dupSettled = true));
    dup.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    expect(dupSettled).toBe(false);
    probe.failSyncs = true;
    slow.open();
    await expect(original).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(dup).rejects.toBeInstanceOf(StoreUnavailableError);

    probe.syncGate = null;
    probe.failSyncs = false;
    const again = makeEvent({ dedup_key: 'instance:slow' });
    expect(await store.appendEvents([again])).toEqual([{ id: again.id }]);
  });

  it('keeps dedup across reopen', async () => {
    const dir = await tempDir();
    const original = makeEvent({ dedup_key: 'instance:persisted' });
    await openStore({ dataDir: dir }).then(async (s) => {
      await s.appendEvents([original]);
      await s.close();
    });
    const store = await openStore({ dataDir: dir });
    const retry = makeEvent({ dedup_key: 'instance:persisted' });
    expect(await store.appendEvents([retry])).toEqual([{ id: retry.id, duplicate_of: original.id }]);
  });

  it('does not write an event whose id is already taken, stored or pending', async () => {
    const store = await openStore({ dataDir: await tempDir() });
    const mine = makeEvent({ id: 'sig-1', dedup_key: 'instance:sig-1' });
    await store.appendEvents([mine]);
    const theirs = makeEvent({ id: 'sig-1', organization: 'org-b', dedup_key: 'instance:sig-1' });
    expect(await store.appendEvents([theirs])).toEqual([{ id: 'sig-1', id_conflict: true }]);
    expect((await store.getEvent('sig-1'))?.organization).toBe('org-a');

    const [p, q] = await Promise.all([store.appendEvents([makeEvent({ id: 'sig-2' })]), store.appendEvents([makeEvent({ id: 'sig-2', organization: 'org-b' })])]);
    expect(p).toEqual([{ id: 'sig-2' }]);
    expect(q).toEqual([{ id: 'sig-2', id_conflict: true }]);
    expect(store.stats().events).toBe(2);
  });
});

describe('event store: listing', () => {
  const seed = () => [
    makeEvent({ title: 'Disk full on db-1', severity: 'critical', dialect: 'alertmanager', source: 'alertmanager', source_name: 'alertmanager' }),
    makeEvent({ title: 'Login burst', severity: 'low', status: 'CLOSED' }),
    makeEvent({ title: 'Port scan', organization: 'org-b' }),
    makeEvent({ title: 'Malware', source: 'src-1', source_name: 'EDR Sensor', dialect: 'custom' }),
    makeEvent({ id: 'special-ID-42', title: 'Other' }),
  ];

  it('filters by organization, dialect, source, severity, status and text', async () => {
    const store = await openStore({ dataDir: await tempDir() });
    const [disk, login, scan, malware, special] = seed();
    await store.appendEvents([disk, login, scan, malware, special]);
    const ids = async (q: Partial<Parameters<Store['listEvents']>[0]>) => (await store.listEvents({ limit: 50, ...q })).items.map((i) => i.id);
    expect(await ids({})).toEqual([special.id, malware.id, scan.id, login.id, disk.id]);
    expect(await ids({ organization: 'org-b' })).toEqual([scan.id]);
    expect(await ids({ organization: 'org-none' })).toEqual([]);
    expect(await ids({ organization: 'org-a', dialect: 'alertmanager' })).toEqual([disk.id]);
    expect(await ids({ source: 'src-1' })).toEqual([malware.id]);
    expect(await ids({ severity: 'critical' })).toEqual([disk.id]);
    expect(await ids({ status: 'CLOSED' })).toEqual([login.id]);
    expect(await ids({ text: 'DISK' })).toEqual([disk.id]);
    expect(await ids({ text: 'edr sens' })).toEqual([malware.id]);
    expect(await ids({ text: 'id-42' })).toEqual([special.id]);
    expect(await ids({ organization: 'org-a', severity: 'high', text: 'MAL' })).toEqual([malware.id]);
    const [item] = (await store.listEvents({ limit: 1, text: 'disk' })).items;
    expect(item).toEqual({
      id: disk.id, organization: 'org-a', source: 'alertmanager', source_name: 'alertmanager', dialect: 'alertmanager', received_at: disk.received_at,
      title: 'Disk full on db-1', severity: 'critical', status: 'OPEN', priority: 'HIGH', alert_id: null,
    });
  });

  it('pages newest first with a cursor that stays valid while new events arrive', async () => {
    const store = await openStore({ dataDir: await tempDir() });
    const mine = Array.from({ length: 23 }, (_, i) => makeEvent({ title: `mine ${i}` }));
    for (const e of mine) await store.appendEvents([e, makeEvent({ organization: 'org-b' })]);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listEvents({ organization: 'org-a', limit: 5, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next_cursor ?? undefined;
      pages++;
      // New events between pages must not shift or repeat what follows.
      await store.appendEvents([makeEvent({ title: `newer ${pages}` }), makeEvent({ organization: 'org-b' })]);
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(mine.map((e) => e.id).reverse());
  });

  it('ends with next_cursor null exactly at the last item, also without an organization filter', async () => {
    const store = await openStore({ dataDir: await tempDir() });
    await store.appendEvents(Array.from({ length: 10 }, () => makeEvent()));
    const first = await store.listEvents({ limit: 5 });
    expect(first.items).toHaveLength(5);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await store.listEvents({ limit: 5, cursor: first.next_cursor! });
    expect(second.items).toHaveLength(5);
    expect(second.next_cursor).toBeNull();
    const filtered = await store.listEvents({ limit: 5, text: 'nothing matches this' });
    expect(filtered).toEqual({ items: [], next_cursor: null });
  });

  it('bounds the page size and refuses a cursor it did not make', async () => {
    const store = await openStore({ dataDir: await tempDir() });
    await store.appendEvents(Array.from({ length: PAGE_SIZE_MAX + 20 }, () => makeEvent()));
    const page = await store.listEvents({ limit: PAGE_SIZE_MAX * 10 });
    expect(page.items).toHaveLength(PAGE_SIZE_MAX);
    expect((await store.listEvents({ limit: 0 })).items).toHaveLength(1);
    for (const bad of ['not-a-cursor', Buffer.from('s99999999').toString('base64url')]) {
      await expect(store.listEvents({ limit: 5, cursor: bad })).rejects.toBeInstanceOf(ValidationError);
    }
  });
});

describe('state records (alert and case snapshots)', () => {
  it('commits state with its events in one fsync, keeps the latest per kind and id across reopen', async () => {
    const dir = await tempDir();
    const probe = probeFs();
    const store = await openStore({ dataDir: dir, fs: probe.fs });
    const syncsBefore = probe.datasyncs;
    await store.appendEvents([makeEvent()], [{ kind: 'alert', id: 'a1', data: { count: 1 } }]);
    expect(probe.datasyncs - syncsBefore).toBe(1);
    await store.appendState([{ kind: 'alert', id: 'a1', data: { count: 2 } }, { kind: 'case', id: 'a1', data: { status: 'new' } }]);
    expect(store.liveState()).toEqual([
      { kind: 'alert', id: 'a1', data: { count: 2 } },
      { kind: 'case', id: 'a1', data: { status: 'new' } },
    ]);
    await store.close();
    const again = await openStore({ dataDir: dir });
    expect(again.liveState()).toEqual([
      { kind: 'alert', id: 'a1', data: { count: 2 } },
      { kind: 'case', id: 'a1', data: { status: 'new' } },
    ]);
    expect(again.stats().events).toBe(1);
  });

  it('writes no state when every event is a duplicate, and answers duplicateOf for stored and pending keys', async () => {
    const store = await openStore({ dataDir: await tempDir() });
    const first = makeEvent({ dedup_key: 'instance:x' });
    const pending = store.appendEvents([first]);
    expect(await store.duplicateOf('org-a', 'instance:x')).toBe(first.id);
    await pending;
    expect(await store.duplicateOf('org-a', 'instance:x')).toBe(first.id);
    expect(await store.duplicateOf('org-b', 'instance:x')).toBeUndefined();
    expect(await store.duplicateOf('org-a', null)).toBeUndefined();
    await store.appendEvents([makeEvent({ dedup_key: 'instance:x' })], [{ kind: 'alert', id: 'nope', data: {} }]);
    expect(store.liveState()).toEqual([]);
  });

  it('keeps nothing of a state write that failed', async () => {
    const probe = probeFs();
    const store = await openStore({ dataDir: await tempDir(), fs: probe.fs });
    probe.failWrites = true;
    await expect(store.appendState([{ kind: 'alert', id: 'a1', data: {} }])).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(store.liveState()).toEqual([]);
  });
});
