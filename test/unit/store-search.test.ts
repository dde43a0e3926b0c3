// Search anywhere in stored events, over a real temp directory with small segments (so that
// most are sealed, compressed and have a search sidecar): every answer equals a plain check of
// every event's JSON (exact, newest first, with filters and paging), through the sidecars, with
// them deleted or damaged (then rebuilt), and after retention (which deletes them too). A term
// in no event reads no sealed segment at all.
import { randomUUID } from 'node:crypto';
import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../src-main/core/types';
import { FileStore, type FileStoreOptions, type Store, type StoreFs } from '../../src-main/store';
import { SidecarBuilder, Sidecar } from '../../src-main/store/search-sidecar';
import { needleOf } from '../../src-main/store/search-text';
import { nodeStoreFs } from '../../src-main/store/store-fs';
import { normalizedEvent } from '../helpers/ingest-fixtures';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose: stores } = useTempDirs<Store>('sy-search-');

async function openStore(opts: FileStoreOptions): Promise<FileStore> {
  const store = new FileStore({ retentionIntervalMs: 0, segmentMaxBytes: 32 * 1024, ...opts });
  stores.push(store);
  await store.open();
  return store;
}

const T0 = Date.UTC(2026, 0, 1);
const WORDS = ['disk', 'full', 'login', 'burst', 'malware', 'quarantined', 'Überlauf', 'naïve', 'say "hi"', 'c:\\windows\\system32'];

function makeEvent(n: number): NormalizedEvent {
  const word = WORDS[n % WORDS.length];
  return normalizedEvent({
    id: randomUUID(), organization: n % 5 === 0 ? 'org-b' : 'org-a', severity: n % 3 === 0 ? 'high' : 'low', title: `event ${n}`,
    received_at: new Date(T0 + n * 1000).toISOString(),
    body: `${word} on host-${n % 13}`,
    raw: { alert: { labels: { instance: `10.0.${n % 4}.${n % 250}:9100`, job: `job-${n % 9}` }, annotations: { description: `The ${word} problem seen ${n} times` } }, deep: { a: { b: { c: [{ d: `value-${n}` }] } } } },
  });
}

/** What a search must answer: every event whose JSON holds the text (case-insensitively), newest first. */
function expected(events: NormalizedEvent[], text: string, filter: (e: NormalizedEvent) => boolean = () => true): string[] {
  const needle = JSON.stringify(text.toLowerCase()).slice(1, -1);
  return events.filter((e) => filter(e) && JSON.stringify(e).toLowerCase().includes(needle)).map((e) => e.id).reverse();
}

async function searchAll(store: Store, q: { text: string; organization?: string; severity?: 'high' | 'low' }, limit = 500): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listEvents({ ...q, limit, cursor });
    ids.push(...page.items.map((i) => i.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return ids;
}

async function fill(store: FileStore, n: number, from = 0): Promise<NormalizedEvent[]> {
  const events: NormalizedEvent[] = [];
  for (let i = from; i < from + n; i += 20) {
    const batch = Array.from({ length: 20 }, (_, k) => makeEvent(i + k));
    events.push(...batch);
    await store.appendEvents(batch, [{ kind: 'alert', id: randomUUID(), data: { title: 'state records are never results: disk full malware' } }]);
  }
  await store.settled();
  return events;
}

const sidecarFiles = async (dir: string) => (await readdir(join(dir, 'events'))).filter((f) => f.endsWith('.search')).sort();
const segmentFiles = async (dir: string) => (await readdir(join(dir, 'events'))).filter((f) => /^\d{6}\.jsonz$/.test(f)).sort();

const QUERIES = [
  'disk', 'DISK FULL', 'host-7', 'ost-1', '10.0.2.', '10.0.3.47:9100', 'job-4', 'value-1234', 'value-12', 'überlauf', 'NAÏVE', 'say "hi"', '"hi"',
  'c:\\windows', 'the malware problem seen 3', 'problem seen', '"instance":"10.0.1', ':9100', 'no-such-host-anywhere', 'zzz', ',', 'event 4',
];

describe('event search anywhere in the payload', () => {
  it('answers exactly what a check of every event gives, through the sidecars, newest first, with filters and pages', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    const events = await fill(store, 1500);
    expect((await segmentFiles(dir)).length).toBeGreaterThan(5);
    expect(await sidecarFiles(dir)).toEqual(await segmentFiles(dir).then((s) => s.map((f) => f.replace('.jsonz', '.search'))));
    expect(QUERIES.filter((q) => expected(events, q).length > 0).length).toBeGreaterThan(17); // most find something
    for (const text of QUERIES) expect(await searchAll(store, { text }), text).toEqual(expected(events, text));
    expect(await searchAll(store, { text: 'disk', organization: 'org-a', severity: 'high' }, 7)).toEqual(
      expected(events, 'disk', (e) => e.organization === 'org-a' && e.severity === 'high'),
    );
    expect(await searchAll(store, { text: 'value-1', organization: 'org-b' }, 3)).toEqual(expected(events, 'value-1', (e) => e.organization === 'org-b'));
    // Only in state records (an alert's data), never in an event: no result.
    expect(await searchAll(store, { text: 'state records are never' })).toEqual([]);
  });

  it('a page out of time ends early with a cursor from where it stopped; following it still gives exactly every match', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir, searchPageBudgetMs: 0 });
    const events = await fill(store, 800);
    const first = await store.listEvents({ text: 'value-1', limit: 500 });
    expect(first.items.length).toBeLessThan(expected(events, 'value-1').length);
    expect(first.next_cursor).not.toBeNull();
    for (const text of ['value-1', 'disk', 'no-such-host-anywhere']) expect(await searchAll(store, { text }), text).toEqual(expected(events, text));
  });

  it('reads no sealed segment for a term no event holds', async () => {
    const dir = await tempDir();
    const opened: string[] = [];
    const fs: StoreFs = { ...nodeStoreFs, open: (path, flags, mode) => (opened.push(path), nodeStoreFs.open(path, flags, mode)) };
    const store = await openStore({ dataDir: dir, fs });
    await fill(store, 1000);
    await searchAll(store, { text: 'warm-up' }); // reads the sidecars once
    opened.length = 0;
    expect(await searchAll(store, { text: 'no-such-host-anywhere' })).toEqual([]);
    expect(opened.filter((p) => p.endsWith('.jsonz'))).toEqual([]);
  });

  it('still answers exactly with sidecars missing or damaged, and builds them again', async () => {
    const dir = await tempDir();
    let store = await openStore({ dataDir: dir });
    const events = await fill(store, 1200);
    const names = await sidecarFiles(dir);
    await store.close();
    await unlink(join(dir, 'events', names[0]));
    const damaged = join(dir, 'events', names[1]);
    const bytes = await readFile(damaged);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    await writeFile(damaged, bytes);
    await writeFile(join(dir, 'events', '999999.search'), 'left by a segment retention deleted');

    store = await openStore({ dataDir: dir });
    for (const text of ['disk', 'value-1', '10.0.3.47:9100', 'no-such-host-anywhere']) expect(await searchAll(store, { text }), text).toEqual(expected(events, text));
    await store.settled();
    expect(await sidecarFiles(dir)).toEqual(names);
    expect(Sidecar.decode(await readFile(damaged)).blocks).toBeGreaterThan(0);
    for (const text of ['disk', 'value-1']) expect(await searchAll(store, { text }), text).toEqual(expected(events, text));
  });

  it('searches plain sealed segments and the one being written, and retention deletes sidecars with their segments', async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir, compressSealed: false });
    const events = await fill(store, 900);
    const sidecars = await sidecarFiles(dir);
    expect(sidecars.length).toBeGreaterThan(3);
    for (const text of ['disk', 'host-7', 'value-899']) expect(await searchAll(store, { text }), text).toEqual(expected(events, text));

    await store.setRetention({ max_age_days: null, max_bytes: 100 * 1024 });
    const left = (await readdir(join(dir, 'events'))).filter((f) => /^\d{6}\.jsonl$/.test(f)).map((f) => f.slice(0, 6));
    expect((await sidecarFiles(dir)).every((f) => left.includes(f.slice(0, 6)))).toBe(true);
    expect((await sidecarFiles(dir)).length).toBeLessThan(sidecars.length);
    const kept = new Set((await searchAll(store, { text: 'schema_version' })).reverse());
    const remaining = events.filter((e) => kept.has(e.id));
    expect(remaining.length).toBeLessThan(events.length);
    expect(remaining.length).toBeGreaterThan(0);
    for (const text of ['disk', 'value-1']) expect(await searchAll(store, { text }), text).toEqual(expected(remaining, text));
  });
});

describe('search sidecar', () => {
  it('names the blocks whose tokens can hold each kind of needle token', () => {
    const b = new SidecarBuilder();
    const lines = ['{"a":"disk full on db-1.prod"}', '{"a":"login burst 10.0.0.42"}', '{"a":"diskless node"}', '{"a":"c:\\\\windows"}'];
    let at = 0;
    for (const line of lines) {
      b.addBlock(at, Buffer.from(`${line}\n`));
      at += line.length + 1;
    }
    const s = Sidecar.decode(b.encode(at));
    const blocks = (text: string) => s.candidates(needleOf(text));
    expect(blocks('disk')).toEqual([2, 0]);
    expect(blocks('disk full')).toEqual([0]);
    expect(blocks('isk ful')).toEqual([0]);
    expect(blocks('db-1.pro')).toEqual([0]);
    expect(blocks('0.0.42')).toEqual([1]);
    expect(blocks('C:\\Windows')).toEqual([3]);
    expect(blocks('nowhere')).toEqual([]);
    expect(blocks(' ')).toBeNull();
    expect(() => Sidecar.decode(Buffer.concat([b.encode(at), Buffer.from([0])]))).toThrow();
  });
});
