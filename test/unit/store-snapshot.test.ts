// The index snapshot over a real temp directory: a start reads it and replays only the log
// after it; a snapshot that does not match its segments (shorter, different bytes, missing
// segment) or is torn is discarded and everything is replayed, with the same result.
import { randomUUID } from 'node:crypto';
import { appendFile, readdir, readFile, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../src-main/core/types';
import { createStore, type FileStoreOptions, type OpenReport, type Store, type StoreFs } from '../../src-main/store';
import { nodeStoreFs } from '../../src-main/store/store-fs';
import { normalizedEvent } from '../helpers/ingest-fixtures';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose: stores } = useTempDirs<Store>('sy-snap-');

async function openStore(opts: FileStoreOptions): Promise<{ store: Store; report: OpenReport }> {
  // Plain segments: these tests rewrite segment files by name (compression has its own tests).
  const store = createStore({ retentionIntervalMs: 0, compressSealed: false, ...opts });
  stores.push(store);
  const report = await store.open();
  return { store, report };
}

let counter = 0;
function makeEvent(over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  const n = ++counter;
  return normalizedEvent({
    // Ids as ingest assigns them (UUIDs, kept as 16 bytes) and as a signal instance may bring them (any string).
    id: n % 3 === 1 ? `snap-${String(n).padStart(8, '0')}` : n % 3 === 2 ? randomUUID() : randomUUID().toUpperCase(),
    organization: n % 3 === 0 ? 'org-b' : 'org-a',
    received_at: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, n)).toISOString(),
    title: `event ${n} ${'x'.repeat(n % 50)}`,
    severity: n % 2 ? 'high' : 'low',
    // Alert ids as the engine makes them (UUIDs, kept as words) and any other string.
    alert_id: n % 4 === 0 ? null : n % 4 === 1 ? `alert-${n % 7}` : `00000000-0000-4000-8000-00000000000${n % 5}`,
    raw: { n },
    ...over,
  });
}

async function segmentFiles(dir: string): Promise<string[]> {
  const events = join(dir, 'events');
  return (await readdir(events)).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(events, f));
}

const snapshotPath = (dir: string) => join(dir, 'events', 'index.snap');

/** Everything a reader can see of the store: pages per filter, events, state, dedup. */
async function view(store: Store, events: NormalizedEvent[]) {
  const pages = [];
  for (const q of [{}, { organization: 'org-a' }, { organization: 'org-b', severity: 'high' as const }, { text: 'EVENT 1' }, { organization: 'nobody' }]) {
    let cursor: string | undefined;
    const ids: string[] = [];
    do {
      const page = await store.listEvents({ ...q, limit: 7, cursor });
      ids.push(...page.items.map((i) => i.id));
      pages.push(page);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }
  const full = await Promise.all(events.map((e) => store.getEvent(e.id)));
  const state = store.liveState().sort((a, b) => a.id.localeCompare(b.id));
  const { events: count, segments, bytes } = store.stats();
  return { pages, full, state, stats: { count, segments, bytes } };
}

async function fill(store: Store, n: number): Promise<NormalizedEvent[]> {
  const events: NormalizedEvent[] = [];
  for (let i = 0; i < n; i += 5) {
    const batch = Array.from({ length: 5 }, () => makeEvent());
    events.push(...batch);
    await store.appendEvents(batch, [{ kind: 'alert', id: `alert-${i % 11}`, data: { version: i } }]);
  }
  return events;
}

describe('index snapshot', () => {
  it('is written on close and read on the next open: nothing replayed, everything identical', async () => {
    const dir = await tempDir();
    const { store } = await openStore({ dataDir: dir, segmentMaxBytes: 4096 });
    const dedupEvent = makeEvent({ dedup_key: 'retry-1' });
    const events = [...(await fill(store, 60)), dedupEvent];
    await store.appendEvents([dedupEvent]);
    const before = await view(store, events);
    await store.close();
    expect((await stat(snapshotPath(dir))).size).toBeGreaterThan(0);

    const { store: again, report } = await openStore({ dataDir: dir, segmentMaxBytes: 4096 });
    expect(report).toMatchObject({ snapshot: 'loaded', replayed_records: 0, events: 61 });
    expect(await view(again, events)).toEqual(before);
    expect(await again.duplicateOf(dedupEvent.organization, 'retry-1')).toBe(dedupEvent.id);
    // An id is found by its exact spelling only.
    const uuidEvent = events.find((e) => /^[0-9a-f-]{36}$/.test(e.id))!;
    expect(await again.getEvent(uuidEvent.id.toUpperCase())).toBeUndefined();
    expect((await again.listEvents({ text: uuidEvent.id.slice(0, 13), limit: 5 })).items.map((i) => i.id)).toEqual([uuidEvent.id]);
    // Appends go on after the loaded position, and the next start sees them too.
    const later = [makeEvent(), makeEvent()];
    await again.appendEvents(later);
    await again.close();
    const { store: third, report: r3 } = await openStore({ dataDir: dir, segmentMaxBytes: 4096 });
    expect(r3).toMatchObject({ snapshot: 'loaded', events: 63 });
    expect((await third.listEvents({ limit: 2 })).items.map((i) => i.id)).toEqual([later[1].id, later[0].id]);
  });

  it('replays only the log written after the snapshot (as after a crash), torn tail included', async () => {
    const dir = await tempDir();
    const { store } = await openStore({ dataDir: dir });
    const events = await fill(store, 20);
    await store.close();
    // Lines appended after the snapshot, as a run that crashed before writing a new one leaves them.
    const extra = [makeEvent(), makeEvent()];
    const [segment] = await segmentFiles(dir);
    await appendFile(segment, `${extra.map((e) => JSON.stringify(e)).join('\n')}\n${JSON.stringify({ schema_version: 1, record: 'state', kind: 'alert', id: 'alert-0', data: { version: 'after' } })}\n{"schema_version":1,"id":"torn`);

    const { store: again, report } = await openStore({ dataDir: dir });
    expect(report).toMatchObject({ snapshot: 'loaded', replayed_records: 3, torn_lines_discarded: 1, events: 22 });
    expect(await again.getEvent(extra[1].id)).toEqual(extra[1]);
    expect((await again.listEvents({ limit: 1 })).items[0].id).toBe(extra[1].id);
    expect(again.liveState().find((r) => r.id === 'alert-0')?.data).toEqual({ version: 'after' });
    expect(await again.getEvent(events[0].id)).toEqual(events[0]);
  });

  for (const [name, damage, problem] of [
    ['a covered segment got shorter', async (dir: string) => {
      const [seg] = await segmentFiles(dir);
      await truncate(seg, (await stat(seg)).size - 10);
    }, /^stale: segment 1 is \d+ bytes/],
    ['a covered segment has other bytes of the same length', async (dir: string) => {
      const [seg] = await segmentFiles(dir);
      const text = await readFile(seg, 'utf8');
      const i = text.lastIndexOf('"event ');
      await writeFile(seg, `${text.slice(0, i)}"EVENT ${text.slice(i + 7)}`);
    }, /^stale: segment 1 differs/],
    ['the snapshot is torn', async (dir: string) => {
      await truncate(snapshotPath(dir), (await stat(snapshotPath(dir))).size - 100);
    }, /^torn: /],
    ['the snapshot is garbage', async (dir: string) => {
      await writeFile(snapshotPath(dir), 'not a snapshot at all, but long enough to have a header and a checksum trailer');
    }, /^torn: not a snapshot/],
  ] as const) {
    it(`is discarded when ${name}, and a full replay gives the same store as never having one`, async () => {
      const dir = await tempDir();
      const { store } = await openStore({ dataDir: dir });
      const events = await fill(store, 30);
      await store.close();
      await damage(dir);

      const plain = await openStore({ dataDir: dir, snapshots: false });
      const expected = await view(plain.store, events);
      await plain.store.close();
      const { store: again, report } = await openStore({ dataDir: dir });
      expect(report.snapshot).toMatch(problem);
      expect(report.replayed_records).toBe(plain.report.replayed_records);
      expect(report.replayed_records).toBeGreaterThanOrEqual(35);
      expect(await view(again, events)).toEqual(expected);
      // The stale file is gone and the next close writes one that matches again.
      await again.close();
      const { report: next } = await openStore({ dataDir: dir });
      expect(next.snapshot).toBe('loaded');
    });
  }

  it('is discarded when a segment it does not cover sits among the ones it does', async () => {
    const dir = await tempDir();
    const { store } = await openStore({ dataDir: dir, segmentMaxBytes: 2048 });
    await fill(store, 30);
    await store.close();
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(3);
    // An older segment than any covered one appears (e.g. restored from a backup).
    await writeFile(join(dir, 'events', '000000.jsonl'), `${JSON.stringify(makeEvent())}\n`);
    const { report } = await openStore({ dataDir: dir, segmentMaxBytes: 2048 });
    expect(report.snapshot).toMatch(/^stale: segment 0 is older than the snapshot/);
    expect(report.events).toBe(31);
  });

  it('drops the events of covered segments deleted after it was written (retention interrupted by a crash)', async () => {
    const dir = await tempDir();
    const { store } = await openStore({ dataDir: dir, segmentMaxBytes: 2048 });
    const events = await fill(store, 40);
    await store.close();
    const files = await segmentFiles(dir);
    const firstSegmentIds = (await readFile(files[0], 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => !r.record).map((r) => r.id);
    expect(firstSegmentIds.length).toBeGreaterThan(0);
    await unlink(files[0]);

    const { store: again, report } = await openStore({ dataDir: dir, segmentMaxBytes: 2048 });
    expect(report).toMatchObject({ snapshot: 'loaded', events: 40 - firstSegmentIds.length });
    expect(await again.getEvent(firstSegmentIds[0])).toBeUndefined();
    expect(await again.getEvent(events[39].id)).toEqual(events[39]);
    const all = await again.listEvents({ limit: 500 });
    expect(all.items.map((i) => i.id)).toEqual(events.filter((e) => !firstSegmentIds.includes(e.id)).map((e) => e.id).reverse());
  });

  it('a snapshot that cannot be written (full disk) costs nothing but the fast start', async () => {
    const dir = await tempDir();
    const failing: StoreFs = {
      ...nodeStoreFs,
      async open(path, flags, mode) {
        const f = await nodeStoreFs.open(path, flags, mode);
        if (!path.endsWith('.tmp')) return f;
        return { ...f, write: async () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); }, read: f.read.bind(f), datasync: f.datasync.bind(f), sync: f.sync.bind(f), truncate: f.truncate.bind(f), close: f.close.bind(f) };
      },
    };
    const { store } = await openStore({ dataDir: dir, fs: failing });
    const events = await fill(store, 10);
    await store.close(); // resolves: the snapshot failure is not the caller's problem
    expect(await stat(snapshotPath(dir)).catch(() => null)).toBeNull();
    const { store: again, report } = await openStore({ dataDir: dir });
    expect(report).toMatchObject({ snapshot: 'none', events: 10, replayed_records: 12 });
    expect(await again.getEvent(events[9].id)).toEqual(events[9]);
  });

  it('ignores the temp file of a snapshot write a crash interrupted', async () => {
    const dir = await tempDir();
    const { store } = await openStore({ dataDir: dir });
    await fill(store, 10);
    await store.close();
    await writeFile(join(dir, 'events', 'index.snap.tmp'), 'SYSNAP2\nhalf a snapshot');
    const { store: again, report } = await openStore({ dataDir: dir });
    expect(report).toMatchObject({ snapshot: 'loaded', events: 10 });
    await again.appendEvents([makeEvent()]);
    await again.close();
    const { report: third } = await openStore({ dataDir: dir });
    expect(third).toMatchObject({ snapshot: 'loaded', events: 11 });
  });

  it('is rewritten in the background once enough records were appended', async () => {
    const dir = await tempDir();
    const { store } = await openStore({ dataDir: dir, snapshotEveryRecords: 10, snapshotMinIntervalMs: 0 });
    await fill(store, 20);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !(await stat(snapshotPath(dir)).catch(() => null))) await new Promise((r) => setTimeout(r, 10));
    const written = await stat(snapshotPath(dir));
    expect(written.size).toBeGreaterThan(0);
    // Another store reading the directory now (as after a crash) replays only what came after it.
    const copy = await tempDir();
    const { cp } = await import('node:fs/promises');
    await cp(join(dir, 'events'), join(copy, 'events'), { recursive: true });
    const { report } = await openStore({ dataDir: copy, snapshotEveryRecords: 0 });
    expect(report.snapshot).toBe('loaded');
    expect(report.events).toBe(20);
    expect(report.replayed_records).toBeLessThan(24);
  });

  it('written while appends and state changes go on, gives the same store as a full replay', async () => {
    const dir = await tempDir();
    // The first snapshot's write waits at its first chunk until the appends below are done.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let paused = false;
    const fs: StoreFs = {
      ...nodeStoreFs,
      async open(path, flags, mode) {
        const file = await nodeStoreFs.open(path, flags, mode);
        if (!path.endsWith('.tmp') || paused) return file;
        paused = true;
        return { ...file, write: async (...args: Parameters<typeof file.write>) => (await gate, file.write(...args)), sync: () => file.sync(), close: () => file.close() };
      },
    };
    const { store } = await openStore({ dataDir: dir, fs, snapshotEveryRecords: 20, snapshotMinIntervalMs: 0 });
    const events: NormalizedEvent[] = [];
    const ids = Array.from({ length: 30 }, () => randomUUID());
    for (let i = 0; i < 400; i++) {
      const batch = [makeEvent()];
      events.push(...batch);
      // Keyed cold records changing status and lookups in place, as alerts do.
      const id = ids[i % ids.length];
      await store.appendEvents(batch, [{ kind: 'alert', id, data: { i }, live: true, cold: true, keys: { organization: 'org-a', status: i % 2 ? 'open' : 'resolved', lookup: [`k:${i % 7}`], at: i * 1000 } }]);
    }
    expect(paused).toBe(true);
    release();
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !(await stat(snapshotPath(dir)).catch(() => null))) await new Promise((r) => setTimeout(r, 10));
    // A copy taken now, as after a crash: its snapshot was written while the appends went on.
    const copy = await tempDir();
    const { cp } = await import('node:fs/promises');
    await cp(join(dir, 'events'), join(copy, 'events'), { recursive: true });
    const seen = async (s: Store) => ({
      ...(await view(s, events)),
      open: await s.listState('alert', { organization: 'org-a', status: 'open' }, { limit: 100 }),
      lookups: await Promise.all(Array.from({ length: 7 }, async (_, k) => (await s.lookupState('alert', 'org-a', `k:${k}`)).sort())),
      idle: await s.countState('alert', { status: 'open', until: 200_000 }),
    });
    const { store: fromSnapshot, report } = await openStore({ dataDir: copy, snapshotEveryRecords: 0 });
    expect(report.snapshot).toBe('loaded');
    expect(report.replayed_records).toBeGreaterThan(300);
    const viaSnapshot = await seen(fromSnapshot);
    const { store: replayed } = await openStore({ dataDir: copy, snapshots: false });
    expect(viaSnapshot).toEqual(await seen(replayed));
  });
});
