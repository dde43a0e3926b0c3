// The compact event index on its own: ids (UUIDs as bytes, others as strings) found again
// after the hash table grew, columns widening past one byte, dropping the oldest segments,
// and an image (what the snapshot stores) giving back the same index.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Column, EventIndex, type IndexedEvent } from '../../src-main/store/event-index';

function events(n: number): IndexedEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i % 10 === 0 ? `custom-id-${i}` : randomUUID(),
    organization: `org-${i % 3}`,
    source: `source-${i % 300}`, // more than 255 distinct: the column widens
    source_name: `Source ${i % 300}`,
    dialect: 'generic',
    received_at: i % 7 === 0 ? `2026-01-01T00:00:00.${String(i % 1000).padStart(3, '0')}+00:00` : new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
    title: `title ${i % 70_000}`,
    severity: i % 2 ? 'high' : 'low',
    status: 'OPEN',
    priority: 'HIGH',
    alert_id: i % 5 === 0 ? null : `alert-${i % 400}`,
  }));
}

function fill(index: EventIndex, list: IndexedEvent[]): void {
  list.forEach((e, i) => index.add(e, { segment: 1 + Math.floor(i / 1000), offset: (i % 1000) * 100, length: 70_000 + i }));
}

const summaryOf = (e: IndexedEvent) => ({ ...e, alert_id: e.alert_id ?? null });

describe('event index', () => {
  it('a column has no array of its own until it holds a value other than 0', () => {
    const empty = new Column(1, 1000);
    const wide = new Column(4, 1000);
    expect(wide.a.buffer).toBe(empty.a.buffer); // both read the shared zeros
    wide.set(5, 0);
    expect(wide.a.buffer).toBe(empty.a.buffer);
    wide.set(7, 70_000);
    expect(wide.a.buffer).not.toBe(empty.a.buffer);
    expect([wide.width, wide.a[7], wide.a[5], empty.a[7]]).toEqual([4, 70_000, 0, 0]);
    empty.grow(5000);
    wide.grow(5000);
    expect(empty.a.length).toBeGreaterThanOrEqual(5000);
    expect([empty.a[4999], wide.a[7], wide.a.length]).toEqual([0, 70_000, 5000]);
    const loaded = new Column(1, 5000);
    loaded.load(new Uint16Array(300));
    expect(loaded.a.buffer).toBe(empty.a.buffer);
    loaded.load(Uint16Array.from({ length: 300 }, (_, i) => i * 2));
    expect([loaded.width, loaded.a[299], loaded.a.length]).toEqual([2, 598, 5000]);
    expect(empty.a.every((v) => v === 0)).toBe(true);
  });

  it('finds every event by id and gives back its summary and location exactly', () => {
    const list = events(5000);
    const index = new EventIndex(16);
    fill(index, list);
    expect(index.size).toBe(5000);
    list.forEach((e, i) => {
      expect(index.seqOf(e.id)).toBe(i);
      expect(index.summary(i)).toEqual(summaryOf(e));
      expect(index.location(i)).toEqual({ segment: 1 + Math.floor(i / 1000), offset: (i % 1000) * 100, length: 70_000 + i });
    });
    expect(index.has(randomUUID())).toBe(false);
    expect(index.has('custom-id-1')).toBe(false);
    expect(index.has(list[1].id.toUpperCase())).toBe(false);
  });

  it('keeps ids that only look like UUIDs exactly as given', () => {
    const index = new EventIndex();
    const base = events(1)[0];
    const tricky = [
      '00000000-0000-0000-0000-000000000000', // nil: all-zero words mean "not a UUID"
      'ABCDEF01-2345-4678-9abc-def012345678', // upper case is not canonical
      'abcdef01-2345-4678-9abc-def01234567g',
      'abcdef01x2345-4678-9abc-def012345678',
      'abcdef01-2345-4678-9abc-def012345678', // a real one among them
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
    ];
    tricky.forEach((id, i) => index.add({ ...base, id }, { segment: 1, offset: i, length: 1 }));
    tricky.forEach((id, i) => {
      expect(index.seqOf(id)).toBe(i);
      expect(index.summary(i).id).toBe(id);
    });
    expect(index.has('abcdef01-2345-4678-9abc-def012345679')).toBe(false);
    expect(index.has('abcdef01-2345-4678-9abc-def01234567G')).toBe(false);
  });

  it('filters newest first, by organization and by field, with the same results as a plain scan', () => {
    const list = events(3000);
    const index = new EventIndex();
    fill(index, list);
    const take = (filter: Parameters<EventIndex['scan']>[0], before = index.end) => {
      const out: number[] = [];
      index.scan(filter, before, (seq) => out.push(seq) < 40);
      return out;
    };
    const plain = (pred: (e: IndexedEvent) => boolean, before = list.length) => list.map((e, i) => [e, i] as const).filter(([e, i]) => i < before && pred(e)).map(([, i]) => i).reverse().slice(0, 40);
    expect(take({ organization: 'org-1', severity: 'high' })).toEqual(plain((e) => e.organization === 'org-1' && e.severity === 'high'));
    // The first organization indexed has no list of its own: its rows are found by a walk of the column.
    expect(take({ organization: 'org-0' })).toEqual(plain((e) => e.organization === 'org-0'));
    expect(take({ organization: 'org-0', severity: 'high' }, 1500)).toEqual(plain((e) => e.organization === 'org-0' && e.severity === 'high', 1500));
    expect(take({ organization: 'org-2' }, 1500)).toEqual(plain((e) => e.organization === 'org-2', 1500));
    expect(take({ source: 'source-299' }, 2500)).toEqual(plain((e) => e.source === 'source-299', 2500));
    expect(take({ organization: 'org-9' })).toEqual([]);
    expect(take({ dialect: 'splunk_hec' })).toEqual([]);
  });

  it('drops the rows of the oldest segments and still finds the rest', () => {
    const list = events(4500);
    const index = new EventIndex();
    fill(index, list);
    expect(index.dropSegmentsBelow(3)).toBe(2000);
    expect(index.first).toBe(2000);
    expect(index.size).toBe(2500);
    for (const e of list.slice(0, 2000)) expect(index.has(e.id)).toBe(false);
    list.slice(2000).forEach((e, i) => {
      expect(index.seqOf(e.id)).toBe(2000 + i);
      expect(index.summary(2000 + i)).toEqual(summaryOf(e));
    });
    const more = events(10);
    more.forEach((e) => index.add(e, { segment: 9, offset: 0, length: 1 }));
    expect(index.seqOf(more[9].id)).toBe(4509);
  });

  it('an image rebuilds the same index', () => {
    const list = events(2500);
    const index = new EventIndex();
    fill(index, list);
    index.dropSegmentsBelow(2);
    const image = index.image();
    // Arrays with room to grow are adopted; exact-size ones are copied into larger ones.
    const exact = { ...image, idWords: image.idWords.slice(), received: image.received.slice(), columns: Object.fromEntries(Object.entries(image.columns).map(([k, v]) => [k, v.slice()])) as typeof image.columns };
    for (const copy of [EventIndex.fromImage(structuredClone(image)), EventIndex.fromImage(exact)]) {
      expect(copy.size).toBe(index.size);
      expect(copy.first).toBe(index.first);
      for (const organization of ['org-0', 'org-1']) {
        const seqs = (i: EventIndex) => {
          const out: number[] = [];
          i.scan({ organization }, i.end, (seq) => out.push(seq) > 0);
          return out;
        };
        expect(seqs(copy)).toEqual(seqs(index));
      }
      for (let seq = index.first; seq < index.end; seq++) {
        expect(copy.summary(seq)).toEqual(index.summary(seq));
        expect(copy.seqOf(index.summary(seq).id)).toBe(seq);
      }
      for (const next of events(3)) {
        copy.add(next, { segment: 5, offset: 0, length: 1 });
        expect(copy.summary(copy.end - 1)).toEqual(summaryOf(next));
        expect(copy.seqOf(next.id)).toBe(copy.end - 1);
      }
    }
  });
});
