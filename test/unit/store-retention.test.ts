// Retention over a real temp directory with a fake clock: whole segments go, oldest first,
// never the one being written; their events leave every index; state records they held are
// carried forward; the result survives a restart with and without the index snapshot.
import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../src-main/core/types';
import { createStore, type FileStoreOptions, type Store } from '../../src-main/store';
import { normalizedEvent } from '../helpers/ingest-fixtures';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose: stores } = useTempDirs<Store>('sy-retention-');
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

async function openStore(opts: FileStoreOptions): Promise<Store> {
  // Plain segments: these tests read segment files by name (compression has its own tests).
  const store = createStore({ retentionIntervalMs: 0, segmentMaxBytes: 2048, compressSealed: false, ...opts });
  stores.push(store);
  await store.open();
  return store;
}

let counter = 0;
function eventAt(ms: number, over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  const n = ++counter;
  return normalizedEvent({ id: n % 2 ? randomUUID() : `ret-${String(n).padStart(6, '0')}`, organization: 'org-a', received_at: new Date(ms).toISOString(), title: `event ${n}`, raw: { pad: 'p'.repeat(200) }, ...over });
}

async function segmentNumbers(dir: string): Promise<number[]> {
  return (await readdir(join(dir, 'events'))).filter((f) => f.endsWith('.jsonl')).sort().map((f) => Number(f.slice(0, 6)));
}

async function allIds(store: Store): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listEvents({ limit: 500, cursor });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return ids;
}

/** 10 days of events, 6 a day, one batch per day with an alert snapshot; returns them per day. */
async function tenDays(store: Store): Promise<NormalizedEvent[][]> {
  const days: NormalizedEvent[][] = [];
  for (let d = 0; d < 10; d++) {
    const batch = Array.from({ length: 6 }, (_, i) => eventAt(T0 + d * DAY + i * 1000, d === 0 && i === 0 ? { dedup_key: 'day0-retry' } : {}));
    await store.appendEvents(batch, [{ kind: 'alert', id: `alert-day-${d}`, data: { day: d } }]);
    days.push(batch);
  }
  return days;
}

describe('retention', () => {
  it('keeps everything with the default policy (null/null)', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir, now: () => new Date(T0 + 1000 * DAY) });
    await tenDays(store);
    expect(store.retention()).toEqual({ max_age_days: null, max_bytes: null });
    expect(await store.enforceRetention()).toEqual({ deleted_segments: [], deleted_events: 0, bytes_freed: 0 });
    expect(store.stats().events).toBe(60);
  });

  it('by age: deletes whole segments whose newest event is older than max_age_days, and nothing newer', async () => {
    const dir = await tempDir();
    let now = T0 + 10 * DAY;
    const store = await openStore({ dataDir: dir, now: () => new Date(now) });
    const days = await tenDays(store);
    const before = await segmentNumbers(dir);
    expect(before.length).toBeGreaterThan(5);
    const bytesBefore = store.stats().bytes;

    const report = await store.enforceRetention(); // policy still null: nothing
    expect(report.deleted_segments).toEqual([]);
    now = T0 + 10 * DAY; // events of days 0..4 are older than 5 days
    const saved = await store.setRetention({ max_age_days: 5, max_bytes: null });
    expect(saved).toEqual({ max_age_days: 5, max_bytes: null });
    expect(store.retention()).toEqual(saved);

    const after = await segmentNumbers(dir);
    expect(after.length).toBeLessThan(before.length);
    // A prefix went; segments past the old last one hold the alert snapshots carried forward.
    expect(after.filter((n) => n <= before[before.length - 1])).toEqual(before.filter((n) => n >= after[0]));
    const kept = await allIds(store);
    const cutoff = now - 5 * DAY;
    const all = days.flat();
    // Every deleted event was older than the cutoff; every event newer than it is kept.
    for (const e of all) if (Date.parse(e.received_at) >= cutoff) expect(kept).toContain(e.id);
    const gone = all.filter((e) => !kept.includes(e.id));
    expect(gone.length).toBeGreaterThan(0);
    for (const e of gone) {
      expect(Date.parse(e.received_at)).toBeLessThan(cutoff);
      expect(await store.getEvent(e.id)).toBeUndefined();
    }
    expect(store.stats().events).toBe(kept.length);
    expect(store.stats().bytes).toBeLessThan(bytesBefore);
    expect(await store.duplicateOf('org-a', 'day0-retry')).toBeUndefined();
    // Alert snapshots written in deleted segments were carried forward.
    expect(store.liveState().map((r) => r.id).sort()).toEqual(Array.from({ length: 10 }, (_, d) => `alert-day-${d}`).sort());

    // A later clock lets more go; the segment being written always stays.
    now = T0 + 1000 * DAY;
    await store.enforceRetention();
    const last = await segmentNumbers(dir);
    expect(last.length).toBe(1);
    expect(last[0]).toBeGreaterThanOrEqual(after[after.length - 1]);

    // Restart: with the snapshot and by replaying the log, the same store.
    const ids = await allIds(store);
    const state = store.liveState();
    await store.close();
    for (const snapshots of [true, false]) {
      const again = await openStore({ dataDir: dir, snapshots, now: () => new Date(now) });
      expect(await allIds(again)).toEqual(ids);
      expect(again.liveState().sort((a, b) => a.id.localeCompare(b.id))).toEqual([...state].sort((a, b) => a.id.localeCompare(b.id)));
      expect(again.retention()).toEqual({ max_age_days: 5, max_bytes: null });
      await again.close();
    }
  });

  it('by size: deletes the oldest segments until the log fits in max_bytes', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir, now: () => new Date(T0) });
    const last = (await tenDays(store)).flat().pop()!;
    const total = store.stats().bytes;
    const limit = Math.floor(total / 2);
    await store.setRetention({ max_age_days: null, max_bytes: limit });
    expect(store.stats().bytes).toBeLessThanOrEqual(limit);
    expect(store.stats().bytes).toBeGreaterThan(limit / 2); // not everything went
    const segs = await segmentNumbers(dir);
    let onDisk = 0;
    for (const n of segs) onDisk += (await stat(join(dir, 'events', `${String(n).padStart(6, '0')}.jsonl`))).size;
    expect(onDisk).toBe(store.stats().bytes);
    // The newest events are the ones kept, in order.
    const ids = await allIds(store);
    expect(ids.length).toBe(store.stats().events);
    expect(ids.length).toBeLessThan(60);
    expect(ids[0]).toBe(last.id);
  });

  it('never deletes the segment being written, even when it alone is over the limit', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir, segmentMaxBytes: 1024 * 1024, now: () => new Date(T0 + 1000 * DAY) });
    await tenDays(store);
    expect(await segmentNumbers(dir)).toEqual([1]);
    await store.setRetention({ max_age_days: 1, max_bytes: 1 });
    expect(await segmentNumbers(dir)).toEqual([1]);
    expect(store.stats().events).toBe(60);
  });

  it('runs on its timer', async () => {
    const dir = await tempDir();
    const store = createStore({ dataDir: dir, segmentMaxBytes: 2048, retentionIntervalMs: 20, compressSealed: false, now: () => new Date(T0 + 1000 * DAY) });
    stores.push(store);
    await store.open();
    await tenDays(store);
    await store.updateConfig((d) => {
      d.settings.retention = { max_age_days: 30, max_bytes: null };
    });
    const deadline = Date.now() + 5000;
    while ((await segmentNumbers(dir)).length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await segmentNumbers(dir)).toHaveLength(1);
    expect(store.stats().events).toBeLessThan(60);
  });
});
