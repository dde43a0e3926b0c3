// The store's hash tables grow a few entries per insert instead of all at once: every id and
// lookup value is found at every moment, before, during and after each growth.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
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
    const again = LookupTable.from(table.hashes.subarray(0, table.count), table.rows.subarray(0, table.count));
    for (const [h, rows] of expected) {
      const kept = [...rows].filter((r) => r >= 5_000).map((r) => r - 5_000).sort((a, b) => b - a);
      expect(table.find(h)).toEqual(kept);
      expect(again.find(h)).toEqual(kept);
    }
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
