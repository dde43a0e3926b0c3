// Retention at scale, in-process on the file store: `events` events, each with its own alert
// (resolved, so retention may drop it) and a succeeded delivery, written in batches as the
// pipeline commits them; then retention by size drops the oldest ~1 % of the store while a
// 1 ms timer measures how long the event loop is blocked, up to and including the first
// lookups after it (an event by id, an alert by its short id). Target: no pause over 100 ms.
//   npx tsx bench/retention.ts [events]     (or in `npm run bench`)
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingest } from '../src-main/core/ingest';
import type { NormalizedEvent, Organization, RequestMeta } from '../src-main/core/types';
import { createStore } from '../src-main/store';
import type { StateRecord } from '../src-main/store/types';
import { ROOT } from './appliance';

export interface RetentionRow {
  scenario: string;
  events: number;
  state_rows: number;
  dropped_events: number;
  retention_ms: number;
  loop_block_max_ms: number;
  first_lookup_ms: number;
  target: string;
}

const BATCH = 1_000;

/** One normalized generic event to copy (the fixture, as ingest makes it). */
async function baseEvent(organization: Organization): Promise<NormalizedEvent> {
  const body = JSON.parse(await readFile(join(ROOT, 'test/fixtures/generic-alert.json'), 'utf8'));
  const request: RequestMeta = { method: 'POST', path: '/v1/ingest/generic', remote_address: '127.0.0.1', user_agent: 'bench', content_length: 479, content_type: 'application/json', auth: 'api_key', key_id: 'bench', idempotency_key: null, headers: [] };
  const result = await ingest('generic', body, { organization, source: null, receivedAt: new Date(), request, customMappings: [], newId: randomUUID });
  if (!result.ok) throw new Error(`the fixture does not normalize: ${JSON.stringify(result.errors)}`);
  return result.events[0];
}

/** The longest gap between ticks of a 1 ms timer while it runs: the event loop blocked. */
function loopWatch(): { stop(): number } {
  let last = performance.now();
  let max = 0;
  const t = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(t);
      return Math.max(max, performance.now() - last);
    },
  };
}

export async function runRetention(events: number): Promise<RetentionRow> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sy-bench-retention-'));
  const store = createStore({ dataDir, retentionIntervalMs: 0, snapshotEveryRecords: 0, compressSealed: false, segmentMaxBytes: 4 * 1024 * 1024 });
  try {
    await store.open();
    const organization = { id: randomUUID(), name: 'bench' } as Organization;
    const base = await baseEvent(organization);
    const destination = randomUUID();
    let kept = '';
    let keptShort = '';
    for (let done = 0; done < events; done += BATCH) {
      const batch: NormalizedEvent[] = [];
      const state: StateRecord[] = [];
      for (let i = done; i < Math.min(events, done + BATCH); i++) {
        const id = randomUUID();
        const alertId = randomUUID();
        const short = `AL${i.toString(36).padStart(10, '0')}`;
        const at = Date.now();
        batch.push({ ...base, id, title: `${base.title} ${i}`, alert_id: alertId });
        state.push(
          { kind: 'alert', id: alertId, live: false, data: { kind: 'alert', alert: { id: alertId, short_id: short, organization: organization.id, status: 'resolved', title: `${base.title} ${i}` } }, keys: { organization: organization.id, status: 'resolved', group: '', lookup: [`s:${short}`], at } },
          { kind: 'delivery', id: randomUUID(), live: false, data: { event_id: id, destination_id: destination, status: 'succeeded', attempts: 1 }, keys: { organization: organization.id, status: 'succeeded', group: destination, event_id: id, alert_id: alertId, at } },
        );
        if (i === events - 1) [kept, keptShort] = [id, short];
      }
      await store.appendEvents(batch, state);
    }
    const before = store.stats();
    const watch = loopWatch();
    const t0 = performance.now();
    // The oldest ~1 % goes (whole segments, oldest first, while the store is above the size).
    const policy = await store.setRetention({ max_age_days: null, max_bytes: Math.floor(before.bytes * 0.99) }); // applied at once
    const retentionMs = performance.now() - t0;
    const l0 = performance.now();
    const found = (await store.getEvent(kept)) !== undefined && (await store.lookupState('alert', organization.id, `s:${keptShort}`)).length === 1;
    const firstLookupMs = performance.now() - l0;
    const blocked = watch.stop();
    if (!found) throw new Error('retention lost a record it should have kept');
    if (policy.max_bytes === null) throw new Error('retention policy not stored');
    return {
      scenario: `retention of ~1 % of ${events} events (each its own alert and delivery)`,
      events,
      state_rows: 2 * events,
      dropped_events: before.events - store.stats().events,
      retention_ms: Math.round(retentionMs),
      loop_block_max_ms: Math.round(blocked),
      first_lookup_ms: +firstLookupMs.toFixed(1),
      target: 'no event-loop pause over 100 ms',
    };
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table([await runRetention(Number(process.argv[2] ?? 1_000_000))]);
}
