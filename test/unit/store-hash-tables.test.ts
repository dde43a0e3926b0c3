// The store's hash tables grow a few entries per insert instead of all at once: every id and
// lookup value is found at every moment, before, during and after each growth.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renumbering } from '../../src-main/store/chunked';
import { IdTable } from '../../src-main/store/event-index';
import { LookupTable } from '../../src-main/store/lookup-table';

describe('IdTable', () => {
  it('finds every id (UUIDs and others) while it grows through several doublings, and after a rebuild', () => {
    const n = 60_000;
    const table = new IdTable();
    const ids = Array.from({ length: n }, (_, i) => (i % 97 === 0 ? `instance-${i}` : randomUUID()));
    // Ids not found where they are, as [id's row, row found] (one expect: 240k of them took seconds).
    const misses: [number, number | undefined][] = [];
    for (let row = 0; row < n; row++) {
      table.add(row, ids[row]);
      // The newest, and older ones spread over what the tables moved so far.
      for (const probe of [row, row >> 1, row >> 3, (row * 7919) % (row + 1)]) if (table.row(ids[probe]) !== probe) misses.push([probe, table.row(ids[probe])]);
    }
    expect(misses).toEqual([]);
    for (let row = 0; row < n; row++) expect(table.row(ids[row])).toBe(row);
    expect(table.row(randomUUID())).toBeUndefined();
    table.rebuild(n, ids.flatMap((id, row) => (row % 97 === 0 ? [[row, id] as [number, string]] : [])));
    for (let row = 0; row < n; row += 13) expect(table.row(ids[row])).toBe(row);
  });

  it('after a rebuild, fills its table slice by slice, and a lookup or an insert before the end still finds every id', () => {
    const n = 50_000;
    const ids = Array.from({ length: n }, () => randomUUID());
    const filled = (rows: number) => {
      const table = new IdTable();
      ids.forEach((id, row) => table.add(row, id));
      table.rebuild(n, []);
      for (let done = 0; done < rows; done += 1_000) table.placeSome(1_000);
      return table;
    };
    // Slice by slice to the end: `true` while rows remain, then every id found.
    const sliced = new IdTable();
    ids.forEach((id, row) => sliced.add(row, id));
    sliced.rebuild(n, []);
    let slices = 0;
    while (sliced.placeSome(4_096)) slices++;
    expect(slices).toBe(Math.ceil(n / 4_096) - 1);
    expect(sliced.placeSome(4_096)).toBe(false);
    for (let row = 0; row < n; row += 7) expect(sliced.row(ids[row])).toBe(row);
    // Half filled: a row not yet placed is found, and the lookup leaves nothing to do.
    const half = filled(n / 2);
    expect(half.row(ids[n - 1])).toBe(n - 1);
    expect(half.placeSome(1)).toBe(false);
    // Half filled, then more ids: old and new ones are found, each once, through the growth they cause.
    const growing = filled(n / 2);
    const more = Array.from({ length: n }, () => randomUUID());
    more.forEach((id, i) => growing.add(n + i, id));
    for (let row = 0; row < n; row += 7) expect(growing.row(ids[row])).toBe(row);
    for (let i = 0; i < n; i += 7) expect(growing.row(more[i])).toBe(n + i);
  });

  it('retention renumbers rows in place, round after round, while it grows: kept ids at their new rows, dropped ones gone, the table no bigger than the rows it keeps need', () => {
    const table = new IdTable();
    let ids: string[] = [];
    const add = (k: number) => {
      for (let i = 0; i < k; i++) {
        const id = ids.length % 89 === 0 ? `instance-${randomUUID()}` : randomUUID();
        table.add(ids.length, id);
        ids.push(id);
      }
    };
    const gone: string[] = [];
    const capacities: number[] = [];
    for (let round = 0; round < 40; round++) {
      add(3_000);
      // Scattered rows go (as state records whose segment retention deleted), or the oldest (as events).
      const moved = new Int32Array(ids.length);
      let kept = 0;
      ids.forEach((_, row) => (moved[row] = round % 2 === 0 ? (row % 3 === round % 3 || row < 500 ? -1 : kept++) : row < 2_500 ? -1 : kept++));
      if (round % 2 === 0) table.remap(renumbering(moved, ids.length));
      else table.dropFront(2_500, ids.length);
      gone.push(...ids.filter((_, row) => moved[row] < 0).slice(0, 50));
      ids = ids.filter((_, row) => moved[row] >= 0);
      capacities.push(table.capacity);
      const misses = ids.flatMap((id, row) => (row % 17 === 0 && table.row(id) !== row ? [[row, table.row(id)]] : []));
      expect(misses).toEqual([]);
    }
    for (let row = 0; row < ids.length; row++) expect(table.row(ids[row])).toBe(row);
    expect(gone.filter((id) => table.row(id) !== undefined)).toEqual([]);
    expect(table.row(randomUUID())).toBeUndefined();
    // About 6,500 rows kept at every round: the table holds room for them, not for all 120,000 ever added.
    expect(ids.length).toBeLessThan(8_000);
    expect(Math.max(...capacities)).toBeLessThanOrEqual(32_768);
    // Renumbered before a load finished placing its rows: placed and unplaced ones alike are found.
    const loaded = new IdTable();
    ids.forEach((id, row) => loaded.add(row, id));
    loaded.rebuild(ids.length, ids.flatMap((id, row) => (id.startsWith('instance-') ? [[row, id] as [number, string]] : [])));
    loaded.placeSome(1_000);
    loaded.dropFront(400, ids.length);
    const rest = ids.slice(400);
    for (let row = 0; row < rest.length; row++) expect(loaded.row(rest[row])).toBe(row);
    expect(loaded.row(ids[0])).toBeUndefined();
  });

  it('while a renumbering is written slice by slice, every kept id and every id added meanwhile is found, and no dropped one', () => {
    const n = 40_000;
    const table = new IdTable();
    const ids = Array.from({ length: n }, () => randomUUID());
    ids.forEach((id, row) => table.add(row, id));
    // Every fifth row goes.
    const moved = new Int32Array(n);
    let kept = 0;
    for (let row = 0; row < n; row++) moved[row] = row % 5 === 0 ? -1 : kept++;
    table.remap(renumbering(moved, n));
    const keptIds = ids.filter((_, row) => row % 5 !== 0);
    const added: string[] = [];
    let slices = 0;
    for (;;) {
      // Half-written: old and new slots side by side; rows added now land on either side.
      for (let i = 0; i < 200; i++) {
        const id = randomUUID();
        table.add(kept + added.length, id);
        added.push(id);
      }
      const misses = keptIds.flatMap((id, row) => (row % 11 === slices % 11 && table.row(id) !== row ? [row] : []));
      expect(misses).toEqual([]);
      expect(ids.filter((id, row) => row % 5 === 0 && row % 7 === 0 && table.row(id) !== undefined)).toEqual([]);
      expect(added.filter((id, i) => table.row(id) !== kept + i)).toEqual([]);
      if (!table.finishSome(8_192)) break;
      slices++;
    }
    expect(slices).toBeGreaterThan(4);
    for (let row = 0; row < keptIds.length; row++) expect(table.row(keptIds[row])).toBe(row);
    for (let i = 0; i < added.length; i++) expect(table.row(added[i])).toBe(kept + i);
  });
});

describe('LookupTable', () => {
  it('finds every row of a hash while it grows, once each, newest first; after remap and from', () => {
    const table = new LookupTable();
    const expected = new Map<number, Set<number>>();
    const hashOf = (i: number) => (Math.imul(i % 5_003, 0x9e3779b1) >>> 0) || 1;
    for (let i = 0; i < 40_000; i++) {
      const hash = hashOf(i);
      const row = i >> 1;
      table.add(hash, row);
      table.add(hash, row); // a repeat adds nothing
      if (!expected.has(hash)) expected.set(hash, new Set());
      expected.get(hash)!.add(row);
      if (i % 101 === 0) for (const h of [hash, hashOf(i >> 2)]) expect(table.find(h)).toEqual([...expected.get(h)!].sort((a, b) => b - a));
    }
    for (const [h, rows] of expected) expect(table.find(h)).toEqual([...rows].sort((a, b) => b - a));
    expect(table.count).toBe([...expected.values()].reduce((n, s) => n + s.size, 0));
    // Rows below 5,000 go; the others move down by 5,000.
    const moved = new Int32Array(20_000).map((_, r) => (r < 5_000 ? -1 : r - 5_000));
    table.remap(moved);
    const { hashes, rows } = table.entries();
    const again = LookupTable.from(hashes, rows);
    for (const [h, rows] of expected) {
      const kept = [...rows].filter((r) => r >= 5_000).map((r) => r - 5_000).sort((a, b) => b - a);
      expect(table.find(h)).toEqual(kept);
      expect(again.find(h)).toEqual(kept);
    }
  });

  it('retention marks the entries of dropped rows gone in place; once they outnumber the rest they are dropped', () => {
    const table = new LookupTable();
    const hashOf = (row: number) => (Math.imul(row % 1_009, 0x9e3779b1) >>> 0) || 1;
    // What find should give for a hash: the rows (renumbered by every remap so far) that have it.
    let rowsNow = Array.from({ length: 10_000 }, (_, row) => ({ hash: hashOf(row), row }));
    const expected = (hash: number) => rowsNow.filter((e) => e.hash === hash).map((e) => e.row).sort((a, b) => b - a);
    const remap = (moved: Int32Array) => {
      table.remap(moved);
      rowsNow = rowsNow.filter((e) => moved[e.row] >= 0).map((e) => ({ hash: e.hash, row: moved[e.row] }));
    };
    for (const { hash, row } of rowsNow) table.add(hash, row);
    // A third of the rows go: their entries stay (no re-link) but are found no more, nor written out.
    remap(new Int32Array(10_000).map((_, r) => (r % 3 === 0 ? -1 : r - Math.ceil(r / 3))));
    expect(table.count).toBe(10_000);
    for (const row of [0, 3, 4, 500, 1_008]) expect(table.find(hashOf(row))).toEqual(expected(hashOf(row)));
    expect(table.entries().rows.length).toBe(6_666);
    expect(LookupTable.from(table.entries().hashes, table.entries().rows).find(hashOf(4))).toEqual(expected(hashOf(4)));
    // Half of the rest go too: now more gone than kept, and they are dropped for good.
    remap(new Int32Array(6_666).map((_, r) => (r < 3_333 ? -1 : r - 3_333)));
    expect(table.count).toBe(3_333);
    for (const row of [0, 3, 4, 500, 1_008]) expect(table.find(hashOf(row))).toEqual(expected(hashOf(row)));
    table.add(hashOf(0), 3_333);
    expect(table.find(hashOf(0))).toEqual([3_333, ...expected(hashOf(0))]);
  });

  it('after from(), links slice by slice; a find or an add before the end sees every entry once', () => {
    const hashes = new Uint32Array(30_000).map((_, i) => (Math.imul(i % 3_001, 0x9e3779b1) >>> 0) || 1);
    const rows = new Uint32Array(30_000).map((_, i) => i);
    const expectedRows = (h: number, extra: number[] = []) => [...rows.filter((_, i) => hashes[i] === h), ...extra].sort((a, b) => b - a);
    const sliced = LookupTable.from(hashes, rows);
    let slices = 0;
    while (sliced.linkSome(1_000)) slices++;
    expect(slices).toBe(29);
    expect(sliced.find(hashes[17])).toEqual(expectedRows(hashes[17]));
    // Partly linked: a find sees the entries not yet linked.
    const partly = LookupTable.from(hashes, rows);
    partly.linkSome(10_000);
    expect(partly.find(hashes[29_999])).toEqual(expectedRows(hashes[29_999]));
    expect(partly.linkSome(1)).toBe(false);
    // Partly linked, then an add: a repeat of an unlinked entry adds nothing, a new one is found with the rest.
    const adding = LookupTable.from(hashes, rows);
    adding.linkSome(10_000);
    adding.add(hashes[25_000], 25_000);
    adding.add(hashes[25_000], 40_000);
    expect(adding.count).toBe(30_001);
    expect(adding.find(hashes[25_000])).toEqual(expectedRows(hashes[25_000], [40_000]));
    expect(adding.linkSome(1)).toBe(false);
  });
});
