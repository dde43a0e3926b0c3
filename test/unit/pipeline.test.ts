// The ingest pipeline without HTTP: a real store over a temp directory, the real signals
// and delivery runtimes, the real bus. What a caller gets back (results or domain errors),
// what is on disk after it, and what was published.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EventBus, type StreamMessage } from '../../src-main/bus';
import { createOrg, ensureDefaultOrg } from '../../src-main/core/config-ops';
import { createDestination } from '../../src-main/core/destinations';
import { createDefinition } from '../../src-main/core/signals/config-ops';
import type { Dialect, Organization } from '../../src-main/core/types';
import { DeliveryRuntime } from '../../src-main/delivery-runtime';
import { createLogger } from '../../src-main/logger';
import { createPipeline, type Pipeline, type Submission } from '../../src-main/pipeline/accept';
import { IdConflict, InvalidSubmission } from '../../src-main/pipeline/errors';
import { SignalsRuntime } from '../../src-main/signals-runtime';
import { createStore, StoreUnavailableError, type Store, type StoreFs } from '../../src-main/store';
import { faultyDisk } from '../helpers/faulty-disk';
import { requestMeta } from '../helpers/ingest-fixtures';
import { useTempDirs } from '../helpers/temp-dirs';

const { tempDir, toClose } = useTempDirs<{ close(): Promise<unknown> }>('sy-pipeline-');

interface Rig {
  store: Store;
  pipeline: Pipeline;
  signals: SignalsRuntime;
  org: Organization;
  messages: StreamMessage[];
  counts: [Dialect, string, number][];
}

async function rig(fs?: StoreFs): Promise<Rig> {
  const now = () => new Date();
  const store = createStore({ dataDir: await tempDir(), ...(fs ? { fs } : {}) });
  await store.open();
  const bus = new EventBus();
  const logger = createLogger({ write: () => undefined });
  const signals = new SignalsRuntime(store, bus, logger, now);
  const deliveries = new DeliveryRuntime(store, bus, logger, now, () => 'http://127.0.0.1:1');
  // Closed in reverse: the runtimes before the store they write to.
  toClose.push({ close: () => deliveries.close().then(() => signals.stop()).then(() => store.close()) });
  const messages: StreamMessage[] = [];
  bus.subscribe((m) => messages.push(m));
  const counts: Rig['counts'] = [];
  const pipeline = createPipeline({ store, signals, deliveries, bus, now, newId: randomUUID, counted: (d, o, n) => void counts.push([d, o, n]) });
  const org = await store.updateConfig((d) => ensureDefaultOrg(d, now()));
  return { store, pipeline, signals, org, messages, counts };
}

const generic = (r: Rig, body: unknown, idempotencyKey: string | null = null): Submission => ({
  dialect: 'generic', body, organization: r.org, source: null, request: requestMeta({ path: '/v1/ingest/generic', idempotency_key: idempotencyKey }),
});

describe('the ingest pipeline', () => {
  it('stores a valid body with its decision and alert in one commit, then publishes the event and the alert', async () => {
    const r = await rig();
    const accepted = await r.pipeline.accept(generic(r, { title: 'disk full on db-1', severity: 'High' }));
    expect(accepted).toEqual({ duplicate: false, ids: [expect.any(String)], alertIds: [expect.any(String)] });
    const [id] = accepted.ids;
    const [alertId] = accepted.alertIds;
    expect(await r.store.getEvent(id)).toMatchObject({ id, title: 'disk full on db-1', alert_id: alertId, decision: { action: 'opened_alert' } });
    expect(await r.store.getState('alert', alertId!)).toMatchObject({ alert: { id: alertId, status: 'open', title: 'disk full on db-1' } });
    expect(r.messages.map((m) => m.type)).toEqual(['event.created', 'alert.changed']);
    expect(r.messages[0].data).toMatchObject({ id, alert_id: alertId, title: 'disk full on db-1' });
    expect(r.counts).toEqual([['generic', 'duplicate', 0], ['generic', 'accepted', 1]]);
  });

  it('answers an exact retry with the first event and its alert; nothing new is stored or published', async () => {
    const r = await rig();
    const first = await r.pipeline.accept(generic(r, { title: 'retry me' }, 'key-1'));
    const published = r.messages.length;
    const again = await r.pipeline.accept(generic(r, { title: 'retry me' }, 'key-1'));
    expect(again).toEqual({ duplicate: true, ids: first.ids, alertIds: first.alertIds });
    expect(r.store.stats().events).toBe(1);
    expect(r.messages).toHaveLength(published);
    expect(r.counts.slice(2)).toEqual([['generic', 'duplicate', 1], ['generic', 'accepted', 0]]);
  });

  it('throws InvalidSubmission with every field problem; nothing is stored, published or counted', async () => {
    const r = await rig();
    const err = await r.pipeline.accept(generic(r, { severity: 'Severe', tags: 'x' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidSubmission);
    const errors = (err as InvalidSubmission).errors;
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const e of errors) expect(e).toMatch(/^[\w.[\]]+: /);
    expect(r.store.stats().events).toBe(0);
    expect(r.messages).toEqual([]);
    expect(r.counts).toEqual([]);
  });

  it("throws IdConflict for an instance id another organization's event has, and undoes the alert it had decided", async () => {
    const r = await rig();
    const now = new Date();
    const other = await r.store.updateConfig((d) => createOrg(d, { name: 'Other Co' }, now));
    await r.store.updateConfig((d) => createDefinition(d, other.id, { name: 'procs', external_id: 'procs', create_case: false }, now));
    const raw = { name: 'process_events', id: 'b0d1e5a4-0c55-4f0e-8d0c-6f1f3c9a2e11', externalId: 'procs' };
    const instance = (organization: Organization): Submission => ({
      dialect: 'signal_instance', body: { project: 'p', raw }, organization, source: null, request: requestMeta({ path: '/api/v1/x/signals/instances' }),
    });
    await r.pipeline.accept(instance(r.org));
    const published = r.messages.length;
    const err = await r.pipeline.accept(instance(other)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdConflict);
    expect((err as IdConflict).errors).toEqual([`raw.id: "${raw.id}" is already the id of another organization's event`]);
    expect((await r.signals.listAlerts(other.id, {}, { limit: 10 }))!.items).toEqual([]);
    expect(r.store.stats().events).toBe(1);
    expect(r.messages).toHaveLength(published);
  });

  it('lets a store failure through as the store threw it, undoes the decision, and works again once the disk does', async () => {
    const disk = faultyDisk();
    const r = await rig(disk.fs);
    disk.fail('EIO');
    const err = await r.pipeline.accept(generic(r, { title: 'lost' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((await r.signals.listAlerts(r.org.id, {}, { limit: 10 }))!.items).toEqual([]);
    expect(r.messages).toEqual([]);
    disk.recover();
    const ok = await r.pipeline.accept(generic(r, { title: 'kept' }));
    expect((await r.signals.listAlerts(r.org.id, {}, { limit: 10 }))!.items.map((a) => a.id)).toEqual(ok.alertIds);
  });

  it('commits the notifications an event owes with it, then rings the bell', async () => {
    const r = await rig();
    await r.store.updateConfig((d) => createDestination(d, r.org.id, { name: 'bell', kind: 'in_app' }, { validateHeaders: () => [], newSecret: () => 'whsec_x' }, new Date()));
    const { ids } = await r.pipeline.accept(generic(r, { title: 'ring' }));
    const notes = r.store.liveState().filter((s) => s.kind === 'notification');
    expect(notes.map((s) => s.data)).toEqual([expect.objectContaining({ event_id: ids[0], title: 'ring', read_at: null })]);
    expect(r.messages.map((m) => m.type)).toEqual(['event.created', 'alert.changed', 'notification.created']);
  });
});
