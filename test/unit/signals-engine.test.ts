// The signals engine: every rule of PRODUCT.md §3 over the shared fixtures, with a fake
// clock (a mutable Date) and predictable ids, over a real store in a temp directory: each
// operation's changes are persisted and settled as the runtime does, unless a test says not.
import { beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../src-main/core/errors';
import {
  createCatalogComponent,
  createDefinition,
  createFilter,
  emptySignalsConfig,
  expireFilter,
  setFlapSettings,
  type DefinitionInput,
} from '../../src-main/core/signals/config-ops';
import { linkCatalog, shortIdFor, SignalsEngine, type AlertListFilter, type DecideResult, type SignalsEngineOptions } from '../../src-main/core/signals/engine';
import type { SignalsConfig, StateChange } from '../../src-main/core/signals/types';
import type { Level, NormalizedEvent, Severity } from '../../src-main/core/types';
import { ALERT_TIMELINE_MAX } from '../../src-main/limits';
import { PAGE_SIZE_MAX } from '../../src-main/limits';
import { listStoredAlerts, stateRecords, storedAlerts } from '../../src-main/signals-runtime';
import { createStore, type Store } from '../../src-main/store';
import { fixture, normalizedEvent, requestMeta } from '../helpers/ingest-fixtures';
import { useTempDirs } from '../helpers/temp-dirs';

// ---------------------------------------------------------------- fixtures and factory

type Json = Record<string, any>;
const OPEN = fixture<Json>('event-open.json');
const CLOSED = fixture<Json>('event-closed.json');
const CATALOG = fixture<Json>('event-catalog-tags.json');
const INSTANCE = fixture<Json>('dispatch-signal-instance.json');
const KEY = '18913k2b63ifs';
const ORG = 'org-a';
const OTHER_ORG = 'org-b';

const SEVERITY_OF_LEVEL: Record<Level, Severity> = { INFO: 'informational', WARN: 'low', ERROR: 'high', FATAL: 'critical' };
let eventSeq = 0;

function baseEvent(over: Partial<NormalizedEvent>): NormalizedEvent {
  const id = `ev-${++eventSeq}`;
  return normalizedEvent({
    id,
    organization: ORG,
    received_at: '2024-05-01T10:00:00.000Z',
    occurred_at: '2024-05-01T10:00:00.000Z',
    request: requestMeta({ path: '/v1/ingest/event', user_agent: null, content_length: 0, key_id: null }),
    ...over,
  });
}

/** A FireHydrant event payload (event-open.json etc.) as the event dialect normalizes it. */
function fromEventPayload(p: Json, over: Partial<NormalizedEvent> = {}): NormalizedEvent {
  const level = (p.level ?? 'INFO') as Level;
  return baseEvent({
    title: p.summary,
    body: p.body ?? '',
    status: p.status,
    level,
    severity: SEVERITY_OF_LEVEL[level],
    idempotency_key: p.idempotency_key ?? null,
    tags: p.tags ?? [],
    annotations: p.annotations ?? {},
    images: p.images ?? [],
    links: p.links ?? [],
    raw: p,
    ...over,
  });
}

/** A Dispatch signal instance (dispatch-signal-instance.json) as its dialect normalizes it. */
function fromInstance(p: Json, over: Partial<NormalizedEvent> = {}, rawOver: Json = {}): NormalizedEvent {
  const raw = { ...p.raw, ...rawOver };
  return baseEvent({
    source: 'signal_instance',
    source_name: 'signal_instance',
    dialect: 'signal_instance',
    project: p.project,
    title: raw.name,
    external_id: raw.externalId ?? null,
    variant: raw.variant ?? null,
    raw,
    ...over,
  });
}

// ---------------------------------------------------------------- harness

let clock: Date;
let config: SignalsConfig;
let idSeq: number;
let engine: SignalsEngine;
let store: Store;
let dataDir: string;
const { tempDir, toClose } = useTempDirs<Store>('sy-signals-');

async function openStore(): Promise<Store> {
  const s = createStore({ dataDir, retentionIntervalMs: 0 });
  toClose.push(s);
  await s.open();
  return s;
}

const newId = () => `00000000-0000-4000-8000-${String(++idSeq).padStart(12, '0')}`;
const makeEngine = (over: Partial<SignalsEngineOptions> = {}) =>
  new SignalsEngine({ now: () => new Date(clock.getTime()), newId, config: () => config, alerts: storedAlerts(store), ...over });
const advance = (s: number) => clock.setTime(clock.getTime() + s * 1000);
const define = (input: Partial<DefinitionInput> = {}, org = ORG) =>
  createDefinition(config, org, { name: 'Process events', external_id: 'someExternalValue', ...input }, clock);
/** Makes an operation's changes durable, as the runtime does after each one. */
async function persist(changes: StateChange[]): Promise<StateChange[]> {
  await store.appendState(stateRecords(changes));
  engine.settle(changes);
  return changes;
}
const decide = async (event: NormalizedEvent): Promise<DecideResult> => {
  const r = await engine.decide(event);
  await persist(r.changes);
  return r;
};
const act = async (...args: Parameters<SignalsEngine['act']>): Promise<StateChange[]> => persist(await engine.act(...args));
const setCaseStatus = async (...args: Parameters<SignalsEngine['setCaseStatus']>): Promise<StateChange[]> => persist(engine.setCaseStatus(...args));
const tick = async (): Promise<StateChange[]> => persist(await engine.tick());
const alertOf = async (r: DecideResult, org = ORG) => (await engine.getAlert(org, r.decision.alert_id!))!;
/** Every stored alert of an organization, newest first (all pages). */
async function listAlerts(org: string, filter: AlertListFilter = {}) {
  const out = [];
  let cursor: string | undefined;
  do {
    const page = (await listStoredAlerts(store, org, filter, { cursor, limit: PAGE_SIZE_MAX }))!;
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

beforeEach(async () => {
  clock = new Date('2024-05-01T10:00:00.000Z');
  config = emptySignalsConfig();
  idSeq = 0;
  dataDir = await tempDir();
  store = await openStore();
  engine = makeEngine();
});

async function thrown(fn: () => unknown): Promise<Error & { errors: string[] }> {
  try {
    await fn();
  } catch (err) {
    return err as Error & { errors: string[] };
  }
  throw new Error('expected a throw');
}

// ---------------------------------------------------------------- tests

describe('short ids', () => {
  it('are AL/CA + 10 base62 characters, stable for an id and varied per attempt', () => {
    const id = newId();
    expect(shortIdFor('AL', id)).toMatch(/^AL[0-9A-Za-z]{10}$/);
    expect(shortIdFor('CA', id)).toMatch(/^CA[0-9A-Za-z]{10}$/);
    expect(shortIdFor('AL', id)).toBe(shortIdFor('AL', id));
    expect(shortIdFor('AL', id, 1)).not.toBe(shortIdFor('AL', id));
  });
});

describe('grouping by idempotency key', () => {
  it('opens an alert for an OPEN event with a new key and returns an annotated copy of the event', async () => {
    const event = fromEventPayload(OPEN);
    const r = await decide(event);
    const alert = (await alertOf(r));
    expect(r.decision).toMatchObject({ action: 'opened_alert', rule: 'idempotency_key_open', alert_id: alert.id, definition_id: null, case_id: null, notify: true });
    expect(r.decision.text).toBe(`Opened alert ${alert.short_id}: no open alert has idempotency key "${KEY}" (rule idempotency_key_open).`);
    expect(alert).toMatchObject({
      id: '00000000-0000-4000-8000-000000000001',
      organization: ORG,
      idempotency_key: KEY,
      status: 'open',
      title: 'CPU usage too high',
      severity: 'high',
      priority: 'HIGH',
      event_count: 1,
      first_seen: clock.toISOString(),
      last_seen: clock.toISOString(),
      flapping: false,
      tags: ['name:myService', 'region:us-west2'],
      resolved_at: null,
    });
    expect(alert.short_id).toMatch(/^AL[0-9A-Za-z]{10}$/);
    expect(alert.timeline).toEqual([{ at: clock.toISOString(), kind: 'opened', text: expect.stringContaining('rule idempotency_key_open'), event_id: event.id, actor: null }]);
    expect(r.event).toMatchObject({ id: event.id, alert_id: alert.id, definition_id: null, catalog: [] });
    expect(event.alert_id).toBeNull();
    expect(r.changes).toEqual([{ kind: 'alert', alert, notify: true }]);
  });

  it('joins an OPEN event to the open alert with its key: count, last seen, highest severity, timeline', async () => {
    const first = await decide(fromEventPayload(OPEN));
    advance(30);
    const second = await decide(fromEventPayload(OPEN, { severity: 'critical' }));
    advance(30);
    const third = await decide(fromEventPayload(OPEN, { severity: 'low' }));
    const alert = (await alertOf(first));
    expect(second.decision).toMatchObject({ action: 'joined_alert', rule: 'idempotency_key_join', alert_id: alert.id });
    expect(second.decision.text).toBe(`Joined alert ${alert.short_id}: an open alert has idempotency key "${KEY}" (rule idempotency_key_join).`);
    expect(third.event.alert_id).toBe(alert.id);
    expect(alert).toMatchObject({ event_count: 3, severity: 'critical', first_seen: '2024-05-01T10:00:00.000Z', last_seen: '2024-05-01T10:01:00.000Z' });
    expect(alert.timeline.map((t) => t.kind)).toEqual(['opened', 'event_joined', 'event_joined']);
    expect((await listAlerts(ORG))).toHaveLength(1);
  });

  it('joins an acknowledged alert too, and says so', async () => {
    const first = await decide(fromEventPayload(OPEN));
    await act(ORG, first.decision.alert_id!, 'ack', 'alice');
    const second = await decide(fromEventPayload(OPEN));
    expect(second.decision.alert_id).toBe(first.decision.alert_id);
    expect(second.decision.text).toContain(`an acknowledged alert has idempotency key "${KEY}" (rule idempotency_key_join)`);
  });

  it('resolves every open or acknowledged alert of the key on a CLOSED event', async () => {
    const first = await decide(fromEventPayload(OPEN));
    // Two active alerts with one key only arise from persisted state: write the second one.
    const a = (await alertOf(first));
    const b = { ...structuredClone(a), id: newId(), short_id: 'ALbbbbbbbbbb', status: 'acknowledged' as const };
    await store.appendState(stateRecords([{ kind: 'alert', alert: b, notify: true }]));
    advance(60);
    const closed = await decide(fromEventPayload(CLOSED));
    expect(closed.decision).toMatchObject({ action: 'resolved_alerts', rule: 'close_resolves_key', alert_id: a.id, resolved_alert_ids: [a.id, b.id] });
    expect(closed.decision.text).toBe(
      `Resolved 2 alerts (${a.short_id}, ALbbbbbbbbbb): a CLOSED event resolves every open alert with idempotency key "${KEY}" (rule close_resolves_key).`,
    );
    for (const id of [a.id, b.id]) {
      const alert = (await engine.getAlert(ORG, id))!;
      expect(alert).toMatchObject({ status: 'resolved', resolved_at: clock.toISOString(), event_count: 2 });
      expect(alert.timeline.at(-1)).toMatchObject({ kind: 'resolved', event_id: closed.event.id, text: expect.stringContaining('rule close_resolves_key') });
    }
    expect(closed.changes.map((c) => c.kind === 'alert' && c.alert.status)).toEqual(['resolved', 'resolved']);
    expect(closed.event.alert_id).toBe(a.id);
  });

  it('stores a CLOSED event with no open alert, or with no key, without an alert', async () => {
    const noMatch = await decide(fromEventPayload(CLOSED));
    expect(noMatch.decision).toMatchObject({ action: 'closed_without_alert', rule: 'close_no_open_alert', alert_id: null, resolved_alert_ids: [] });
    expect(noMatch.decision.text).toBe(`Closed without alert: no open alert has idempotency key "${KEY}" (rule close_no_open_alert).`);
    const noKey = await decide(fromEventPayload(CLOSED, { idempotency_key: null }));
    expect(noKey.decision).toMatchObject({ action: 'closed_without_alert', rule: 'close_without_key' });
    expect(noKey.decision.text).toContain('(rule close_without_key)');
    expect(noMatch.changes).toEqual([]);
    expect((await listAlerts(ORG))).toEqual([]);
  });

  it('opens a new alert after the previous one of the key was resolved', async () => {
    const first = await decide(fromEventPayload(OPEN));
    await decide(fromEventPayload(CLOSED));
    const again = await decide(fromEventPayload(OPEN));
    const previous = (await alertOf(first));
    expect(again.decision).toMatchObject({ action: 'opened_alert', rule: 'reopen_after_resolve' });
    expect(again.decision.alert_id).not.toBe(previous.id);
    expect(again.decision.text).toBe(
      `Opened alert ${(await alertOf(again)).short_id}: the previous alert ${previous.short_id} with idempotency key "${KEY}" was resolved, so a new alert opens (rule reopen_after_resolve).`,
    );
    expect((await listAlerts(ORG)).map((a) => a.status)).toEqual(['open', 'resolved']);
  });

  it('opens a new alert after the previous one of the key was dismissed', async () => {
    const first = await decide(fromEventPayload(OPEN));
    await act(ORG, first.decision.alert_id!, 'dismiss', 'bob');
    const again = await decide(fromEventPayload(OPEN));
    expect(again.decision.rule).toBe('reopen_after_resolve');
    expect(again.decision.text).toContain(`the previous alert ${(await alertOf(first)).short_id} with idempotency key "${KEY}" was dismissed`);
  });

  it('gives every event without a key its own alert', async () => {
    const one = await decide(fromEventPayload(OPEN, { idempotency_key: null }));
    const two = await decide(fromEventPayload(OPEN, { idempotency_key: null }));
    expect(one.decision.alert_id).not.toBe(two.decision.alert_id);
    expect(two.decision).toMatchObject({ action: 'opened_alert', rule: 'no_key_own_alert' });
    expect(two.decision.text).toBe(`Opened alert ${(await alertOf(two)).short_id}: the event has no idempotency key, so it opens its own alert (rule no_key_own_alert).`);
  });

  it('decides concurrent calls one after another in call order', async () => {
    const [a, b] = await Promise.all([decide(fromEventPayload(OPEN)), decide(fromEventPayload(OPEN))]);
    expect(a.decision.rule).toBe('idempotency_key_open');
    expect(b.decision.rule).toBe('idempotency_key_join');
  });

  it('keeps organizations apart: keys, lookups, actions and definitions', async () => {
    define();
    const mine = await decide(fromEventPayload(OPEN));
    const theirs = await decide(fromEventPayload(OPEN, { organization: OTHER_ORG }));
    expect(theirs.decision.rule).toBe('idempotency_key_open');
    expect(theirs.decision.alert_id).not.toBe(mine.decision.alert_id);
    expect(await engine.getAlert(OTHER_ORG, mine.decision.alert_id!)).toBeUndefined();
    expect(await engine.getAlert(OTHER_ORG, (await alertOf(mine)).short_id)).toBeUndefined();
    await expect(act(OTHER_ORG, mine.decision.alert_id!, 'ack', 'mallory')).rejects.toThrow(NotFoundError);
    const closed = await decide(fromEventPayload(CLOSED, { organization: OTHER_ORG }));
    expect(closed.decision.resolved_alert_ids).toEqual([theirs.decision.alert_id]);
    expect((await alertOf(mine)).status).toBe('open');
    const instance = await decide(fromInstance(INSTANCE, { organization: OTHER_ORG }));
    expect(instance.decision.action).toBe('unattached');
    expect((await listAlerts(ORG))).toHaveLength(1);
    expect((await listAlerts(OTHER_ORG))).toHaveLength(1);
  });

  it(`keeps at most ${ALERT_TIMELINE_MAX} timeline entries: the first and the latest`, async () => {
    const first = await decide(fromEventPayload(OPEN));
    let last: DecideResult = first;
    for (let i = 0; i < ALERT_TIMELINE_MAX + 10; i++) last = await decide(fromEventPayload(OPEN));
    const alert = (await alertOf(first));
    expect(alert.event_count).toBe(ALERT_TIMELINE_MAX + 11);
    expect(alert.timeline).toHaveLength(ALERT_TIMELINE_MAX);
    expect(alert.timeline[0].kind).toBe('opened');
    expect(alert.timeline.at(-1)!.event_id).toBe(last.event.id);
  });
});

describe('attaching to definitions', () => {
  it('attaches a signal instance by external_id; a definition without variant matches any variant', async () => {
    const def = define();
    const r = await decide(fromInstance(INSTANCE));
    expect(r.decision).toMatchObject({ action: 'opened_alert', rule: 'no_key_own_alert', definition_id: def.id });
    expect(r.decision.text).toContain('Attached to definition "Process events" by external_id "someExternalValue".');
    expect(r.event.definition_id).toBe(def.id);
    expect((await alertOf(r))).toMatchObject({ definition_id: def.id, title: 'process_events' });
  });

  it('matches the variant when the definition has one', async () => {
    const def = define({ variant: 'A' });
    const a = await decide(fromInstance(INSTANCE));
    expect(a.decision.definition_id).toBe(def.id);
    expect(a.decision.text).toContain('by external_id "someExternalValue" and variant "A"');
    const b = await decide(fromInstance(INSTANCE, {}, { variant: 'B' }));
    expect(b.decision).toMatchObject({ action: 'unattached', rule: 'unknown_external_id', alert_id: null, definition_id: null });
    expect(b.decision.text).toBe(
      'Unattached: definition "Process events" with external_id "someExternalValue" expects variant "A", and the event has variant "B" (rule unknown_external_id). The event is stored without an alert.',
    );
  });

  it('leaves an unknown external_id unattached: stored, no alert', async () => {
    const r = await decide(fromInstance(INSTANCE));
    expect(r.decision).toMatchObject({ action: 'unattached', rule: 'unknown_external_id', alert_id: null, definition_id: null, notify: true });
    expect(r.decision.text).toBe(
      'Unattached: no definition has external_id "someExternalValue" (rule unknown_external_id). The event is stored without an alert.',
    );
    expect(r.changes).toEqual([]);
    expect(r.event.alert_id).toBeNull();
    expect((await listAlerts(ORG))).toEqual([]);
  });

  it('treats a disabled definition like an unknown one and says it is disabled', async () => {
    define({ enabled: false });
    const r = await decide(fromInstance(INSTANCE));
    expect(r.decision).toMatchObject({ action: 'unattached', rule: 'unknown_external_id', definition_id: null });
    expect(r.decision.text).toContain('definition "Process events" with external_id "someExternalValue" is disabled (rule unknown_external_id)');
    expect((await listAlerts(ORG))).toEqual([]);
  });
});

describe('snooze filters', () => {
  const snoozeHost1 = (defId: string, until = '2024-05-01T11:00:00.000Z') =>
    createFilter(config, ORG, defId, { kind: 'snooze', name: 'Maintenance host1', expression: 'raw.hostIdentifier = "host1"', until }, clock);

  it('snoozes matching events until `until`, then raises them again', async () => {
    const def = define();
    const filter = snoozeHost1(def.id);
    const r = await decide(fromInstance(INSTANCE));
    expect(r.decision).toMatchObject({ action: 'snoozed', rule: 'snooze_filter', filter_id: filter.id, definition_id: def.id, alert_id: null, notify: false });
    expect(r.decision.text).toMatch(/^Snoozed by filter "Maintenance host1" until 2024-05-01T11:00:00.000Z: the event matches its expression \(rule snooze_filter\)\./);
    expect(r.event.definition_id).toBe(def.id);
    expect(r.changes).toEqual([]);
    expect((await listAlerts(ORG))).toEqual([]);

    const other = await decide(fromInstance(INSTANCE, {}, { hostIdentifier: 'host2' }));
    expect(other.decision.action).toBe('opened_alert');

    advance(3600);
    const after = await decide(fromInstance(INSTANCE));
    expect(after.decision).toMatchObject({ action: 'opened_alert', filter_id: null });
  });

  it('ignores an expired snooze filter', async () => {
    const def = define();
    const filter = snoozeHost1(def.id);
    expireFilter(config, ORG, filter.id, clock);
    const r = await decide(fromInstance(INSTANCE));
    expect(r.decision.action).toBe('opened_alert');
  });

  it('never holds back a CLOSED event: it still resolves its key', async () => {
    const def = define();
    const opened = await decide(fromEventPayload(OPEN, { external_id: 'someExternalValue' }));
    createFilter(config, ORG, def.id, { kind: 'snooze', name: 'Everything', expression: 'true', until: '2024-05-01T11:00:00.000Z' }, clock);
    const closed = await decide(fromEventPayload(CLOSED, { external_id: 'someExternalValue' }));
    expect(closed.decision).toMatchObject({ action: 'resolved_alerts', alert_id: opened.decision.alert_id });
  });
});

describe('deduplicate filters', () => {
  const byHost = (defId: string) =>
    createFilter(config, ORG, defId, { kind: 'deduplicate', name: 'By host', expression: 'raw.hostIdentifier', window_s: 600 }, clock);

  it('joins an event to the alert with the same expression value within the window', async () => {
    const def = define({ create_case: false });
    const filter = byHost(def.id);
    const first = await decide(fromInstance(INSTANCE));
    advance(120);
    const second = await decide(fromInstance(INSTANCE, {}, { id: 'another-instance' }));
    const alert = (await alertOf(first));
    expect(second.decision).toMatchObject({ action: 'deduplicated', rule: 'dedup_filter', alert_id: alert.id, filter_id: filter.id, definition_id: def.id });
    expect(second.decision.text).toMatch(
      new RegExp(`^Deduplicated into alert ${alert.short_id}: filter "By host" gives "host1" for this event and for that alert, last seen 120 s ago, within the 600 s window \\(rule dedup_filter\\)\\.`),
    );
    expect(alert).toMatchObject({ event_count: 2, dedup_values: { [filter.id]: 'host1' } });
    expect(alert.timeline.at(-1)).toMatchObject({ kind: 'event_joined', text: expect.stringContaining('rule dedup_filter') });

    const host2 = await decide(fromInstance(INSTANCE, {}, { hostIdentifier: 'host2' }));
    expect(host2.decision.action).toBe('opened_alert');
  });

  it('opens a new alert when the matching alert was last seen outside the window, and explains it', async () => {
    const def = define({ create_case: false });
    byHost(def.id);
    const first = await decide(fromInstance(INSTANCE));
    advance(601);
    const late = await decide(fromInstance(INSTANCE));
    expect(late.decision).toMatchObject({ action: 'opened_alert', rule: 'no_key_own_alert' });
    expect(late.decision.alert_id).not.toBe(first.decision.alert_id);
    expect(late.decision.text).toContain(`Filter "By host" matched alert ${(await alertOf(first)).short_id} on "host1", but it was last seen 601 s ago, outside the 600 s window.`);
  });

  it('ignores an expired deduplicate filter', async () => {
    const def = define({ create_case: false });
    const filter = byHost(def.id);
    await decide(fromInstance(INSTANCE));
    expireFilter(config, ORG, filter.id, clock);
    const second = await decide(fromInstance(INSTANCE));
    expect(second.decision.action).toBe('opened_alert');
    expect((await listAlerts(ORG))).toHaveLength(2);
  });

  it('skips a filter whose expression fails on the event and says why', async () => {
    const def = define({ create_case: false });
    createFilter(config, ORG, def.id, { kind: 'deduplicate', name: 'PID as number', expression: '$number(raw.hostIdentifier)', window_s: 60 }, clock);
    await decide(fromInstance(INSTANCE));
    const r = await decide(fromInstance(INSTANCE));
    expect(r.decision.action).toBe('opened_alert');
    expect(r.decision.text).toMatch(/Filter "PID as number" was skipped: Unable to cast value to a number/);
  });

  it('stringifies non-string values as the group key', async () => {
    const def = define({ create_case: false });
    const filter = createFilter(config, ORG, def.id, { kind: 'deduplicate', name: 'By columns', expression: 'raw.columns.{"pid": pid, "parent": parent}', window_s: 60 }, clock);
    const first = await decide(fromInstance(INSTANCE));
    const second = await decide(fromInstance(INSTANCE));
    expect(second.decision.alert_id).toBe(first.decision.alert_id);
    expect((await alertOf(first)).dedup_values[filter.id]).toBe('{"pid":888,"parent":555}');
  });
});

describe('cases', () => {
  it('opens a case for a new alert of a create_case definition', async () => {
    const def = define({ create_case: true, conversation_target: '#sec-process-events' });
    createCatalogComponent(config, ORG, { kind: 'service', name: 'Endpoint agent', slug: 'endpoint-agent' }, clock);
    const r = await decide(fromInstance(INSTANCE, { tags: ['service:endpoint-agent'] }));
    const alert = (await alertOf(r));
    const c = engine.getCase(ORG, r.decision.case_id!)!;
    expect(c).toMatchObject({
      status: 'new',
      title: 'process_events',
      conversation_target: '#sec-process-events',
      definition_id: def.id,
      alert_ids: [alert.id],
      catalog: alert.catalog,
    });
    expect(c.short_id).toMatch(/^CA[0-9A-Za-z]{10}$/);
    expect(c.catalog).toHaveLength(1);
    expect(alert.case_id).toBe(c.id);
    expect(alert.timeline.map((t) => t.kind)).toEqual(['opened', 'case_opened']);
    expect(r.decision.text).toContain(`Opened case ${c.short_id}: definition "Process events" creates cases (rule definition_creates_case).`);
    expect(r.changes.map((ch) => ch.kind)).toEqual(['alert', 'case']);
    expect(engine.getCase(ORG, c.short_id)).toEqual(c);
  });

  it('opens no second case when events join the alert, and reports the alert\'s case', async () => {
    define({ create_case: true });
    createFilter(config, ORG, config.definitions[0].id, { kind: 'deduplicate', name: 'By host', expression: 'raw.hostIdentifier', window_s: 600 }, clock);
    const first = await decide(fromInstance(INSTANCE));
    const second = await decide(fromInstance(INSTANCE));
    expect(second.decision.case_id).toBe(first.decision.case_id);
    expect(second.decision.text).not.toContain('definition_creates_case');
    expect(engine.listCases(ORG)).toHaveLength(1);
  });

  it('opens no case for a contextual definition and says so', async () => {
    define({ create_case: false });
    const r = await decide(fromInstance(INSTANCE));
    expect(r.decision).toMatchObject({ action: 'opened_alert', case_id: null });
    expect(r.decision.text).toContain('No case: definition "Process events" is contextual (create_case is off) (rule definition_contextual).');
    expect((await alertOf(r)).case_id).toBeNull();
    expect(engine.listCases(ORG)).toEqual([]);
  });

  it('moves a case new → triage → closed → triage, refusing other moves, naming the actor', async () => {
    define();
    const r = await decide(fromInstance(INSTANCE));
    const id = r.decision.case_id!;
    const [change] = await setCaseStatus(ORG, id, 'triage', 'alice');
    expect(change).toMatchObject({ kind: 'case', notify: true, case: { status: 'triage' } });
    await setCaseStatus(ORG, id, 'closed', 'alice');
    const back = await thrown(() => setCaseStatus(ORG, id, 'new', 'alice'));
    expect(back).toBeInstanceOf(ValidationError);
    expect(back.errors[0]).toMatch(/^status: case CA[0-9A-Za-z]{10} cannot go from closed to new$/);
    await setCaseStatus(ORG, id, 'triage', 'bob');
    const c = engine.getCase(ORG, id)!;
    expect(c.timeline.map((t) => [t.kind, t.actor])).toEqual([
      ['case_opened', null],
      ['status_changed', 'alice'],
      ['status_changed', 'alice'],
      ['status_changed', 'bob'],
    ]);
    expect(c.timeline[1].text).toBe('Status new → triage by alice.');
    await expect(setCaseStatus(OTHER_ORG, id, 'closed', 'mallory')).rejects.toThrow(NotFoundError);
  });
});

describe('catalog links', () => {
  it('links service/environment/functionality tags to components; unknown slugs stay unlinked', async () => {
    const gw = createCatalogComponent(config, ORG, { kind: 'service', name: 'API Gateway' }, clock);
    const prod = createCatalogComponent(config, ORG, { kind: 'environment', name: 'Production' }, clock);
    createCatalogComponent(config, OTHER_ORG, { kind: 'functionality', name: 'Public API' }, clock);
    const r = await decide(fromEventPayload(CATALOG));
    const expected = [
      { kind: 'service', slug: 'api-gateway', id: gw.id },
      { kind: 'environment', slug: 'production', id: prod.id },
      { kind: 'functionality', slug: 'public-api', id: null },
    ];
    expect(r.event.catalog).toEqual(expected);
    expect(r.event.tags).toEqual(CATALOG.tags);
    expect((await alertOf(r)).catalog).toEqual(expected);
    expect((await alertOf(r)).tags).toContain('random-tag');
  });

  it('unions the links of joined events into the alert and its case', async () => {
    define();
    const gw = createCatalogComponent(config, ORG, { kind: 'service', name: 'API Gateway' }, clock);
    const auth = createCatalogComponent(config, ORG, { kind: 'service', name: 'Auth' }, clock);
    const ev = (tags: string[]) => fromEventPayload(CATALOG, { tags, external_id: 'someExternalValue' });
    const first = await decide(ev(['service:api-gateway']));
    const second = await decide(ev(['service:auth', 'service:api-gateway', 'random-tag']));
    const links = [
      { kind: 'service', slug: 'api-gateway', id: gw.id },
      { kind: 'service', slug: 'auth', id: auth.id },
    ];
    expect((await alertOf(first)).catalog).toEqual(links);
    expect(engine.getCase(ORG, first.decision.case_id!)!.catalog).toEqual(links);
    expect(second.changes.map((c) => c.kind)).toEqual(['alert', 'case']);
    expect((await alertOf(first)).tags).toEqual(['service:api-gateway', 'service:auth', 'random-tag']);
  });

  it('ignores tags that only look like catalog tags', () => {
    expect(linkCatalog(['service:', 'team:core', 'services:x', 'environment:prod'], [])).toEqual([{ kind: 'environment', slug: 'prod', id: null }]);
  });
});

describe('flap detection', () => {
  it('marks the alert flapping above max transitions, holds notifications back, and settles on tick', async () => {
    setFlapSettings(config, { max_transitions: 3, window_s: 600 });
    const t1 = await decide(fromEventPayload(OPEN));
    advance(10);
    const t2 = await decide(fromEventPayload(CLOSED));
    advance(10);
    const t3 = await decide(fromEventPayload(OPEN));
    expect([t1, t2, t3].map((r) => r.notify)).toEqual([true, true, true]);
    expect((await alertOf(t3)).flapping).toBe(false);

    advance(10);
    const t4 = await decide(fromEventPayload(CLOSED));
    expect(t4.notify).toBe(false);
    expect(t4.decision.notify).toBe(false);
    expect(t4.changes.every((c) => c.notify === false)).toBe(true);
    expect(t4.decision.text).toContain(`Flapping: 4 open/resolve transitions of idempotency key "${KEY}" within 600 s (more than 3); notifications are held back until it settles (rule flap_detection).`);
    expect((await alertOf(t4))).toMatchObject({ flapping: true, status: 'resolved' });
    expect((await alertOf(t4)).timeline.at(-1)!.kind).toBe('flapping');

    advance(10);
    const t5 = await decide(fromEventPayload(OPEN));
    expect((await alertOf(t5)).flapping).toBe(true);
    expect(t5.notify).toBe(false);
    const joined = await decide(fromEventPayload(OPEN));
    expect(joined.decision.rule).toBe('idempotency_key_join');
    expect(joined.notify).toBe(false);

    advance(599);
    expect((await tick())).toEqual([]);
    advance(1);
    const settled = (await tick());
    expect(settled.map((c) => c.kind === 'alert' && [c.alert.id, c.alert.flapping, c.notify])).toEqual([
      [t4.decision.alert_id, false, true],
      [t5.decision.alert_id, false, true],
    ]);
    expect((await alertOf(t5)).timeline.at(-1)).toMatchObject({ kind: 'settled', text: 'Settled: no open/resolve transition for 600 s; notifications resume.' });
    const after = await decide(fromEventPayload(OPEN));
    expect(after.notify).toBe(true);
  });

  it('does not count transitions that fell out of the window', async () => {
    setFlapSettings(config, { max_transitions: 3, window_s: 60 });
    for (let i = 0; i < 6; i++) {
      const r = await decide(fromEventPayload(i % 2 ? CLOSED : OPEN));
      expect(r.notify).toBe(true);
      advance(40);
    }
  });
});

describe('auto-resolve', () => {
  it('resolves an alert with no new event for auto_resolve_after_s', async () => {
    define({ auto_resolve_after_s: 300, create_case: false });
    const r = await decide(fromInstance(INSTANCE));
    advance(299);
    expect((await tick())).toEqual([]);
    advance(1);
    const changes = (await tick());
    expect(changes).toHaveLength(1);
    const alert = (await alertOf(r));
    expect(changes[0]).toEqual({ kind: 'alert', alert, notify: true });
    expect(alert).toMatchObject({ status: 'resolved', resolved_at: clock.toISOString() });
    expect(alert.timeline.at(-1)).toMatchObject({
      kind: 'auto_resolved',
      text: 'Auto-resolved: no new event for 300 s (definition "Process events" auto-resolves after 300 s).',
    });
    expect((await tick())).toEqual([]);
  });

  it('looks at a bounded slice of the active alerts per tick and reaches every one within a few ticks', async () => {
    define({ auto_resolve_after_s: 60, create_case: false });
    engine = makeEngine({ tickSlice: 2 });
    for (let i = 0; i < 5; i++) await decide(fromInstance({ ...INSTANCE, id: undefined, raw: { ...INSTANCE.raw, id: `inst-${i}` } } as typeof INSTANCE));
    advance(61);
    const perTick = [(await tick()).length, (await tick()).length, (await tick()).length, (await tick()).length];
    expect(perTick.every((n) => n <= 2)).toBe(true);
    expect(perTick.reduce((a, b) => a + b, 0)).toBe(5);
    expect((await listAlerts(ORG)).every((a) => a.status === 'resolved')).toBe(true);
  });

  it('counts from the last event: a joined event restarts the wait', async () => {
    const def = define({ auto_resolve_after_s: 300, create_case: false });
    const first = await decide(fromEventPayload(OPEN, { external_id: def.external_id }));
    advance(250);
    await decide(fromEventPayload(OPEN, { external_id: def.external_id }));
    advance(250);
    expect((await tick())).toEqual([]);
    advance(50);
    expect((await tick())).toHaveLength(1);
    expect((await alertOf(first)).status).toBe('resolved');
  });

  it('leaves alerts without such a definition alone', async () => {
    const r = await decide(fromEventPayload(OPEN));
    advance(86_400);
    expect((await tick())).toEqual([]);
    expect((await alertOf(r)).status).toBe('open');
  });
});

describe('people acting on alerts', () => {
  it('acknowledges then resolves, by id or short id, naming the actor', async () => {
    const r = await decide(fromEventPayload(OPEN));
    const short = (await alertOf(r)).short_id;
    advance(5);
    const [ack] = await act(ORG, short, 'ack', 'alice');
    expect(ack).toMatchObject({ kind: 'alert', notify: true, alert: { status: 'acknowledged', resolved_at: null } });
    advance(5);
    await act(ORG, r.decision.alert_id!, 'resolve', 'bob');
    const alert = (await alertOf(r));
    expect(alert).toMatchObject({ status: 'resolved', resolved_at: clock.toISOString() });
    expect(alert.timeline.slice(1)).toEqual([
      { at: '2024-05-01T10:00:05.000Z', kind: 'acknowledged', text: 'Acknowledged by alice.', event_id: null, actor: 'alice' },
      { at: '2024-05-01T10:00:10.000Z', kind: 'resolved', text: 'Resolved by bob.', event_id: null, actor: 'bob' },
    ]);
  });

  it('dismisses an open alert', async () => {
    const r = await decide(fromEventPayload(OPEN));
    await act(ORG, r.decision.alert_id!, 'dismiss', 'carol');
    expect((await alertOf(r))).toMatchObject({ status: 'dismissed', resolved_at: clock.toISOString() });
    expect((await alertOf(r)).timeline.at(-1)).toMatchObject({ kind: 'dismissed', actor: 'carol' });
  });

  it('refuses invalid transitions and unknown alerts', async () => {
    const r = await decide(fromEventPayload(OPEN));
    const id = r.decision.alert_id!;
    const short = (await alertOf(r)).short_id;
    await act(ORG, id, 'ack', 'alice');
    const twice = await thrown(() => act(ORG, id, 'ack', 'alice'));
    expect(twice).toBeInstanceOf(ValidationError);
    expect(twice.errors).toEqual([`action: cannot acknowledge alert ${short}: it is acknowledged`]);
    await act(ORG, id, 'resolve', 'alice');
    expect((await thrown(() => act(ORG, id, 'ack', 'alice'))).errors).toEqual([`action: cannot acknowledge alert ${short}: it is resolved`]);
    expect((await thrown(() => act(ORG, id, 'dismiss', 'alice'))).errors).toEqual([`action: cannot dismiss alert ${short}: it is resolved`]);
    expect(await thrown(() => act(ORG, id, 'resolve', 'alice'))).toBeInstanceOf(ValidationError);
    expect((await thrown(() => act(ORG, id, 'close' as 'ack', 'alice'))).errors).toEqual(['action: must be one of ack, resolve, dismiss']);
    const missing = await thrown(() => act(ORG, 'ALnope', 'ack', 'alice'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.errors).toEqual(['id: no alert "ALnope"']);
    expect((await alertOf(r)).timeline.map((t) => t.kind)).toEqual(['opened', 'acknowledged', 'resolved']);
  });
});

describe('lists and copies', () => {
  it('lists newest first with status, definition and text filters', async () => {
    const def = define({ create_case: false });
    const a = await decide(fromEventPayload(OPEN));
    advance(1);
    const b = await decide(fromInstance(INSTANCE));
    advance(1);
    const c = await decide(fromEventPayload(CATALOG));
    await act(ORG, c.decision.alert_id!, 'ack', 'alice');
    const ids = (list: { id: string }[]) => list.map((x) => x.id);
    expect(ids((await listAlerts(ORG)))).toEqual([c, b, a].map((r) => r.decision.alert_id));
    expect(ids((await listAlerts(ORG, { status: 'acknowledged' })))).toEqual([c.decision.alert_id]);
    expect(ids((await listAlerts(ORG, { definition_id: def.id })))).toEqual([b.decision.alert_id]);
    expect(ids((await listAlerts(ORG, { text: 'cpu' })))).toEqual([c, a].map((r) => r.decision.alert_id));
    expect(ids((await listAlerts(ORG, { text: 'RANDOM-TAG' })))).toEqual([c.decision.alert_id]);
    expect((await listAlerts(OTHER_ORG))).toEqual([]);
  });

  it('hands out copies or frozen records: changing a returned record does not change the engine', async () => {
    const r = await decide(fromEventPayload(OPEN));
    const change = r.changes[0] as Extract<StateChange, { kind: 'alert' }>;
    // A change shares the committed record (no second copy in memory): it cannot be changed.
    expect(() => (change.alert.status = 'dismissed')).toThrow(TypeError);
    expect(() => change.alert.tags.push('x')).toThrow(TypeError);
    (await engine.getAlert(ORG, r.decision.alert_id!))!.event_count = 99;
    (await listAlerts(ORG))[0].tags.push('x');
    expect((await alertOf(r))).toMatchObject({ status: 'open', event_count: 1, tags: OPEN.tags });
  });
});

describe('restart and rollback', () => {
  async function scenario(): Promise<void> {
    define({ external_id: 'someExternalValue' });
    await decide(fromEventPayload(OPEN));
    advance(5);
    await decide(fromEventPayload(OPEN, { severity: 'critical' }));
    const inst = await decide(fromInstance(INSTANCE));
    await act(ORG, inst.decision.alert_id!, 'ack', 'alice');
    await setCaseStatus(ORG, inst.decision.case_id!, 'triage', 'alice');
  }

  it('sees the same alerts and cases after a restart over the same store (cases and flapping alerts loaded, the rest read when needed)', async () => {
    await scenario();
    const alerts = await listAlerts(ORG);
    const cases = engine.listCases(ORG);
    await store.close();
    store = await openStore();
    engine = makeEngine();
    engine.load(store.liveState().filter((r) => r.kind === 'alert' || r.kind === 'case').map((r) => r.data as StateChange));
    expect(await listAlerts(ORG)).toEqual(alerts);
    expect(engine.listCases(ORG)).toEqual(cases);
    const keyed = (await listAlerts(ORG, { text: KEY }))[0];
    expect(keyed).toMatchObject({ event_count: 2, severity: 'critical' });
    expect((await engine.getAlert(ORG, keyed.short_id))?.id).toBe(keyed.id);

    // The key resolves from the store's lookup.
    const closed = await decide(fromEventPayload(CLOSED));
    expect(closed.decision.resolved_alert_ids).toEqual([keyed.id]);
  });

  it('rolls back a decide that opened an alert and a case', async () => {
    define();
    const r = await engine.decide(fromInstance(INSTANCE, { idempotency_key: 'k1' }));
    expect(r.changes).toHaveLength(2);
    engine.rollback(r.changes);
    expect(await listAlerts(ORG)).toEqual([]);
    expect(engine.listCases(ORG)).toEqual([]);
    expect(await engine.getAlert(ORG, alertIdFrom(r.changes))).toBeUndefined();
    const closed = await decide(fromInstance(INSTANCE, { idempotency_key: 'k1', status: 'CLOSED' }));
    expect(closed.decision.rule).toBe('close_no_open_alert');
  });

  it('decides on changes not yet durable, and rolls back joins and actions, latest first, to the state before them', async () => {
    const first = await decide(fromEventPayload(OPEN));
    const before = await alertOf(first);
    advance(10);
    const join = await engine.decide(fromEventPayload(OPEN, { severity: 'critical' }));
    const ack = await engine.act(ORG, first.decision.alert_id!, 'ack', 'alice');
    expect(await alertOf(first)).toMatchObject({ event_count: 2, status: 'acknowledged' });
    engine.rollback(ack);
    engine.rollback(join.changes);
    expect(await alertOf(first)).toEqual(before);
    engine.rollback(join.changes); // a second rollback of the same changes does nothing
    expect(await alertOf(first)).toEqual(before);
  });

  it('joins an alert opened by a decision not yet durable', async () => {
    const first = await engine.decide(fromEventPayload(OPEN));
    const second = await engine.decide(fromEventPayload(OPEN));
    expect(second.decision).toMatchObject({ rule: 'idempotency_key_join', alert_id: first.decision.alert_id });
    await persist(first.changes);
    await persist(second.changes);
    expect(await listAlerts(ORG)).toMatchObject([{ id: first.decision.alert_id, event_count: 2 }]);
  });

  it('writes a joined event as a patch (the alert with the timeline entries since its last full snapshot), and reads back the same alert', async () => {
    let patches = 0;
    let bytes = 0;
    let first: DecideResult | undefined;
    for (let i = 0; i < 250; i++) {
      advance(1);
      const r = await decide(fromEventPayload(OPEN));
      first ??= r;
      for (const rec of stateRecords(r.changes)) {
        if (!rec.appendTo) continue;
        patches++;
        bytes = Math.max(bytes, JSON.stringify(rec.data).length);
      }
    }
    const before = await alertOf(first!);
    expect(before.event_count).toBe(250);
    expect(before.timeline).toHaveLength(ALERT_TIMELINE_MAX);
    expect(before.timeline[0].kind).toBe('opened');
    // Whole again every PATCH_TAIL_MAX entries; a patch never holds more than that many.
    expect(patches).toBeGreaterThan(200);
    // The largest patch is a small part of the whole alert (a 200-entry timeline).
    expect(bytes).toBeLessThan(JSON.stringify(before).length / 4);
    // After a restart the store joins each patch to its full snapshot (and the engine caps the timeline).
    await store.close();
    store = await openStore();
    engine = makeEngine();
    expect(await alertOf(first!)).toEqual(before);
    expect((await listAlerts(ORG))[0]).toEqual(before);
    // And the alert goes on from there: the next join is written whole (its snapshot is not at hand), then as patches.
    const next = await decide(fromEventPayload(OPEN));
    expect(stateRecords(next.changes).map((rec) => rec.appendTo)).toEqual([undefined]);
    const after = await decide(fromEventPayload(OPEN));
    expect(stateRecords(after.changes).map((rec) => rec.appendTo)).toEqual(['alert.timeline']);
    await store.close();
    store = await openStore();
    engine = makeEngine();
    expect((await alertOf(first!)).event_count).toBe(252);
  });

  it('rolls back a tick', async () => {
    define({ auto_resolve_after_s: 60, create_case: false });
    const r = await decide(fromInstance(INSTANCE));
    advance(60);
    const changes = await engine.tick();
    expect((await alertOf(r)).status).toBe('resolved');
    engine.rollback(changes);
    expect(await alertOf(r)).toMatchObject({ status: 'open', resolved_at: null });
  });
});

function alertIdFrom(changes: StateChange[]): string {
  const change = changes.find((c) => c.kind === 'alert') as Extract<StateChange, { kind: 'alert' }>;
  return change.alert.id;
}
