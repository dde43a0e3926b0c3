// A data directory written before deliveries kept their attempts apart: its delivery records
// hold the payload and every attempt inline. After the upgrade a finished one still shows its
// attempts and body, and a pending one is still delivered with its payload.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src-main/store';
import { startHarness, tempDir } from '../helpers/harness';
import { startReceiver } from '../helpers/receiver';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('deliveries stored by an earlier version', () => {
  it('shows a finished one with its inline attempts and body, and delivers a pending one with its payload', async () => {
    const dir = await tempDir();
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const first = await startHarness({ dir });
    const dest = (await first.http('POST', '/api/destinations', { body: { name: 'old receiver', kind: 'webhook', uri: receiver.url, event_type: ['security_event'] } })).json;
    await first.stop();

    const store = createStore({ dataDir: dir, retentionIntervalMs: 0 });
    await store.open();
    const organization = store.config().destinations[0].organization;
    const at = new Date().toISOString();
    const base = { organization, destination_id: dest.id, event_id: null, alert_id: null, origin: 'event', redelivery_of: null, dead_reason: null, created_at: at, updated_at: at };
    const finished = {
      ...base, id: randomUUID(), status: 'succeeded', attempt_count: 1, next_attempt_at: null, body: '[{"old":"finished"}]',
      attempts: [{ at, duration_ms: 12, request: { url: receiver.url, headers: { 'content-type': 'application/json' }, body: '[{"old":"finished"}]' }, response: { status: 200, headers: {}, body: 'ok' }, error_class: null, error: null }],
    };
    const pending = { ...base, id: randomUUID(), status: 'pending', attempt_count: 0, next_attempt_at: at, body: '[{"old":"pending"}]', attempts: [] };
    await store.appendState([finished, pending].map((d) => ({ kind: 'delivery', id: d.id, data: d })));
    await store.close();

    const h = await startHarness({ dir });
    cleanups.push(() => h.stop());
    // Listed by destination at once: the upgrade rewrote both with their keys before the start.
    const list = await h.http('GET', `/api/deliveries?destination=${dest.id}`);
    expect(list.status).toBe(200);
    expect(list.json.items.map((d: { id: string }) => d.id).sort()).toEqual([finished.id, pending.id].sort());
    const [got] = await receiver.waitFor(1);
    expect(got.body).toBe('[{"old":"pending"}]');
    const shown = await h.http('GET', `/api/deliveries/${finished.id}`);
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ id: finished.id, status: 'succeeded', body: '[{"old":"finished"}]' });
    expect(shown.json.attempts).toHaveLength(1);
    expect(shown.json.attempts[0]).toMatchObject({ response: { status: 200 }, request: { url: receiver.url, body: '[{"old":"finished"}]' } });
    await h.stop();
    cleanups.pop();

    // Rewritten in the current shape: the finished one has left memory.
    const after = createStore({ dataDir: dir, retentionIntervalMs: 0 });
    await after.open();
    const live = after.liveState().filter((r) => r.kind === 'delivery').map((r) => r.id);
    await after.close();
    expect(live).not.toContain(finished.id);
  });
});
