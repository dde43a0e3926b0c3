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
    for (let row = 0; row < n; row++) {
      table.add(row, ids[row]);
      // The newest, and older ones spread over what the tables moved so far.
      for (const probe of [row, row >> 1, row >> 3, (row * 7919) % (row + 1)]) expect(table.row(ids[probe])).toBe(probe);
    }
    for (let row = 0; row < n; row++) expect(table.row(ids[row])).toBe(row);
    expect(table.row(randomUUID())).toBeUndefined();
    table.rebuild(n, ids.flatMap((id, row) => (row % 97 === 0 ? [[row, id] as [number, string]] : [])));
    for (let row = 0; row < n; row += 13) expect(table.row(ids[row])).toBe(row);
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
});
