// The compact event index on its own: ids (UUIDs as bytes, others as strings) found again
// after the hash table grew, columns in chunks widening past one byte, dropping the oldest
// segments, and an image (what the snapshot stores) giving back the same index.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHUNK_ROWS, Column } from '../../src-main/store/chunked';
import { EventIndex, type IndexedEvent } from '../../src-main/store/event-index';

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
  it('a column keeps its rows in chunks: never-written chunks share one array of zeros, widening keeps every value', () => {
    const empty = new Column(1);
    const wide = new Column(4);
    wide.set(5, 0);
    wide.set(CHUNK_ROWS * 2 + 7, 70_000); // a chunk of its own; the two before it are the shared zeros
    const [z0, z1, own] = wide.pieces(CHUNK_ROWS * 3);
    expect(z0.buffer).toBe(z1.buffer);
    expect(own.buffer).not.toBe(z0.buffer);
    expect(empty.pieces(CHUNK_ROWS * 2).map((p) => p.length)).toEqual([CHUNK_ROWS, CHUNK_ROWS]);
    expect([wide.width, wide.get(CHUNK_ROWS * 2 + 7), wide.get(5), empty.get(7), empty.get(CHUNK_ROWS * 5)]).toEqual([4, 70_000, 0, 0, 0]);
    const narrow = new Column(1);
    for (let row = 0; row < CHUNK_ROWS + 300; row++) narrow.set(row, row % 200);
    narrow.set(CHUNK_ROWS + 299, 598); // past one byte: every chunk widens
    expect([narrow.width, narrow.get(CHUNK_ROWS + 299), narrow.get(199), narrow.get(CHUNK_ROWS + 100)]).toEqual([2, 598, 199, (CHUNK_ROWS + 100) % 200]);
    // A loaded column adopts whole-chunk pieces and keeps all-zero ones as the shared zeros.
    const loaded = Column.load(narrow.pieces(CHUNK_ROWS + 300));
    expect(loaded.pieces(CHUNK_ROWS + 300)[0].buffer).toBe(narrow.pieces(1)[0].buffer);
    expect(Column.load([new Uint16Array(CHUNK_ROWS)]).pieces(1)[0].buffer).toBe(new Column(2).pieces(1)[0].buffer);
    // Retention moves rows down across chunk edges and forgets the rest.
    loaded.copyWithin(0, 250, CHUNK_ROWS + 300);
    loaded.truncate(CHUNK_ROWS + 50);
    expect([loaded.get(0), loaded.get(CHUNK_ROWS - 1), loaded.get(CHUNK_ROWS + 49), loaded.get(CHUNK_ROWS + 50)]).toEqual([50, (CHUNK_ROWS + 249) % 200, 598, 0]);
  });

  it('finds every event by id and gives back its summary and location exactly', () => {
    const list = events(40_000); // rows in three chunks
    const index = new EventIndex();
    fill(index, list);
    expect(index.size).toBe(40_000);
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
    const list = events(40_000);
    const index = new EventIndex();
    fill(index, list);
    expect(index.dropSegmentsBelow(20)).toBe(19_000); // not a whole number of chunks
    expect(index.first).toBe(19_000);
    expect(index.size).toBe(21_000);
    for (const e of list.slice(0, 19_000)) expect(index.has(e.id)).toBe(false);
    list.slice(19_000).forEach((e, i) => {
      expect(index.seqOf(e.id)).toBe(19_000 + i);
      expect(index.summary(19_000 + i)).toEqual(summaryOf(e));
    });
    const more = events(10);
    more.forEach((e) => index.add(e, { segment: 99, offset: 0, length: 1 }));
    expect(index.seqOf(more[9].id)).toBe(40_009);
    expect(index.summary(40_009)).toEqual(summaryOf(more[9]));
  });

  it('an image rebuilds the same index', () => {
    const list = events(40_000);
    const index = new EventIndex();
    fill(index, list);
    index.dropSegmentsBelow(2);
    const image = index.image();
    // Whole-chunk pieces are adopted; exact-size ones (a copy's last piece) are copied into chunks.
    const exact = { ...image, idWords: image.idWords.map((p) => p.slice()), received: image.received.map((p) => p.slice()), columns: Object.fromEntries(Object.entries(image.columns).map(([k, v]) => [k, v.map((p) => p.slice())])) as typeof image.columns };
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
