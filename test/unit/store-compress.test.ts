// Sealed segments rewritten compressed, over a real temp directory: every event and state
// record still reads back by its location, during and after compression, after a restart
// with and without the snapshot; the disk holds far fewer bytes; a crash that left both forms
// keeps the compressed one; retention deletes compressed segments and counts their disk bytes.
import { randomUUID } from 'node:crypto';
import { copyFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../src-main/core/types';
import { createStore, type FileStoreOptions, type OpenReport, type Store } from '../../src-main/store';
import { normalizedEvent } from '../helpers/ingest-fixtures';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose: stores } = useTempDirs<Store>('sy-compress-');

async function openStore(opts: FileStoreOptions): Promise<{ store: Store; report: OpenReport }> {
  const store = createStore({ retentionIntervalMs: 0, segmentMaxBytes: 16 * 1024, ...opts });
  stores.push(store);
  const report = await store.open();
  return { store, report };
}

const T0 = Date.UTC(2026, 0, 1);
let counter = 0;
function makeEvent(day = 0): NormalizedEvent {
  const n = ++counter;
  return normalizedEvent({
    id: randomUUID(), organization: 'org-a', title: `event ${n}`, received_at: new Date(T0 + day * 86_400_000 + n).toISOString(),
    raw: { n, host: `host-${n % 7}`, message: 'process spawned from office document', tags: ['endpoint', 'execution'] },
  });
}

async function files(dir: string): Promise<string[]> {
  return (await readdir(join(dir, 'events'))).filter((f) => /^\d{6,}\.jsonl?z?$/.test(f)).sort();
}

async function diskBytes(dir: string): Promise<number> {
  let n = 0;
  for (const f of await files(dir)) n += (await stat(join(dir, 'events', f))).size;
  return n;
}

/** Appends `n` events (with a state record each batch) and waits until every sealed segment is compressed. */
async function fill(store: Store, dir: string, n: number, day = 0): Promise<NormalizedEvent[]> {
  const events: NormalizedEvent[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = Array.from({ length: 10 }, () => makeEvent(day));
    events.push(...batch);
    await store.appendEvents(batch, [{ kind: 'delivery', id: randomUUID(), data: { batch: i }, live: false, keys: { organization: 'org-a', status: 'succeeded' } }]);
  }
  for (let i = 0; i < 200 && (await files(dir)).filter((f) => f.endsWith('.jsonl')).length > 1; i++) await new Promise((r) => setTimeout(r, 10));
  return events;
}

describe('compressed sealed segments', () => {
  it('compresses every sealed segment (not the one written), and every record still reads back, also after a restart with or without the snapshot', async () => {
    const dir = await tempDir();
    const { store } = await openStore({ dataDir: dir });
    const events = await fill(store, dir, 400);
    const names = await files(dir);
    expect(names.filter((f) => f.endsWith('.jsonz')).length).toBeGreaterThan(3);
    expect(names.filter((f) => f.endsWith('.jsonl'))).toEqual([names[names.length - 1]]);
    for (const e of events) expect(await store.getEvent(e.id)).toEqual(e);
    const deliveries = await store.listState('delivery', { organization: 'org-a' }, { limit: 500 });
    expect(deliveries?.items).toHaveLength(40);
    // The bytes counted are the bytes on disk.
    expect(store.stats().bytes).toBe(await diskBytes(dir));
    await store.close();
    for (const snapshots of [true, false]) {
      const { store: again, report } = await openStore({ dataDir: dir, snapshots });
      expect(report.events).toBe(400);
      if (snapshots) expect(report.snapshot).toBe('loaded');
      for (const e of events.filter((_, i) => i % 13 === 0)) expect(await again.getEvent(e.id)).toEqual(e);
      expect((await again.listState('delivery', { organization: 'org-a' }, { limit: 500 }))?.items).toEqual(deliveries?.items);
      await again.close();
    }
  });

  it('reads back records longer than a block (a line makes a block of its own)', async () => {
    const dir = await tempDir();
    const { store } = await openStore({ dataDir: dir, segmentMaxBytes: 512 * 1024 });
    const big = Array.from({ length: 6 }, (_, i) => ({ ...makeEvent(), raw: { blob: `${i}`.repeat(150_000 + i * 7_000) } }));
    for (const e of big) await store.appendEvents([e]);
    const small = await fill(store, dir, 100);
    expect((await files(dir)).filter((f) => f.endsWith('.jsonz')).length).toBeGreaterThan(0);
    for (const e of [...big, ...small]) expect(await store.getEvent(e.id)).toEqual(e);
    await store.close();
    const { store: again } = await openStore({ dataDir: dir, segmentMaxBytes: 512 * 1024, snapshots: false });
    for (const e of big) expect(await again.getEvent(e.id)).toEqual(e);
  });

  it('holds the same records in several times fewer bytes', async () => {
    const plainDir = await tempDir();
    const packedDir = await tempDir();
    const { store: plain } = await openStore({ dataDir: plainDir, compressSealed: false });
    const { store: packed } = await openStore({ dataDir: packedDir });
    await fill(plain, plainDir, 400);
    await fill(packed, packedDir, 400);
    expect(await diskBytes(packedDir)).toBeLessThan((await diskBytes(plainDir)) / 3);
  });

  it('keeps the compressed form when a crash left both forms of a segment', async () => {
    const dir = await tempDir();
    const { store: plain } = await openStore({ dataDir: dir, compressSealed: false });
    const events = await fill(plain, dir, 200);
    await plain.close();
    const segment1 = join(dir, 'events', '000001.jsonl');
    const kept = join(await tempDir(), 'copy.jsonl');
    await copyFile(segment1, kept);
    // A start with compression on compresses what an earlier run left plain.
    const { store } = await openStore({ dataDir: dir });
    for (let i = 0; i < 200 && (await files(dir)).filter((f) => f.endsWith('.jsonl')).length > 1; i++) await new Promise((r) => setTimeout(r, 10));
    await store.close();
    expect(await files(dir)).toContain('000001.jsonz');
    await copyFile(kept, segment1); // as if the crash came between the rename and the unlink
    const { store: again, report } = await openStore({ dataDir: dir, snapshots: false });
    expect(report.events).toBe(200);
    expect(await files(dir)).not.toContain('000001.jsonl');
    for (const e of events.slice(0, 30)) expect(await again.getEvent(e.id)).toEqual(e);
  });

  it('retention deletes compressed segments and frees their disk bytes', async () => {
    const dir = await tempDir();
    const { store } = await openStore({ dataDir: dir, now: () => new Date(T0 + 30 * 86_400_000) });
    const old = await fill(store, dir, 200, 0);
    const recent = await fill(store, dir, 200, 29);
    const before = store.stats().bytes;
    const report = await store.setRetention({ max_age_days: 7, max_bytes: null }).then(() => store.enforceRetention());
    expect(store.stats().bytes).toBeLessThan(before);
    expect(store.stats().bytes).toBe(await diskBytes(dir));
    expect(report.deleted_segments).toEqual([]); // already applied by setRetention
    expect(await store.getEvent(old[0].id)).toBeUndefined();
    for (const e of recent.slice(-20)) expect(await store.getEvent(e.id)).toEqual(e);
  });
});
