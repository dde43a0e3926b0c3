// The signals engine: every rule of PRODUCT.md §3 over the shared fixtures, with a fake
// clock (a mutable Date) and predictable ids.
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
import { linkCatalog, shortIdFor, SignalsEngine, type DecideResult } from '../../src-main/core/signals/engine';
import type { SignalsConfig, StateChange } from '../../src-main/core/signals/types';
import type { Level, NormalizedEvent, Severity } from '../../src-main/core/types';
import { ALERT_TIMELINE_MAX } from '../../src-main/limits';
import { fixture, normalizedEvent, requestMeta } from '../helpers/ingest-fixtures';

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

const newId = () => `00000000-0000-4000-8000-${String(++idSeq).padStart(12, '0')}`;
const makeEngine = () => new SignalsEngine({ now: () => new Date(clock.getTime()), newId, config: () => config });
const advance = (s: number) => clock.setTime(clock.getTime() + s * 1000);
const define = (input: Partial<DefinitionInput> = {}, org = ORG) =>
  createDefinition(config, org, { name: 'Process events', external_id: 'someExternalValue', ...input }, clock);
const decide = (event: NormalizedEvent): Promise<DecideResult> => engine.decide(event);
const alertOf = (r: DecideResult, org = ORG) => engine.getAlert(org, r.decision.alert_id!)!;

beforeEach(() => {
  clock = new Date('2024-05-01T10:00:00.000Z');
  config = emptySignalsConfig();
  idSeq = 0;
  engine = makeEngine();
});

function thrown(fn: () => unknown): Error & { errors: string[] } {
  try {
    fn();
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
    const alert = alertOf(r);
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
    const alert = alertOf(first);
    expect(second.decision).toMatchObject({ action: 'joined_alert', rule: 'idempotency_key_join', alert_id: alert.id });
    expect(second.decision.text).toBe(`Joined alert ${alert.short_id}: an open alert has idempotency key "${KEY}" (rule idempotency_key_join).`);
    expect(third.event.alert_id).toBe(alert.id);
    expect(alert).toMatchObject({ event_count: 3, severity: 'critical', first_seen: '2024-05-01T10:00:00.000Z', last_seen: '2024-05-01T10:01:00.000Z' });
    expect(alert.timeline.map((t) => t.kind)).toEqual(['opened', 'event_joined', 'event_joined']);
    expect(engine.listAlerts(ORG)).toHaveLength(1);
  });

  it('joins an acknowledged alert too, and says so', async () => {
    const first = await decide(fromEventPayload(OPEN));
    engine.act(ORG, first.decision.alert_id!, 'ack', 'alice');
    const second = await decide(fromEventPayload(OPEN));
    expect(second.decision.alert_id).toBe(first.decision.alert_id);
    expect(second.decision.text).toContain(`an acknowledged alert has idempotency key "${KEY}" (rule idempotency_key_join)`);
  });

  it('resolves every open or acknowledged alert of the key on a CLOSED event', async () => {
    const first = await decide(fromEventPayload(OPEN));
    // Two active alerts with one key only arise from persisted state; build it with load().
    const a = alertOf(first);
    const b = { ...structuredClone(a), id: newId(), short_id: 'ALbbbbbbbbbb', status: 'acknowledged' as const };
    engine.load([{ kind: 'alert', alert: a, notify: true }, { kind: 'alert', alert: b, notify: true }]);
    advance(60);
    const closed = await decide(fromEventPayload(CLOSED));
    expect(closed.decision).toMatchObject({ action: 'resolved_alerts', rule: 'close_resolves_key', alert_id: a.id, resolved_alert_ids: [a.id, b.id] });
    expect(closed.decision.text).toBe(
      `Resolved 2 alerts (${a.short_id}, ALbbbbbbbbbb): a CLOSED event resolves every open alert with idempotency key "${KEY}" (rule close_resolves_key).`,
    );
    for (const id of [a.id, b.id]) {
      const alert = engine.getAlert(ORG, id)!;
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
    expect(engine.listAlerts(ORG)).toEqual([]);
  });

  it('opens a new alert after the previous one of the key was resolved', async () => {
    const first = await decide(fromEventPayload(OPEN));
    await decide(fromEventPayload(CLOSED));
    const again = await decide(fromEventPayload(OPEN));
    const previous = alertOf(first);
    expect(again.decision).toMatchObject({ action: 'opened_alert', rule: 'reopen_after_resolve' });
    expect(again.decision.alert_id).not.toBe(previous.id);
    expect(again.decision.text).toBe(
      `Opened alert ${alertOf(again).short_id}: the previous alert ${previous.short_id} with idempotency key "${KEY}" was resolved, so a new alert opens (rule reopen_after_resolve).`,
    );
    expect(engine.listAlerts(ORG).map((a) => a.status)).toEqual(['open', 'resolved']);
  });

  it('opens a new alert after the previous one of the key was dismissed', async () => {
    const first = await decide(fromEventPayload(OPEN));
    engine.act(ORG, first.decision.alert_id!, 'dismiss', 'bob');
    const again = await decide(fromEventPayload(OPEN));
    expect(again.decision.rule).toBe('reopen_after_resolve');
    expect(again.decision.text).toContain(`the previous alert ${alertOf(first).short_id} with idempotency key "${KEY}" was dismissed`);
  });

  it('gives every event without a key its own alert', async () => {
    const one = await decide(fromEventPayload(OPEN, { idempotency_key: null }));
    const two = await decide(fromEventPayload(OPEN, { idempotency_key: null }));
    expect(one.decision.alert_id).not.toBe(two.decision.alert_id);
    expect(two.decision).toMatchObject({ action: 'opened_alert', rule: 'no_key_own_alert' });
    expect(two.decision.text).toBe(`Opened alert ${alertOf(two).short_id}: the event has no idempotency key, so it opens its own alert (rule no_key_own_alert).`);
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
    expect(engine.getAlert(OTHER_ORG, mine.decision.alert_id!)).toBeUndefined();
    expect(engine.getAlert(OTHER_ORG, alertOf(mine).short_id)).toBeUndefined();
    expect(() => engine.act(OTHER_ORG, mine.decision.alert_id!, 'ack', 'mallory')).toThrow(NotFoundError);
    const closed = await decide(fromEventPayload(CLOSED, { organization: OTHER_ORG }));
    expect(closed.decision.resolved_alert_ids).toEqual([theirs.decision.alert_id]);
    expect(alertOf(mine).status).toBe('open');
    const instance = await decide(fromInstance(INSTANCE, { organization: OTHER_ORG }));
    expect(instance.decision.action).toBe('unattached');
    expect(engine.listAlerts(ORG)).toHaveLength(1);
    expect(engine.listAlerts(OTHER_ORG)).toHaveLength(1);
  });

  it(`keeps at most ${ALERT_TIMELINE_MAX} timeline entries: the first and the latest`, async () => {
    const first = await decide(fromEventPayload(OPEN));
    let last: DecideResult = first;
    for (let i = 0; i < ALERT_TIMELINE_MAX + 10; i++) last = await decide(fromEventPayload(OPEN));
    const alert = alertOf(first);
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
    expect(alertOf(r)).toMatchObject({ definition_id: def.id, title: 'process_events' });
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
    expect(engine.listAlerts(ORG)).toEqual([]);
  });

  it('treats a disabled definition like an unknown one and says it is disabled', async () => {
    define({ enabled: false });
    const r = await decide(fromInstance(INSTANCE));
    expect(r.decision).toMatchObject({ action: 'unattached', rule: 'unknown_external_id', definition_id: null });
    expect(r.decision.text).toContain('definition "Process events" with external_id "someExternalValue" is disabled (rule unknown_external_id)');
    expect(engine.listAlerts(ORG)).toEqual([]);
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
    expect(engine.listAlerts(ORG)).toEqual([]);

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
    const alert = alertOf(first);
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
    expect(late.decision.text).toContain(`Filter "By host" matched alert ${alertOf(first).short_id} on "host1", but it was last seen 601 s ago, outside the 600 s window.`);
  });

  it('ignores an expired deduplicate filter', async () => {
    const def = define({ create_case: false });
    const filter = byHost(def.id);
    await decide(fromInstance(INSTANCE));
    expireFilter(config, ORG, filter.id, clock);
    const second = await decide(fromInstance(INSTANCE));
    expect(second.decision.action).toBe('opened_alert');
    expect(engine.listAlerts(ORG)).toHaveLength(2);
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
    expect(alertOf(first).dedup_values[filter.id]).toBe('{"pid":888,"parent":555}');
  });
});

describe('cases', () => {
  it('opens a case for a new alert of a create_case definition', async () => {
    const def = define({ create_case: true, conversation_target: '#sec-process-events' });
    createCatalogComponent(config, ORG, { kind: 'service', name: 'Endpoint agent', slug: 'endpoint-agent' }, clock);
    const r = await decide(fromInstance(INSTANCE, { tags: ['service:endpoint-agent'] }));
    const alert = alertOf(r);
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
    expect(alertOf(r).case_id).toBeNull();
    expect(engine.listCases(ORG)).toEqual([]);
  });

  it('moves a case new → triage → closed → triage, refusing other moves, naming the actor', async () => {
    define();
    const r = await decide(fromInstance(INSTANCE));
    const id = r.decision.case_id!;
    const [change] = engine.setCaseStatus(ORG, id, 'triage', 'alice');
    expect(change).toMatchObject({ kind: 'case', notify: true, case: { status: 'triage' } });
    engine.setCaseStatus(ORG, id, 'closed', 'alice');
    const back = thrown(() => engine.setCaseStatus(ORG, id, 'new', 'alice'));
    expect(back).toBeInstanceOf(ValidationError);
    expect(back.errors[0]).toMatch(/^status: case CA[0-9A-Za-z]{10} cannot go from closed to new$/);
    engine.setCaseStatus(ORG, id, 'triage', 'bob');
    const c = engine.getCase(ORG, id)!;
    expect(c.timeline.map((t) => [t.kind, t.actor])).toEqual([
      ['case_opened', null],
      ['status_changed', 'alice'],
      ['status_changed', 'alice'],
      ['status_changed', 'bob'],
    ]);
    expect(c.timeline[1].text).toBe('Status new → triage by alice.');
    expect(() => engine.setCaseStatus(OTHER_ORG, id, 'closed', 'mallory')).toThrow(NotFoundError);
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
    expect(alertOf(r).catalog).toEqual(expected);
    expect(alertOf(r).tags).toContain('random-tag');
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
    expect(alertOf(first).catalog).toEqual(links);
    expect(engine.getCase(ORG, first.decision.case_id!)!.catalog).toEqual(links);
    expect(second.changes.map((c) => c.kind)).toEqual(['alert', 'case']);
    expect(alertOf(first).tags).toEqual(['service:api-gateway', 'service:auth', 'random-tag']);
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
    expect(alertOf(t3).flapping).toBe(false);

    advance(10);
    const t4 = await decide(fromEventPayload(CLOSED));
    expect(t4.notify).toBe(false);
    expect(t4.decision.notify).toBe(false);
    expect(t4.changes.every((c) => c.notify === false)).toBe(true);
    expect(t4.decision.text).toContain(`Flapping: 4 open/resolve transitions of idempotency key "${KEY}" within 600 s (more than 3); notifications are held back until it settles (rule flap_detection).`);
    expect(alertOf(t4)).toMatchObject({ flapping: true, status: 'resolved' });
    expect(alertOf(t4).timeline.at(-1)!.kind).toBe('flapping');

    advance(10);
    const t5 = await decide(fromEventPayload(OPEN));
    expect(alertOf(t5).flapping).toBe(true);
    expect(t5.notify).toBe(false);
    const joined = await decide(fromEventPayload(OPEN));
    expect(joined.decision.rule).toBe('idempotency_key_join');
    expect(joined.notify).toBe(false);

    advance(599);
    expect(engine.tick()).toEqual([]);
    advance(1);
    const settled = engine.tick();
    expect(settled.map((c) => c.kind === 'alert' && [c.alert.id, c.alert.flapping, c.notify])).toEqual([
      [t4.decision.alert_id, false, true],
      [t5.decision.alert_id, false, true],
    ]);
    expect(alertOf(t5).timeline.at(-1)).toMatchObject({ kind: 'settled', text: 'Settled: no open/resolve transition for 600 s; notifications resume.' });
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
    expect(engine.tick()).toEqual([]);
    advance(1);
    const changes = engine.tick();
    expect(changes).toHaveLength(1);
    const alert = alertOf(r);
    expect(changes[0]).toEqual({ kind: 'alert', alert, notify: true });
    expect(alert).toMatchObject({ status: 'resolved', resolved_at: clock.toISOString() });
    expect(alert.timeline.at(-1)).toMatchObject({
      kind: 'auto_resolved',
      text: 'Auto-resolved: no new event for 300 s (definition "Process events" auto-resolves after 300 s).',
    });
    expect(engine.tick()).toEqual([]);
  });

  it('looks at a bounded slice of the active alerts per tick and reaches every one within a few ticks', async () => {
    define({ auto_resolve_after_s: 60, create_case: false });
    engine = new SignalsEngine({ now: () => new Date(clock.getTime()), newId, config: () => config, tickSlice: 2 });
    for (let i = 0; i < 5; i++) await decide(fromInstance({ ...INSTANCE, id: undefined, raw: { ...INSTANCE.raw, id: `inst-${i}` } } as typeof INSTANCE));
    advance(61);
    const perTick = [engine.tick().length, engine.tick().length, engine.tick().length, engine.tick().length];
    expect(perTick.every((n) => n <= 2)).toBe(true);
    expect(perTick.reduce((a, b) => a + b, 0)).toBe(5);
    expect(engine.listAlerts(ORG).every((a) => a.status === 'resolved')).toBe(true);
  });

  it('counts from the last event: a joined event restarts the wait', async () => {
    const def = define({ auto_resolve_after_s: 300, create_case: false });
    const first = await decide(fromEventPayload(OPEN, { external_id: def.external_id }));
    advance(250);
    await decide(fromEventPayload(OPEN, { external_id: def.external_id }));
    advance(250);
    expect(engine.tick()).toEqual([]);
    advance(50);
    expect(engine.tick()).toHaveLength(1);
    expect(alertOf(first).status).toBe('resolved');
  });

  it('leaves alerts without such a definition alone', async () => {
    const r = await decide(fromEventPayload(OPEN));
    advance(86_400);
    expect(engine.tick()).toEqual([]);
    expect(alertOf(r).status).toBe('open');
  });
});

describe('people acting on alerts', () => {
  it('acknowledges then resolves, by id or short id, naming the actor', async () => {
    const r = await decide(fromEventPayload(OPEN));
    const short = alertOf(r).short_id;
    advance(5);
    const [ack] = engine.act(ORG, short, 'ack', 'alice');
    expect(ack).toMatchObject({ kind: 'alert', notify: true, alert: { status: 'acknowledged', resolved_at: null } });
    advance(5);
    engine.act(ORG, r.decision.alert_id!, 'resolve', 'bob');
    const alert = alertOf(r);
    expect(alert).toMatchObject({ status: 'resolved', resolved_at: clock.toISOString() });
    expect(alert.timeline.slice(1)).toEqual([
      { at: '2024-05-01T10:00:05.000Z', kind: 'acknowledged', text: 'Acknowledged by alice.', event_id: null, actor: 'alice' },
      { at: '2024-05-01T10:00:10.000Z', kind: 'resolved', text: 'Resolved by bob.', event_id: null, actor: 'bob' },
    ]);
  });

  it('dismisses an open alert', async () => {
    const r = await decide(fromEventPayload(OPEN));
    engine.act(ORG, r.decision.alert_id!, 'dismiss', 'carol');
    expect(alertOf(r)).toMatchObject({ status: 'dismissed', resolved_at: clock.toISOString() });
    expect(alertOf(r).timeline.at(-1)).toMatchObject({ kind: 'dismissed', actor: 'carol' });
  });

  it('refuses invalid transitions and unknown alerts', async () => {
    const r = await decide(fromEventPayload(OPEN));
    const id = r.decision.alert_id!;
    const short = alertOf(r).short_id;
    engine.act(ORG, id, 'ack', 'alice');
    const twice = thrown(() => engine.act(ORG, id, 'ack', 'alice'));
    expect(twice).toBeInstanceOf(ValidationError);
    expect(twice.errors).toEqual([`action: cannot acknowledge alert ${short}: it is acknowledged`]);
    engine.act(ORG, id, 'resolve', 'alice');
    expect(thrown(() => engine.act(ORG, id, 'ack', 'alice')).errors).toEqual([`action: cannot acknowledge alert ${short}: it is resolved`]);
    expect(thrown(() => engine.act(ORG, id, 'dismiss', 'alice')).errors).toEqual([`action: cannot dismiss alert ${short}: it is resolved`]);
    expect(thrown(() => engine.act(ORG, id, 'resolve', 'alice'))).toBeInstanceOf(ValidationError);
    expect(thrown(() => engine.act(ORG, id, 'close' as 'ack', 'alice')).errors).toEqual(['action: must be one of ack, resolve, dismiss']);
    const missing = thrown(() => engine.act(ORG, 'ALnope', 'ack', 'alice'));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.errors).toEqual(['id: no alert "ALnope"']);
    expect(alertOf(r).timeline.map((t) => t.kind)).toEqual(['opened', 'acknowledged', 'resolved']);
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
    engine.act(ORG, c.decision.alert_id!, 'ack', 'alice');
    const ids = (list: { id: string }[]) => list.map((x) => x.id);
    expect(ids(engine.listAlerts(ORG))).toEqual([c, b, a].map((r) => r.decision.alert_id));
    expect(ids(engine.listAlerts(ORG, { status: 'acknowledged' }))).toEqual([c.decision.alert_id]);
    expect(ids(engine.listAlerts(ORG, { definition_id: def.id }))).toEqual([b.decision.alert_id]);
    expect(ids(engine.listAlerts(ORG, { text: 'cpu' }))).toEqual([c, a].map((r) => r.decision.alert_id));
    expect(ids(engine.listAlerts(ORG, { text: 'RANDOM-TAG' }))).toEqual([c.decision.alert_id]);
    expect(engine.listAlerts(OTHER_ORG)).toEqual([]);
  });

  it('hands out copies or frozen records: changing a returned record does not change the engine', async () => {
    const r = await decide(fromEventPayload(OPEN));
    const change = r.changes[0] as Extract<StateChange, { kind: 'alert' }>;
    // A change shares the committed record (no second copy in memory): it cannot be changed.
    expect(() => (change.alert.status = 'dismissed')).toThrow(TypeError);
    expect(() => change.alert.tags.push('x')).toThrow(TypeError);
    engine.getAlert(ORG, r.decision.alert_id!)!.event_count = 99;
    engine.listAlerts(ORG)[0].tags.push('x');
    expect(alertOf(r)).toMatchObject({ status: 'open', event_count: 1, tags: OPEN.tags });
  });
});

describe('load and rollback', () => {
  async function scenario(): Promise<StateChange[]> {
    define({ external_id: 'someExternalValue' });
    const log: StateChange[] = [];
    const record = (r: DecideResult | StateChange[]) => log.push(...(Array.isArray(r) ? r : r.changes));
    record(await decide(fromEventPayload(OPEN)));
    advance(5);
    record(await decide(fromEventPayload(OPEN, { severity: 'critical' })));
    const inst = await decide(fromInstance(INSTANCE));
    record(inst);
    record(engine.act(ORG, inst.decision.alert_id!, 'ack', 'alice'));
    record(engine.setCaseStatus(ORG, inst.decision.case_id!, 'triage', 'alice'));
    return log;
  }

  it('rebuilds the same state from the persisted snapshots (last snapshot wins)', async () => {
    const log = await scenario();
    const replayed = makeEngine();
    replayed.load(JSON.parse(JSON.stringify(log)));
    expect(replayed.listAlerts(ORG)).toEqual(engine.listAlerts(ORG));
    expect(replayed.listCases(ORG)).toEqual(engine.listCases(ORG));
    const keyed = replayed.listAlerts(ORG, { text: KEY })[0];
    expect(keyed).toMatchObject({ event_count: 2, severity: 'critical' });
    expect(replayed.getAlert(ORG, keyed.short_id)?.id).toBe(keyed.id);

    // Indexes are rebuilt too: the key resolves, and an earlier snapshot placed last wins.
    engine = replayed;
    const closed = await decide(fromEventPayload(CLOSED));
    expect(closed.decision.resolved_alert_ids).toEqual([keyed.id]);
    const firstSnapshot = log[0] as Extract<StateChange, { kind: 'alert' }>;
    replayed.load([...log, firstSnapshot]);
    expect(replayed.getAlert(ORG, keyed.id)).toMatchObject({ event_count: 1, severity: 'high', status: 'open' });
  });

  it('rolls back a decide that opened an alert and a case', async () => {
    define();
    const r = await decide(fromInstance(INSTANCE, { idempotency_key: 'k1' }));
    expect(r.changes).toHaveLength(2);
    engine.rollback(r.changes);
    expect(engine.listAlerts(ORG)).toEqual([]);
    expect(engine.listCases(ORG)).toEqual([]);
    expect(engine.getAlert(ORG, alertIdFrom(r.changes))).toBeUndefined();
    const closed = await decide(fromInstance(INSTANCE, { idempotency_key: 'k1', status: 'CLOSED' }));
    expect(closed.decision.rule).toBe('close_no_open_alert');
  });

  it('rolls back joins and actions, latest first, to the state before them', async () => {
    const first = await decide(fromEventPayload(OPEN));
    const before = alertOf(first);
    advance(10);
    const join = await decide(fromEventPayload(OPEN, { severity: 'critical' }));
    const ack = engine.act(ORG, first.decision.alert_id!, 'ack', 'alice');
    expect(alertOf(first)).toMatchObject({ event_count: 2, status: 'acknowledged' });
    engine.rollback(ack);
    engine.rollback(join.changes);
    expect(alertOf(first)).toEqual(before);
    engine.rollback(join.changes); // a second rollback of the same changes does nothing
    expect(alertOf(first)).toEqual(before);
  });

  it('rolls back a tick', async () => {
    define({ auto_resolve_after_s: 60, create_case: false });
    const r = await decide(fromInstance(INSTANCE));
    advance(60);
    const changes = engine.tick();
    expect(alertOf(r).status).toBe('resolved');
    engine.rollback(changes);
    expect(alertOf(r)).toMatchObject({ status: 'open', resolved_at: null });
  });
});

function alertIdFrom(changes: StateChange[]): string {
  const change = changes.find((c) => c.kind === 'alert') as Extract<StateChange, { kind: 'alert' }>;
  return change.alert.id;
}
