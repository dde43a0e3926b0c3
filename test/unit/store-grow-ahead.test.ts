// Index tables grow before they are full, one array per turn of the event loop, so that no
// turn copies a whole table; rows added while a growth is half done are kept exactly.
import { describe, expect, it } from 'vitest';
import { GrowAhead } from '../../src-main/store/grow-ahead';
import { StateIndex } from '../../src-main/store/state-index';
import { EventIndex, type IndexedEvent } from '../../src-main/store/event-index';
import { randomUUID } from 'node:crypto';

const turn = () => new Promise<void>((r) => setImmediate(r));

describe('growing ahead', () => {
  it('starts at three quarters full and runs one step per turn, the new capacity last', async () => {
    const ran: string[] = [];
    const steps = (to: number) => ['a', 'b', 'c'].map((name) => () => void ran.push(`${name}${to}`));
    const g = new GrowAhead(steps, (to) => ran.push(`done${to}`));
    g.room(5, 8);
    expect(ran).toEqual([]); // under three quarters: nothing
    g.room(6, 8);
    expect(ran).toEqual([]); // scheduled, not run in this turn
    await turn();
    expect(ran).toEqual(['a16']);
    g.room(7, 8); // under way: not started again
    await turn();
    await turn();
    await turn();
    expect(ran).toEqual(['a16', 'b16', 'c16', 'done16']);
  });

  it('a table full before the steps have run grows at once', async () => {
    const ran: string[] = [];
    const steps = (to: number) => ['a', 'b'].map((name) => () => void ran.push(`${name}${to}`));
    const g = new GrowAhead(steps, (to) => ran.push(`done${to}`));
    g.room(6, 8);
    await turn();
    g.room(8, 8);
    expect(ran).toEqual(['a16', 'b16', 'done16']);
    await turn();
    expect(ran).toEqual(['a16', 'b16', 'done16']); // nothing left to run
  });

  it('events and state records added while their tables grow are all found again', async () => {
    const index = new EventIndex(256);
    const states = new StateIndex();
    const list: IndexedEvent[] = [];
    for (let i = 0; i < 3000; i++) {
      const e: IndexedEvent = {
        id: randomUUID(), organization: 'org', source: 's', source_name: 'S', dialect: 'generic', received_at: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
        title: `t${i}`, severity: 'high', status: 'OPEN', priority: 'HIGH', alert_id: randomUUID(),
      };
      list.push(e);
      index.add(e, { segment: 1, offset: i * 10, length: 300 + i });
      states.put('delivery', e.id, { segment: 1, offset: i * 10, length: 300 + i }, { organization: 'org', status: 'ok', event_id: e.id }, false, null);
      // Turns between some rows: a growth is half done while rows keep coming.
      if (i % 97 === 0) await turn();
    }
    list.forEach((e, i) => {
      expect(index.seqOf(e.id)).toBe(i);
      expect(index.summary(i)).toEqual(e);
      expect(index.location(i)).toEqual({ segment: 1, offset: i * 10, length: 300 + i });
      expect(states.find('delivery', e.id)).toEqual({ location: { segment: 1, offset: i * 10, length: 300 + i } });
    });
    expect(states.count('delivery', { organization: 'org', event_id: list[2999].id })).toBe(1);
  });
});
