// Signals become alerts and cases over real HTTP, with a fake clock for time rules.
import { rm } from 'node:fs/promises';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, fixture, startHarness, tempDir, type Harness } from '../helpers/harness';

let h: Harness;
let clock: Date;
const advance = (s: number) => (clock = new Date(clock.getTime() + s * 1000));

beforeEach(async () => {
  clock = new Date('2026-11-01T10:00:00Z');
  h = await startHarness({ now: () => clock, tickMs: 0 });
});
afterEach(async () => h.stop());

const post = (path: string, body: unknown) => h.http('POST', path, { body });
const get = async (path: string) => (await h.http('GET', path)).json;
// A signal instance event keeps the whole request body as `raw`, so filters read `raw.raw.<field>`.
const instance = (id: string, raw: Record<string, unknown> = {}) => ({ project: 'Test', raw: { id, name: 'process_events', externalId: 'someExternalValue', variant: 'A', hostIdentifier: 'host1', ...raw } });

describe('grouping by idempotency key', () => {
  it('joins while open, resolves on CLOSED, opens anew after, and explains each decision', async () => {
    const open = await fixture('event-open.json');
    const first = (await post('/v1/ingest/event', open)).json;
    const second = (await post('/v1/ingest/event', open)).json;
    expect(second.alert_id).toBe(first.alert_id);
    let alert = await get(`/api/alerts/${first.alert_id}`);
    expect(alert).toMatchObject({ status: 'open', event_count: 2, idempotency_key: '18913k2b63ifs', short_id: expect.stringMatching(/^AL[0-9A-Za-z]{10}$/) });

    const decision = (await get(`/api/events/${second.event_id}`)).decision;
    expect(decision).toMatchObject({ action: 'joined_alert', rule: 'idempotency_key_join', alert_id: first.alert_id });
    expect(decision.text).toContain('idempotency_key_join');
    expect(decision.text).toContain('18913k2b63ifs');

    const closed = (await post('/v1/ingest/event', await fixture('event-closed.json'))).json;
    alert = await get(`/api/alerts/${first.alert_id}`);
    expect(alert.status).toBe('resolved');
    expect((await get(`/api/events/${closed.event_id}`)).decision).toMatchObject({ action: 'resolved_alerts', rule: 'close_resolves_key', resolved_alert_ids: [first.alert_id] });
    expect(alert.timeline.map((t: any) => t.kind)).toEqual(['opened', 'event_joined', 'resolved']);

    const reopened = (await post('/v1/ingest/event', open)).json;
    expect(reopened.alert_id).not.toBe(first.alert_id);
    expect((await get(`/api/events/${reopened.event_id}`)).decision.rule).toBe('reopen_after_resolve');
    // The short id works as well as the UUID.
    expect((await get(`/api/alerts/${alert.short_id}`)).id).toBe(first.alert_id);
  });

  it('gives each event without a key its own alert', async () => {
    const a = (await post('/v1/ingest/generic', { title: 'one' })).json;
    const b = (await post('/v1/ingest/generic', { title: 'one' })).json;
    expect(a.alert_id).not.toBe(b.alert_id);
    expect((await get(`/api/events/${a.event_id}`)).decision.rule).toBe('no_key_own_alert');
  });

  it('lists alerts of one severity; an unknown severity is a 400 naming the field', async () => {
    await post('/v1/ingest/generic', { title: 'high one', severity: 'High' });
    await post('/v1/ingest/generic', { title: 'low one', severity: 'Low' });
    expect((await get('/api/alerts?severity=high')).items.map((a: any) => a.title)).toEqual(['high one']);
    expect((await get('/api/alerts?severity=low')).items.map((a: any) => a.title)).toEqual(['low one']);
    expect((await get('/api/alerts?severity=loud')).errors[0]).toMatch(/^severity: must be one of /);
  });

  it('counts every alert that matches the filters (total), whatever the page size', async () => {
    const made = [];
    // Titles no short id or UUID can hold (text also matches those).
    for (const title of ['disk full', 'cpu hot', 'net down']) made.push((await post('/v1/ingest/generic', { title })).json);
    await post(`/api/alerts/${made[0].alert_id}/resolve`, undefined);
    const open = await get('/api/alerts?status=open&limit=1');
    expect(open.items).toHaveLength(1);
    expect(open.total).toBe(2);
    expect(open.next_cursor).toEqual(expect.any(String));
    expect((await get('/api/alerts')).total).toBe(3);
    expect((await get('/api/alerts?status=resolved')).total).toBe(1);
    expect((await get('/api/alerts?text=net%20down')).total).toBe(1);
  });

  it("lists an alert's events by title and time, oldest first", async () => {
    const open = await fixture('event-open.json');
    const first = (await post('/v1/ingest/event', open)).json;
    advance(60);
    const second = (await post('/v1/ingest/event', { ...open, summary: 'the same thing again' })).json;
    const events = await get(`/api/alerts/${first.alert_id}/events`);
    expect(events.items.map((e: any) => e.id)).toEqual([first.event_id, second.event_id]);
    expect(events.items[1]).toMatchObject({ title: 'the same thing again', received_at: '2026-11-01T10:01:00.000Z', severity: expect.any(String), source_name: expect.any(String) });
    expect((await h.http('GET', '/api/alerts/nope/events')).status).toBe(404);
  });

  it('acknowledges, resolves and dismisses by hand, refusing impossible moves', async () => {
    const a = (await post('/v1/ingest/generic', { title: 'hand' })).json;
    expect((await post(`/api/alerts/${a.alert_id}/ack`, undefined)).json.status).toBe('acknowledged');
    expect((await post(`/api/alerts/${a.alert_id}/resolve`, undefined)).json.status).toBe('resolved');
    const again = await post(`/api/alerts/${a.alert_id}/ack`, undefined);
    expect(again.status).toBe(400);
    expect(again.json.errors[0]).toMatch(/^action: cannot acknowledge/);
    const b = (await post('/v1/ingest/generic', { title: 'dismiss me' })).json;
    expect((await post(`/api/alerts/${b.alert_id}/dismiss`, undefined)).json.status).toBe('dismissed');
    expect((await get('/api/alerts?status=dismissed')).items.map((x: any) => x.id)).toEqual([b.alert_id]);
  });
});

describe('definitions, filters and cases', () => {
  const definition = { name: 'Process events', external_id: 'someExternalValue', variant: 'A', conversation_target: '#sec-cases', owner: 'secops' };

  it('409 names the external id clash; attaches by external id + variant; unknown ids stay unattached', async () => {
    const def = await post('/api/definitions', definition);
    expect(def.status).toBe(201);
    const clash = await post('/api/definitions', { ...definition, name: 'Copy' });
    expect(clash.status).toBe(409);
    expect(clash.json.errors[0]).toContain('"someExternalValue"');
    expect(clash.json.errors[0]).toContain('Process events');

    const attached = (await post('/api/v1/default/signals/instances', await fixture('dispatch-signal-instance.json'))).json;
    const ev = await get(`/api/events/${attached.event_id}`);
    expect(ev.definition_id).toBe(def.json.id);
    expect(attached.alert_id).toEqual(expect.any(String));

    const stray = (await post('/api/v1/default/signals/instances', instance('stray-1', { externalId: 'nobody-knows-me' }))).json;
    expect(stray.alert_id).toBeNull();
    const strayDecision = (await get(`/api/events/${stray.event_id}`)).decision;
    expect(strayDecision).toMatchObject({ action: 'unattached', rule: 'unknown_external_id' });
    expect(strayDecision.text).toContain('nobody-knows-me');
  });

  it('opens a case carrying the conversation target when the definition says so; contextual definitions open none', async () => {
    await post('/api/definitions', definition);
    await post('/api/definitions', { name: 'Context only', external_id: 'ctx', create_case: false });
    const withCase = (await post('/api/v1/default/signals/instances', instance('case-1'))).json;
    const alert = await get(`/api/alerts/${withCase.alert_id}`);
    expect(alert.case_id).toEqual(expect.any(String));
    const kase = await get(`/api/cases/${alert.case_id}`);
    expect(kase).toMatchObject({ status: 'new', conversation_target: '#sec-cases', alert_ids: [alert.id] });
    expect((await get(`/api/events/${withCase.event_id}`)).decision.text).toContain('definition_creates_case');
    expect((await post(`/api/cases/${kase.id}/status`, { status: 'triage' })).json.status).toBe('triage');

    const contextual = (await post('/api/v1/default/signals/instances', instance('ctx-1', { externalId: 'ctx' }))).json;
    expect((await get(`/api/alerts/${contextual.alert_id}`)).case_id).toBeNull();
    expect((await get('/api/cases')).items).toHaveLength(1);
  });

  it('deduplicates matching signals within the window, not after it', async () => {
    const def = (await post('/api/definitions', definition)).json;
    const filter = await post(`/api/definitions/${def.id}/filters`, { kind: 'deduplicate', name: 'same host', expression: 'raw.raw.hostIdentifier', window_s: 60 });
    expect(filter.status).toBe(201);
    const a = (await post('/api/v1/default/signals/instances', instance('d-1'))).json;
    advance(30);
    const b = (await post('/api/v1/default/signals/instances', instance('d-2'))).json;
    expect(b.alert_id).toBe(a.alert_id);
    const decision = (await get(`/api/events/${b.event_id}`)).decision;
    expect(decision).toMatchObject({ action: 'deduplicated', rule: 'dedup_filter', filter_id: filter.json.id });
    expect(decision.text).toContain('same host');
    advance(120);
    const c = (await post('/api/v1/default/signals/instances', instance('d-3'))).json;
    expect(c.alert_id).not.toBe(a.alert_id);
    // An expired filter no longer groups.
    await post(`/api/filters/${filter.json.id}/expire`, undefined);
    const d = (await post('/api/v1/default/signals/instances', instance('d-4'))).json;
    expect(d.alert_id).not.toBe(c.alert_id);
    expect((await get(`/api/definitions/${def.id}/filters`)).items[0].expired_at).toEqual(expect.any(String));
  });

  it('snoozes: stored, raising nothing, until the given time', async () => {
    const def = (await post('/api/definitions', definition)).json;
    const until = new Date(clock.getTime() + 600_000).toISOString();
    const snooze = (await post(`/api/definitions/${def.id}/filters`, { kind: 'snooze', name: 'maintenance', expression: 'raw.raw.hostIdentifier = "host1"', until })).json;
    const quiet = (await post('/api/v1/default/signals/instances', instance('s-1'))).json;
    expect(quiet.alert_id).toBeNull();
    const decision = (await get(`/api/events/${quiet.event_id}`)).decision;
    expect(decision).toMatchObject({ action: 'snoozed', rule: 'snooze_filter', filter_id: snooze.id });
    expect(decision.text).toContain('maintenance');
    advance(601);
    expect((await post('/api/v1/default/signals/instances', instance('s-2'))).json.alert_id).toEqual(expect.any(String));
  });

  it('auto-resolves an alert with no new event for the set time, and says so in its timeline', async () => {
    await post('/api/definitions', { ...definition, auto_resolve_after_s: 60 });
    const a = (await post('/api/v1/default/signals/instances', instance('ar-1'))).json;
    advance(30);
    await h.app.signals.tick();
    expect((await get(`/api/alerts/${a.alert_id}`)).status).toBe('open');
    advance(31);
    await h.app.signals.tick();
    const alert = await get(`/api/alerts/${a.alert_id}`);
    expect(alert.status).toBe('resolved');
    const last = alert.timeline[alert.timeline.length - 1];
    expect(last.kind).toBe('auto_resolved');
    expect(last.text).toContain('60');
  });
});

describe('source auto-resolve', () => {
  it('resolves alerts of a source that sets auto_resolve_after_s when no definition does', async () => {
    const source = (await post('/api/sources', { name: 'Uptime', dialect: 'custom', transposer: '{ "summary": name }', auto_resolve_after_s: 120 })).json;
    expect(source.auto_resolve_after_s).toBe(120);
    const a = (await post('/v1/ingest/custom/uptime', { name: 'site down' })).json;
    advance(121);
    await h.app.signals.tick();
    const alert = await get(`/api/alerts/${a.alert_id}`);
    expect(alert.status).toBe('resolved');
    expect(alert.timeline.at(-1).text).toBe('Auto-resolved: no new event for 120 s (source "Uptime" auto-resolves after 120 s).');
  });
});

describe('catalog', () => {
  it('links known service/environment tags, flags unknown slugs unlinked, keeps other tags plain', async () => {
    const svc = (await post('/api/catalog', { kind: 'service', name: 'API Gateway' })).json;
    const env = (await post('/api/catalog', { kind: 'environment', name: 'Production' })).json;
    expect(svc.slug).toBe('api-gateway');
    expect((await post('/api/catalog', { kind: 'service', name: 'Api gateway' })).status).toBe(409);
    const res = (await post('/v1/ingest/event', await fixture('event-catalog-tags.json'))).json;
    const ev = await get(`/api/events/${res.event_id}`);
    expect(ev.catalog).toEqual([
      { kind: 'service', slug: 'api-gateway', id: svc.id },
      { kind: 'environment', slug: 'production', id: env.id },
      { kind: 'functionality', slug: 'public-api', id: null },
    ]);
    expect(ev.tags).toContain('random-tag');
    expect((await get(`/api/alerts/${res.alert_id}`)).catalog).toEqual(ev.catalog);
  });
});

describe('flap detection', () => {
  it('marks an alert whose key opens and resolves too often as flapping, then settles', async () => {
    expect((await h.http('PUT', '/api/signals/settings/flap', { body: { max_transitions: 3, window_s: 600 } })).status).toBe(200);
    const open = await fixture('event-open.json');
    const closed = await fixture('event-closed.json');
    let last: any;
    for (let i = 0; i < 3; i++) {
      last = (await post('/v1/ingest/event', open)).json;
      await post('/v1/ingest/event', closed);
    }
    last = (await post('/v1/ingest/event', open)).json;
    const alert = await get(`/api/alerts/${last.alert_id}`);
    expect(alert.flapping).toBe(true);
    const decision = (await get(`/api/events/${last.event_id}`)).decision;
    expect(decision.notify).toBe(false);
    expect(decision.text).toContain('flap_detection');
    advance(601);
    await h.app.signals.tick();
    const settled = await get(`/api/alerts/${last.alert_id}`);
    expect(settled.flapping).toBe(false);
    expect(settled.timeline.map((t: any) => t.kind)).toContain('settled');
  });
});

describe('GET /v1/alerts/{id}', () => {
  it('answers a read key by UUID or short id; 403 ingest-only; 404 unknown or another organization', async () => {
    const a = (await post('/v1/ingest/generic', { title: 'for receivers' })).json;
    const alert = await get(`/api/alerts/${a.alert_id}`);
    const read = await h.key(['read']);
    const ingestOnly = await h.key(['ingest']);
    const byId = await h.http('GET', `/v1/alerts/${a.alert_id}`, { key: read });
    expect(byId.status).toBe(200);
    expect(byId.json).toMatchObject({ id: a.alert_id, title: 'for receivers' });
    expect((await h.http('GET', `/v1/alerts/${alert.short_id}`, { key: read })).json.id).toBe(a.alert_id);
    expect((await h.http('GET', `/v1/alerts/${a.alert_id}`, { key: ingestOnly })).status).toBe(403);
    expect((await h.http('GET', '/v1/alerts/ALnothere000', { key: read })).status).toBe(404);
    const other = (await post('/api/orgs', { name: 'Other Org' })).json;
    const otherRead = await h.key(['read'], other.id);
    const foreign = await h.http('GET', `/v1/alerts/${a.alert_id}`, { key: otherRead });
    expect(foreign.status).toBe(404);
  });
});

describe('stream and restart', () => {
  it('publishes alert changes on /api/stream', async () => {
    const res = await request(`${h.app.url}/api/stream`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    let text = '';
    const got = new Promise<void>((resolve) => res.body.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('event: alert.changed')) resolve();
    }));
    const a = (await post('/v1/ingest/generic', { title: 'streamed alert' })).json;
    await got;
    res.body.destroy();
    expect(text).toContain(a.alert_id);
  });

  it('keeps alerts, cases and their timelines across a restart; the key and short id still find them', async () => {
    const dir = await tempDir();
    try {
      const first = await startHarness({ dir, tickMs: 0 });
      await first.http('POST', '/api/definitions', { body: { name: 'Process events', external_id: 'someExternalValue' } });
      const a = (await first.http('POST', '/api/v1/default/signals/instances', { body: instance('r-1') })).json;
      await first.http('POST', `/api/alerts/${a.alert_id}/ack`);
      const before = (await first.http('GET', `/api/alerts/${a.alert_id}`)).json;
      await first.stop();
      const second = await startHarness({ dir, tickMs: 0 });
      const after = (await second.http('GET', `/api/alerts/${a.alert_id}`)).json;
      expect(after).toEqual(before);
      // Open alerts are read from disk after a restart, by id and by short id.
      expect((await second.http('GET', `/api/alerts/${before.short_id}`)).json.id).toBe(a.alert_id);
      expect((await second.http('GET', `/api/cases/${after.case_id}`)).json.alert_ids).toEqual([a.alert_id]);
      // Grouping state survived too: the same key joins the same alert.
      const open = await fixture('event-open.json');
      const x = (await second.http('POST', '/v1/ingest/event', { body: open })).json;
      await second.stop();
      const third = await startHarness({ dir, tickMs: 0 });
      expect((await third.http('POST', '/v1/ingest/event', { body: open })).json.alert_id).toBe(x.alert_id);
      await third.http('POST', '/v1/ingest/event', { body: await fixture('event-closed.json') });
      expect((await third.http('GET', `/api/alerts/${x.alert_id}`)).json).toMatchObject({ status: 'resolved', event_count: 3 });
      await third.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
