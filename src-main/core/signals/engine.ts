// The signals engine (PRODUCT.md §3): decides what each event does to alerts and cases
// and says why. No timers and no I/O of its own: the clock, ids, configuration and the
// store's alerts (AlertSource) are injected.
//
// A million open alerts do not fit in memory: an operation first reads the alerts it may
// touch (the event's key, its deduplication candidates) from the source, then decides
// without waiting. Its changes are staged in memory (pending) until the caller says they are
// durable (settle) or failed (rollback); a bounded cache keeps recently used alerts at hand.
// Cases stay in memory.
//
// State is copy-on-write: an operation works on copies inside a Tx and commits them at
// the end, so a throwing operation changes nothing and the objects handed out are never
// mutated (which is what lets rollback put the previous objects back).
import { hash } from 'node:crypto';
import type jsonata from 'jsonata';
import { ALERT_CACHE_MAX, ALERT_TIMELINE_MAX, KEY_HISTORY_MAX, PATCH_TAIL_MAX, TAGS_MAX, TICK_SLICE } from '../../limits';
import { NotFoundError, ValidationError } from '../errors';
import type { Decision, DecisionAction, DecisionRule, NormalizedEvent, Severity } from '../types';
import { compileExpression, DEFAULT_FLAP_SETTINGS, describeExpressionError } from './config-ops';
import {
  CASE_STATUSES,
  CATALOG_KINDS,
  type Alert,
  type AlertStatus,
  type Case,
  type CaseStatus,
  type CatalogComponent,
  type CatalogKind,
  type CatalogLink,
  type SignalDefinition,
  type SignalFilter,
  type SignalsConfig,
  type StateChange,
  type TimelineEntry,
  type TimelineKind,
} from './types';

export interface SignalsEngineOptions {
  now: () => Date;
  /** A new UUID for each alert and case. */
  newId: () => string;
  /** The current configuration, all organizations; the engine filters by organization. */
  config: () => SignalsConfig;
  /** Where committed alerts are read. */
  alerts: AlertSource;
  /** Idle alerts looked at per tick for auto-resolve (default TICK_SLICE). */
  tickSlice?: number;
  /** Shared: the latest stored version of a case (another instance may have moved it). */
  storedCase?: (id: string) => Promise<Case | undefined>;
  /**
   * Other instances write the same alerts (one shared database): no committed alert is kept
   * in memory and every record is written whole (see Alerts).
   */
  shared?: boolean;
}

export interface DecideResult {
  /** A copy of the input with alert_id, definition_id and catalog set. */
  event: NormalizedEvent;
  decision: Decision;
  /** Snapshots of every alert and case the event changed (one per record). */
  changes: StateChange[];
  /** Same as decision.notify: false = store, but hold back notifications. */
  notify: boolean;
}

export const ALERT_ACTIONS = ['ack', 'resolve', 'dismiss'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

export interface AlertListFilter {
  status?: AlertStatus;
  definition_id?: string;
  severity?: Severity;
  /** Case-insensitive substring of title, short id, id, idempotency key or a tag. */
  text?: string;
}

export interface CaseListFilter {
  status?: CaseStatus;
  definition_id?: string;
  /** Case-insensitive substring of title, short id or id. */
  text?: string;
}

// ---------------------------------------------------------------- pure helpers

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SHORT_SPACE = 62n ** 10n;

/**
 * `prefix` + 10 base62 characters derived from the record's UUID, so an injected id
 * source gives reproducible short ids. `attempt` varies it when a short id is taken.
 */
export function shortIdFor(prefix: 'AL' | 'CA', id: string, attempt = 0): string {
  const digest = hash('sha256', attempt === 0 ? id : `${id}#${attempt}`, 'buffer');
  const n = digest.readBigUInt64BE(0) % SHORT_SPACE;
  // Two BigInt steps, then plain numbers: 62^5 < 2^53, so each half is exact.
  let low = Number(n % 916_132_832n); // 62^5
  let high = Number(n / 916_132_832n);
  let out = '';
  for (let i = 0; i < 5; i++) {
    out = BASE62[low % 62] + out;
    low = Math.floor(low / 62);
  }
  for (let i = 0; i < 5; i++) {
    out = BASE62[high % 62] + out;
    high = Math.floor(high / 62);
  }
  return prefix + out;
}

const CATALOG_TAG = new RegExp(`^(${CATALOG_KINDS.join('|')}):(.+)$`);

/** `service:<slug>`-style tags → catalog links; an unknown slug is kept with id null (unlinked). */
export function linkCatalog(tags: readonly string[], components: readonly CatalogComponent[]): CatalogLink[] {
  const links: CatalogLink[] = [];
  for (const tag of tags) {
    const m = CATALOG_TAG.exec(tag);
    if (!m) continue;
    const kind = m[1] as CatalogKind;
    const slug = m[2];
    if (links.some((l) => l.kind === kind && l.slug === slug)) continue;
    const component = components.find((c) => c.kind === kind && c.slug === slug);
    links.push({ kind, slug, id: component?.id ?? null });
  }
  return links;
}

/** Adds links not yet present (and ids to unlinked ones); true when `into` changed. */
function mergeCatalog(into: CatalogLink[], add: readonly CatalogLink[]): boolean {
  let changed = false;
  for (const link of add) {
    const have = into.find((l) => l.kind === link.kind && l.slug === link.slug);
    if (!have) {
      into.push({ ...link });
      changed = true;
    } else if (have.id === null && link.id !== null) {
      have.id = link.id;
      changed = true;
    }
  }
  return changed;
}

function mergeTags(into: string[], add: readonly string[]): void {
  for (const tag of add) {
    if (into.length >= TAGS_MAX) return;
    if (!into.includes(tag)) into.push(tag);
  }
}

/** 'pending' means "not known yet", so any real severity outranks it. */
const SEVERITY_RANK: Record<Severity, number> = { pending: 0, informational: 1, low: 2, medium: 3, high: 4, critical: 5 };

function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

/** JSONata's own truthiness ($boolean), so a snooze matches exactly when `$boolean(expr)` would. */
function jsonataBoolean(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length === 1 ? jsonataBoolean(value[0]) : value.some(jsonataBoolean);
  switch (typeof value) {
    case 'string':
      return value.length > 0;
    case 'number':
      return value !== 0;
    case 'boolean':
      return value;
    case 'object':
      return Object.keys(value).length > 0;
    default:
      return false;
  }
}

/** A dedup expression's value as a group key; no value (undefined/null) = no group. */
function groupKey(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Entries pushed onto a working timeline during an operation (how big a patch it makes). */
const pushed = new WeakMap<TimelineEntry[], number>();

/** Keeps the first entry (how it began) and the latest ones. */
function pushTimeline(timeline: TimelineEntry[], entry: TimelineEntry): void {
  timeline.push(entry);
  if (timeline.length > ALERT_TIMELINE_MAX) timeline.splice(1, timeline.length - ALERT_TIMELINE_MAX);
  pushed.set(timeline, (pushed.get(timeline) ?? 0) + 1);
}

/** The first and the latest entries, as pushTimeline keeps them (a patched record read back may hold more). */
export function capTimeline(a: Alert): Alert {
  return a.timeline.length <= ALERT_TIMELINE_MAX ? a : { ...a, timeline: [a.timeline[0], ...a.timeline.slice(a.timeline.length - ALERT_TIMELINE_MAX + 1)] };
}

function entry(at: string, kind: TimelineKind, text: string, eventId: string | null = null, actor: string | null = null): TimelineEntry {
  return { at, kind, text, event_id: eventId, actor };
}

const isActive = (a: Alert): boolean => a.status === 'open' || a.status === 'acknowledged';
const seconds = (ms: number): number => Math.floor(ms / 1000);
const q = (s: string): string => JSON.stringify(s);

// ---------------------------------------------------------------- expressions

const EXPRESSION_CACHE_MAX = 1000;

/** Compiled expressions by source text; cleared when full (filters are few, this is a bound). */
class ExpressionCache {
  private readonly compiled = new Map<string, jsonata.Expression>();

  async evaluate(expression: string, input: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
    try {
      let expr = this.compiled.get(expression);
      if (!expr) {
        if (this.compiled.size >= EXPRESSION_CACHE_MAX) this.compiled.clear();
        expr = compileExpression(expression);
        this.compiled.set(expression, expr);
      }
      return { ok: true, value: (await expr.evaluate(input)) as unknown };
    } catch (err) {
      return { ok: false, error: describeExpressionError(err) };
    }
  }
}

// ---------------------------------------------------------------- state

/** Where the engine finds committed alerts (the store): a million open ones do not fit in memory. */
export interface AlertSource {
  get(id: string): Promise<Alert | undefined>;
  /** Ids of an organization's alerts stored with this lookup value, newest first (a few without it may come too). */
  lookup(organization: string, value: string): Promise<string[]>;
  /** Active alerts (open or acknowledged) last seen at or before `until` (to the second), a page at a time. */
  idle(until: number, page: { cursor?: string; limit: number }): Promise<{ items: Alert[]; next_cursor: string | null }>;
}

/** What an alert is found by: its short id, its idempotency key, its deduplication values. */
export function alertLookups(a: Alert): string[] {
  const out = [shortLookup(a.short_id)];
  if (a.idempotency_key !== null) out.push(keyLookup(a.idempotency_key));
  for (const [filterId, value] of Object.entries(a.dedup_values)) out.push(dedupLookup(filterId, value));
  return out;
}
const shortLookup = (shortId: string) => `s:${shortId}`;
const keyLookup = (key: string) => `k:${key}`;
const dedupLookup = (filterId: string, value: string) => `d:${filterId}\n${value}`;

const keyOf = (organization: string, value: string): string => `${organization}\n${value}`;

/**
 * The alerts as the engine sees them: committed ones read from the source (a bounded cache of
 * recent ones in memory), over the versions not yet durable (pending, with their lookups).
 * Objects handed out are frozen and never mutated.
 */
class Alerts {
  private readonly pending = new Map<string, Alert>();
  private readonly pendingLookups = new Map<string, Set<string>>();
  private readonly cache = new Map<string, Alert>();
  /** Timeline entries added since the alert's last full snapshot was written, for alerts at hand. */
  private readonly sinceFull = new Map<string, number>();
  /** Ids of flapping alerts (few; their records stay in memory in the store too). */
  readonly flapping = new Set<string>();

  /**
   * Shared: another instance may commit a newer version of any alert at any time, and its
   * notice comes later than the caller's lock, so a cache evicted on notices could hand out
   * a stale alert under the lock. Committed alerts are therefore always read from the source
   * (only this instance's pending versions stay here), and a record is never a patch over a
   * full snapshot this instance only believes is the latest.
   */
  constructor(private readonly source: AlertSource, private readonly shared = false) {}

  clear(): void {
    this.pending.clear();
    this.pendingLookups.clear();
    this.cache.clear();
    this.sinceFull.clear();
    this.flapping.clear();
  }

  async read(id: string): Promise<Alert | undefined> {
    const known = this.pending.get(id) ?? this.cached(id);
    if (known) return known;
    const stored = await this.source.get(id);
    if (!stored) return undefined;
    // Read again after the wait: an operation may have staged a newer version meanwhile.
    const now = this.pending.get(id) ?? this.cached(id);
    if (now) return now;
    const alert = freezeAlert(stored);
    this.remember(alert);
    return alert;
  }

  /** Ids with this lookup value, newest first: staged new ones, then stored ones. */
  async ids(organization: string, value: string): Promise<string[]> {
    const stored = await this.source.lookup(organization, value);
    const staged = this.pendingLookups.get(keyOf(organization, value));
    if (!staged) return stored;
    const known = new Set(stored);
    return [...[...staged].filter((id) => !known.has(id)).reverse(), ...stored];
  }

  async taken(organization: string, value: string): Promise<boolean> {
    return (await this.ids(organization, value)).length > 0;
  }

  /** Taken by a version not durable yet (the store is asked later, see ensureFreeShortId). */
  takenPending(organization: string, value: string): boolean {
    return this.pendingLookups.has(keyOf(organization, value));
  }

  /** An operation's new version, not durable yet. */
  stage(alert: Alert): void {
    const old = this.pending.get(alert.id);
    if (old) this.unindex(old);
    this.pending.set(alert.id, alert);
    for (const v of alertLookups(alert)) {
      const k = keyOf(alert.organization, v);
      let ids = this.pendingLookups.get(k);
      if (!ids) this.pendingLookups.set(k, (ids = new Set()));
      ids.add(alert.id);
    }
    this.flag(alert);
  }

  /** Puts back the version an undone operation replaced (null: the alert did not exist). */
  unstage(id: string, after: Alert, before: Alert | null, beforeWasPending: boolean): void {
    this.sinceFull.delete(id); // the next record is written whole
    if (this.pending.get(id) === after) {
      this.unindex(after);
      this.pending.delete(id);
    }
    if (before && beforeWasPending) this.stage(before);
    else if (before) this.flag(before);
    else this.flapping.delete(id);
  }

  isPending(id: string): boolean {
    return this.pending.has(id);
  }

  /** The version is durable now: it leaves the pending set (unless a newer one is staged) for the cache. */
  settle(alert: Alert): void {
    if (this.pending.get(alert.id) === alert) {
      this.unindex(alert);
      this.pending.delete(alert.id);
    }
    this.remember(alert);
  }

  /** A committed alert found at start-up (flapping ones, which the store keeps in memory). */
  adopt(alert: Alert): void {
    this.remember(alert);
    this.flag(alert);
  }

  /** Another instance committed this version: only whether it flaps is kept (for the tick). */
  observe(alert: Alert): void {
    if (!this.pending.has(alert.id)) this.flag(alert);
  }

  private flag(alert: Alert): void {
    if (alert.flapping) this.flapping.add(alert.id);
    else this.flapping.delete(alert.id);
  }

  private unindex(alert: Alert): void {
    for (const v of alertLookups(alert)) {
      const k = keyOf(alert.organization, v);
      const ids = this.pendingLookups.get(k);
      ids?.delete(alert.id);
      if (ids?.size === 0) this.pendingLookups.delete(k);
    }
  }

  private cached(id: string): Alert | undefined {
    const a = this.cache.get(id);
    if (a) {
      this.cache.delete(id);
      this.cache.set(id, a);
    }
    return a;
  }

  private remember(alert: Alert): void {
    if (this.shared) return;
    this.cache.delete(alert.id);
    this.cache.set(alert.id, alert);
    if (this.cache.size > ALERT_CACHE_MAX) {
      const oldest = this.cache.keys().next().value!;
      this.cache.delete(oldest);
      if (!this.pending.has(oldest)) this.sinceFull.delete(oldest);
    }
  }

  /**
   * How many latest timeline entries the record of this change may carry as a patch (entries
   * since the last full snapshot), or undefined: write it whole. Only an active alert that is
   * not flapping (its record is cold) and whose last full snapshot this engine wrote or knows.
   */
  tail(before: Alert | null, after: Alert, added: number): number | undefined {
    if (this.shared) return undefined;
    const known = before ? this.sinceFull.get(after.id) : undefined;
    const tail = known === undefined ? undefined : known + added;
    const patch = tail !== undefined && tail <= PATCH_TAIL_MAX && tail <= after.timeline.length && isActive(after) && !after.flapping;
    this.sinceFull.set(after.id, patch ? tail : 0);
    return patch ? tail : undefined;
  }
}

/** Cases stay in memory (one per alert of a create_case definition). */
class Cases {
  readonly byId = new Map<string, Case>();
  private readonly short = new Map<string, string>();

  clear(): void {
    this.byId.clear();
    this.short.clear();
  }

  put(c: Case): void {
    this.short.set(c.short_id, c.id);
    this.byId.set(c.id, c);
  }

  remove(id: string): void {
    const c = this.byId.get(id);
    if (!c) return;
    this.byId.delete(id);
    this.short.delete(c.short_id);
  }

  find(organization: string, idOrShortId: string): Case | undefined {
    const c = this.byId.get(idOrShortId) ?? this.byId.get(this.short.get(idOrShortId) ?? '');
    return c?.organization === organization ? c : undefined;
  }

  taken(shortId: string): boolean {
    return this.short.has(shortId);
  }
}

/**
 * Deep copies of the two record types, field by field: the hot path copies every alert it
 * commits, and structuredClone's generic serialization costs several times more. Every
 * nested value of Alert and Case is listed here (flat objects and arrays of them).
 */
function cloneAlert(a: Alert): Alert {
  return { ...a, catalog: a.catalog.map((l) => ({ ...l })), tags: [...a.tags], dedup_values: { ...a.dedup_values }, timeline: a.timeline.map((e) => ({ ...e })) };
}

function cloneCase(c: Case): Case {
  return { ...c, alert_ids: [...c.alert_ids], catalog: c.catalog.map((l) => ({ ...l })), timeline: c.timeline.map((e) => ({ ...e })) };
}

/** Committed records are shared with the changes handed out (and the store): frozen, so nobody can change them in place. */
function freezeAlert(a: Alert): Alert {
  freezeLinksAndTimeline(a);
  Object.freeze(a.tags);
  Object.freeze(a.dedup_values);
  return Object.freeze(a);
}

function freezeCase(c: Case): Case {
  freezeLinksAndTimeline(c);
  Object.freeze(c.alert_ids);
  return Object.freeze(c);
}

/** What alerts and cases both hold: catalog links and a timeline, each entry frozen too. */
function freezeLinksAndTimeline(r: { catalog: CatalogLink[]; timeline: TimelineEntry[] }): void {
  for (const l of r.catalog) Object.freeze(l);
  for (const e of r.timeline) Object.freeze(e);
  Object.freeze(r.catalog);
  Object.freeze(r.timeline);
}

type Undo =
  | { kind: 'alert'; id: string; after: Alert; before: Alert | null; beforeWasPending: boolean }
  | { kind: 'case'; id: string; before: Case | null };

/**
 * The working copies of one operation over the alerts it read beforehand (`known`: an
 * operation reads everything it may touch first, then decides without waiting);
 * commit() stages them as snapshots.
 */
class Tx {
  private readonly alerts = new Map<string, { before: Alert | null; after: Alert }>();
  private readonly cases = new Map<string, { before: Case | null; after: Case }>();

  constructor(private readonly known: ReadonlyMap<string, Alert>, private readonly state: { alerts: Alerts; cases: Cases }) {}

  /** A writable copy of a known alert (the same copy for the rest of the operation). */
  alert(id: string): Alert {
    let slot = this.alerts.get(id);
    if (!slot) {
      const current = this.known.get(id);
      if (!current) throw new Error(`signals engine: alert ${id} was not read before the operation`);
      slot = { before: current, after: cloneAlert(current) };
      this.alerts.set(id, slot);
    }
    return slot.after;
  }

  addAlert(alert: Alert): void {
    this.alerts.set(alert.id, { before: null, after: alert });
  }

  case(id: string): Case {
    let slot = this.cases.get(id);
    if (!slot) {
      const current = this.state.cases.byId.get(id);
      if (!current) throw new Error(`signals engine: case ${id} is not in state`);
      slot = { before: current, after: cloneCase(current) };
      this.cases.set(id, slot);
    }
    return slot.after;
  }

  addCase(c: Case): void {
    this.cases.set(c.id, { before: null, after: c });
  }

  /** The alert as this operation sees it: its working copy, else the known one. */
  peekAlert(id: string): Alert | undefined {
    return this.alerts.get(id)?.after ?? this.known.get(id);
  }

  newAlertIds(): string[] {
    return [...this.alerts].filter(([, s]) => s.before === null).map(([id]) => id);
  }

  touchedAlerts(): Alert[] {
    return [...this.alerts.values()].map((s) => s.after);
  }

  commit(undo: WeakMap<StateChange, Undo>): StateChange[] {
    const changes: StateChange[] = [];
    for (const [id, { before, after }] of this.alerts) {
      const beforeWasPending = this.state.alerts.isPending(id);
      const tail = this.state.alerts.tail(before, after, pushed.get(after.timeline) ?? 0);
      // The staged object itself, frozen (state objects are never mutated): no second copy per alert in memory.
      this.state.alerts.stage(freezeAlert(after));
      const change: StateChange = { kind: 'alert', alert: after, notify: !after.flapping, ...(tail === undefined ? {} : { tail }) };
      undo.set(change, { kind: 'alert', id, after, before, beforeWasPending });
      changes.push(change);
    }
    for (const [id, { before, after }] of this.cases) {
      this.state.cases.put(after);
      const notify = !after.alert_ids.some((a) => this.state.alerts.flapping.has(a));
      const change: StateChange = { kind: 'case', case: freezeCase(after), notify };
      undo.set(change, { kind: 'case', id, before });
      changes.push(change);
    }
    return changes;
  }
}

// ---------------------------------------------------------------- engine

/** What the grouping step settled on, before case, flap and notes are added. */
interface Outcome {
  action: DecisionAction;
  rule: DecisionRule;
  text: string;
  alert: Alert | null;
  resolved: Alert[];
  opened: boolean;
  filter: SignalFilter | null;
}

interface Context {
  tx: Tx;
  event: NormalizedEvent;
  def: SignalDefinition | null;
  config: SignalsConfig;
  now: Date;
  at: string;
  /** Deduplicate filter id → this event's group value. */
  dedup: Record<string, string>;
  /** The event's catalog links (typed; event.catalog holds the same). */
  links: CatalogLink[];
  /** Alerts of the event's key, oldest first (the recent ones: see keyAlerts). */
  keyIds: string[];
  /** Deduplicate filter id → active alerts with this event's value. */
  dedupCandidates: Map<string, Alert[]>;
  /** What a new alert takes, checked against the store before the queue (shared stores); null: found when it opens. */
  reserved: ReservedAlertId | null;
}

interface ReservedAlertId {
  id: string;
  short_id: string;
}

const ALERT_TRANSITIONS: Record<AlertAction, { from: AlertStatus[]; to: AlertStatus; kind: TimelineKind; verb: string; done: string }> = {
  ack: { from: ['open'], to: 'acknowledged', kind: 'acknowledged', verb: 'acknowledge', done: 'Acknowledged' },
  resolve: { from: ['open', 'acknowledged'], to: 'resolved', kind: 'resolved', verb: 'resolve', done: 'Resolved' },
  dismiss: { from: ['open', 'acknowledged'], to: 'dismissed', kind: 'dismissed', verb: 'dismiss', done: 'Dismissed' },
};

/** Closed cases can be reopened into triage; a case never goes back to new. */
const CASE_TRANSITIONS: Record<CaseStatus, CaseStatus[]> = { new: ['triage', 'closed'], triage: ['closed'], closed: ['triage'] };

export class SignalsEngine {
  private readonly alerts: Alerts;
  private readonly cases = new Cases();
  /** Replaced on load(): changes from before a reload must not roll back into it. */
  private undo = new WeakMap<StateChange, Undo>();
  private readonly expressions = new ExpressionCache();
  /** Where the auto-resolve sweep goes on at the next tick (the last id looked at). */
  private sweep: string | null = null;
  /** Operations on alerts (decide, act, tick) run one after another, in call order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: SignalsEngineOptions) {
    this.alerts = new Alerts(opts.alerts, opts.shared);
  }

  /** Versions another instance committed: a case replaces the one in memory; an alert is only flagged (flapping or not). */
  observe(changes: readonly StateChange[]): void {
    for (const change of changes) {
      if (change.kind === 'alert') this.alerts.observe(freezeAlert(change.alert));
      else this.cases.put(freezeCase(change.case));
    }
  }

  /** The committed version an alert change was made from (null: it opened the alert); undefined for an unknown change. */
  baseOf(change: StateChange): Alert | null | undefined {
    const undo = this.undo.get(change);
    return undo?.kind === 'alert' ? undo.before : undefined;
  }

  /**
   * Starts over from what the store holds in memory: cases, and flapping alerts (other alerts
   * are read from the source when an operation needs them). The last snapshot per id wins.
   */
  load(changes: readonly StateChange[]): void {
    this.alerts.clear();
    this.cases.clear();
    this.undo = new WeakMap();
    for (const change of changes) {
      // Adopted, frozen, not copied: the store's live records and the engine share one object.
      if (change.kind === 'alert') this.alerts.adopt(freezeAlert(change.alert));
      else this.cases.put(freezeCase(change.case));
    }
  }

  /**
   * Decides what `event` does (attach → snooze → deduplicate → idempotency key → case →
   * flap) and applies the changes at once, so the next decide sees them. The caller persists
   * them, then calls settle(changes); if it cannot, rollback(changes).
   */
  decide(event: NormalizedEvent): Promise<DecideResult> {
    if (!this.opts.shared) return this.serially(() => this.decideNow(event, null));
    // Shared: the store is a database. The id and short id a new alert would take are found
    // before the queue, so no decision waits in it for that round trip.
    return this.reserveAlertId(event.organization).then((reserved) => this.serially(() => this.decideNow(event, reserved)));
  }

  /** An id, and a short id no stored alert of the organization has. */
  private async reserveAlertId(organization: string): Promise<ReservedAlertId> {
    const id = this.opts.newId();
    let attempt = 0;
    let short = shortIdFor('AL', id, attempt);
    while (await this.alerts.taken(organization, shortLookup(short))) short = shortIdFor('AL', id, ++attempt);
    return { id, short_id: short };
  }

  /** The changes are durable: the source has them now (the engine stops holding them). */
  settle(changes: readonly StateChange[]): void {
    for (const change of changes) if (change.kind === 'alert') this.alerts.settle(change.alert);
  }

  /**
   * Undoes what a decide/act/setCaseStatus/tick applied, given the very change objects it
   * returned. Several operations must be rolled back latest first. Unknown changes are ignored.
   */
  rollback(changes: readonly StateChange[]): void {
    for (const change of [...changes].reverse()) {
      const undo = this.undo.get(change);
      if (!undo) continue;
      this.undo.delete(change);
      if (undo.kind === 'alert') {
        this.alerts.unstage(undo.id, undo.after, undo.before, undo.beforeWasPending);
      } else if (undo.before) {
        this.cases.put(undo.before);
      } else {
        this.cases.remove(undo.id);
      }
    }
  }

  /** A person acknowledges, resolves or dismisses an alert. */
  act(organization: string, alertIdOrShortId: string, action: AlertAction, actor: string): Promise<StateChange[]> {
    return this.serially(async () => {
      const current = await this.findAlert(organization, alertIdOrShortId);
      if (!current) throw new NotFoundError([`id: no alert "${alertIdOrShortId}"`]);
      const t = ALERT_TRANSITIONS[action];
      if (!t) throw new ValidationError([`action: must be one of ${ALERT_ACTIONS.join(', ')}`]);
      if (!actor?.trim()) throw new ValidationError(['actor: is required']);
      if (!t.from.includes(current.status)) {
        throw new ValidationError([`action: cannot ${t.verb} alert ${current.short_id}: it is ${current.status}`]);
      }
      const at = this.opts.now().toISOString();
      const tx = this.tx(new Map([[current.id, current]]));
      const alert = tx.alert(current.id);
      alert.status = t.to;
      alert.updated_at = at;
      if (t.to !== 'acknowledged') alert.resolved_at = at;
      pushTimeline(alert.timeline, entry(at, t.kind, `${t.done} by ${actor}.`, null, actor));
      return tx.commit(this.undo);
    });
  }

  /** A person moves a case: new → triage → closed, and closed → triage to reopen. */
  setCaseStatus(organization: string, caseIdOrShortId: string, status: CaseStatus, actor: string): StateChange[] {
    const current = this.cases.find(organization, caseIdOrShortId);
    if (!current) throw new NotFoundError([`id: no case "${caseIdOrShortId}"`]);
    if (!CASE_STATUSES.includes(status)) throw new ValidationError([`status: must be one of ${CASE_STATUSES.join(', ')}`]);
    if (!actor?.trim()) throw new ValidationError(['actor: is required']);
    if (!CASE_TRANSITIONS[current.status].includes(status)) {
      throw new ValidationError([`status: case ${current.short_id} cannot go from ${current.status} to ${status}`]);
    }
    const at = this.opts.now().toISOString();
    const tx = this.tx(new Map());
    const c = tx.case(current.id);
    pushTimeline(c.timeline, entry(at, 'status_changed', `Status ${c.status} → ${status} by ${actor}.`, null, actor));
    c.status = status;
    c.updated_at = at;
    return tx.commit(this.undo);
  }

  /** Time-based work at opts.now(): flapping alerts settle, idle alerts auto-resolve. */
  tick(): Promise<StateChange[]> {
    return this.serially(() => this.tickNow());
  }

  private async tickNow(): Promise<StateChange[]> {
    const now = this.opts.now();
    const at = now.toISOString();
    const config = this.opts.config();
    const flap = config.flap ?? DEFAULT_FLAP_SETTINGS;
    const known = new Map<string, Alert>();
    const settling: string[] = [];
    for (const id of [...this.alerts.flapping]) {
      const current = await this.alerts.read(id);
      if (!current?.flapping) continue;
      const history = current.idempotency_key === null ? [] : await this.keyAlerts(current.organization, current.idempotency_key, now.getTime() - flap.window_s * 1000, known);
      known.set(id, current);
      if (now.getTime() - lastTransition(history) >= flap.window_s * 1000) settling.push(id);
    }

    // Auto-resolve looks at a slice of the idle alerts per tick (a sweep resumes where the last
    // one stopped), and not at all while no definition or source auto-resolves: with a million
    // open alerts a full pass every tick would stall the event loop.
    const afters = [...config.definitions.map((d) => d.auto_resolve_after_s), ...(config.sources ?? []).map((src) => src.auto_resolve_after_s)].filter((n): n is number => n != null);
    const slice: Alert[] = [];
    if (afters.length === 0) this.sweep = null;
    else {
      const page = await this.opts.alerts.idle(now.getTime() - Math.min(...afters) * 1000, { cursor: this.sweep ?? undefined, limit: this.opts.tickSlice ?? TICK_SLICE });
      this.sweep = page.next_cursor;
      for (const stored of page.items) {
        const current = await this.alerts.read(stored.id); // a newer version may be pending
        if (current) slice.push(current);
      }
    }

    const tx = this.tx(known);
    for (const id of settling) {
      const alert = tx.alert(id);
      alert.flapping = false;
      alert.updated_at = at;
      pushTimeline(alert.timeline, entry(at, 'settled', `Settled: no open/resolve transition for ${flap.window_s} s; notifications resume.`));
    }
    for (const current of slice) {
      if (!isActive(current)) continue;
      const def = current.definition_id === null ? undefined : findDefinition(config, current.organization, current.definition_id);
      const source = config.sources?.find((s) => s.organization === current.organization && s.id === current.source);
      // The definition's setting wins; a source's applies where the definition sets none.
      const after = def?.auto_resolve_after_s ?? source?.auto_resolve_after_s ?? null;
      if (after === null || now.getTime() - Date.parse(current.last_seen) < after * 1000) continue;
      const governor = def?.auto_resolve_after_s != null ? `definition ${q(def.name)}` : `source ${q(source!.name)}`;
      known.set(current.id, current);
      const alert = tx.alert(current.id);
      alert.status = 'resolved';
      alert.resolved_at = at;
      alert.updated_at = at;
      pushTimeline(
        alert.timeline,
        entry(at, 'auto_resolved', `Auto-resolved: no new event for ${after} s (${governor} auto-resolves after ${after} s).`),
      );
    }
    return tx.commit(this.undo);
  }

  /** One alert by UUID or short id (a copy), as the engine sees it. */
  async getAlert(organization: string, idOrShortId: string): Promise<Alert | undefined> {
    const alert = await this.findAlert(organization, idOrShortId);
    return alert && cloneAlert(alert);
  }

  getCase(organization: string, idOrShortId: string): Case | undefined {
    const c = this.cases.find(organization, idOrShortId);
    return c && cloneCase(c);
  }

  /** Newest first (by created_at, then by arrival). */
  listCases(organization: string, filter: CaseListFilter = {}): Case[] {
    const text = filter.text?.toLowerCase();
    const hit = (c: Case): boolean =>
      c.organization === organization &&
      (filter.status === undefined || c.status === filter.status) &&
      (filter.definition_id === undefined || c.definition_id === filter.definition_id) &&
      (text === undefined || [c.title, c.short_id, c.id].some((s) => s.toLowerCase().includes(text)));
    return newestFirst([...this.cases.byId.values()].filter(hit)).map((c) => cloneCase(c));
  }

  private serially<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private tx(known: ReadonlyMap<string, Alert>): Tx {
    return new Tx(known, { alerts: this.alerts, cases: this.cases });
  }

  private async findAlert(organization: string, idOrShortId: string): Promise<Alert | undefined> {
    const byId = await this.alerts.read(idOrShortId);
    if (byId) return byId.organization === organization ? byId : undefined;
    for (const id of await this.alerts.ids(organization, shortLookup(idOrShortId))) {
      const a = await this.alerts.read(id);
      if (a?.organization === organization && a.short_id === idOrShortId) return a;
    }
    return undefined;
  }

  /**
   * The recent alerts of a key, newest first, into `known`: back to the first that neither
   * opened nor left the open set since `since` (older ones cannot count as transitions, and
   * only the newest can still be active), at most KEY_HISTORY_MAX.
   */
  private async keyAlerts(organization: string, key: string, since: number, known: Map<string, Alert>): Promise<Alert[]> {
    const found: Alert[] = [];
    for (const id of await this.alerts.ids(organization, keyLookup(key))) {
      const a = await this.alerts.read(id);
      if (a?.organization !== organization || a.idempotency_key !== key) continue;
      found.push(a);
      known.set(a.id, a);
      const recent = Date.parse(a.created_at) >= since || (a.resolved_at !== null && Date.parse(a.resolved_at) >= since);
      if (found.length >= KEY_HISTORY_MAX || (!recent && !isActive(a))) break;
    }
    return found;
  }

  // ------------------------------------------------------------ decide

  private async decideNow(input: NormalizedEvent, reserved: ReservedAlertId | null): Promise<DecideResult> {
    const now = this.opts.now();
    const config = this.opts.config();
    const org = input.organization;
    // A shallow copy: only top-level fields are replaced below, nested values are never
    // mutated, so the caller's event stays as it was without a deep clone of its raw payload.
    const event: NormalizedEvent = { ...input };
    const linked = event.catalog.map((c) => `${c.kind}:${c.slug}`);
    const links = linkCatalog([...event.tags, ...linked], config.catalog.filter((c) => c.organization === org));
    event.catalog = links.map((l) => ({ ...l }));
    event.definition_id = null;
    event.alert_id = null;

    // 1. Attach by external_id (+ variant).
    const attach = attachDefinition(config, event);
    if ('unattached' in attach) {
      return this.result(event, [], {
        action: 'unattached',
        rule: 'unknown_external_id',
        text: `Unattached: ${attach.unattached} (rule unknown_external_id). The event is stored without an alert.`,
        alert_id: null,
        definition_id: null,
        filter_id: null,
        notify: true,
      });
    }
    const def = attach.def;
    event.definition_id = def?.id ?? null;
    const notes: string[] = [];
    if (def) notes.push(`Attached to definition ${q(def.name)} by external_id ${q(def.external_id)}${def.variant === null ? '' : ` and variant ${q(def.variant)}`}.`);

    // 2 and 3 evaluate expressions (async). Snooze and dedup hold back raising, never
    // clearing: a CLOSED event always goes to key resolution.
    const filters = def ? activeFilters(config, def, now) : [];
    const dedup: Record<string, string> = {};
    if (event.status === 'OPEN') {
      const snooze = await this.matchSnooze(filters, event, now, notes);
      if (snooze) {
        return this.result(event, [], {
          action: 'snoozed',
          rule: 'snooze_filter',
          text: withNotes(`Snoozed by filter ${q(snooze.name)} until ${snooze.until}: the event matches its expression (rule snooze_filter). No alert was raised.`, notes),
          alert_id: null,
          definition_id: def?.id ?? null,
          filter_id: snooze.id,
          notify: false,
        });
      }
      for (const filter of filters.filter((f) => f.kind === 'deduplicate')) {
        const r = await this.expressions.evaluate(filter.expression, event);
        if (!r.ok) notes.push(`Filter ${q(filter.name)} was skipped: ${r.error}.`);
        else if (groupKey(r.value) !== null) dedup[filter.id] = groupKey(r.value)!;
      }
    }

    // Read every alert the rules may look at: the key's recent ones and the deduplication candidates.
    const known = new Map<string, Alert>();
    const flapSince = now.getTime() - (config.flap ?? DEFAULT_FLAP_SETTINGS).window_s * 1000;
    const keyIds = event.idempotency_key === null ? [] : (await this.keyAlerts(org, event.idempotency_key, flapSince, known)).map((a) => a.id).reverse();
    const dedupCandidates = new Map<string, Alert[]>();
    for (const [filterId, value] of Object.entries(dedup)) {
      const candidates: Alert[] = [];
      for (const id of await this.alerts.ids(org, dedupLookup(filterId, value))) {
        const a = await this.alerts.read(id);
        if (a?.organization !== org || !isActive(a) || a.dedup_values[filterId] !== value) continue;
        candidates.push(a);
        known.set(a.id, a);
      }
      dedupCandidates.set(filterId, candidates);
    }
    // Shared: a case another instance moved under these alerts' locks may not be in memory yet.
    if (this.opts.storedCase) {
      for (const id of new Set([...known.values()].flatMap((a) => (a.case_id ? [a.case_id] : [])))) {
        const stored = await this.opts.storedCase(id);
        if (stored) this.cases.put(freezeCase(stored));
      }
    }

    // Operations run one at a time: the state read above is the state written.
    const ctx: Context = { tx: this.tx(known), event, def, config, now, at: now.toISOString(), dedup, links, keyIds, dedupCandidates, reserved };
    const outcome =
      event.status === 'OPEN' ? (this.deduplicate(ctx, filters, notes) ?? this.groupOpen(ctx)) : this.groupClosed(ctx);
    // A reserved short id was checked against the store; only a pending alert could have taken it since.
    const checked = ctx.reserved !== null && outcome.alert?.id === ctx.reserved.id && !this.alerts.takenPending(event.organization, shortLookup(ctx.reserved.short_id));
    if (outcome.opened && outcome.alert && !checked) await this.ensureFreeShortId(outcome);

    let text = outcome.text;
    let caseId = outcome.alert?.case_id ?? null;
    if (outcome.opened && outcome.alert) {
      if (def?.create_case) {
        const c = this.openCase(ctx, outcome.alert, def);
        caseId = c.id;
        text += ` Opened case ${c.short_id}: definition ${q(def.name)} creates cases (rule definition_creates_case).`;
      } else if (def) {
        text += ` No case: definition ${q(def.name)} is contextual (create_case is off) (rule definition_contextual).`;
      }
    }
    const flapped = this.detectFlap(ctx, outcome);
    if (flapped) text += ` ${flapped}`;

    event.alert_id = outcome.alert?.id ?? null;
    const touched = ctx.tx.touchedAlerts();
    const changes = ctx.tx.commit(this.undo);
    return this.result(event, changes, {
      action: outcome.action,
      rule: outcome.rule,
      text: withNotes(text, notes),
      alert_id: outcome.alert?.id ?? null,
      resolved_alert_ids: outcome.resolved.map((a) => a.id),
      case_id: caseId,
      definition_id: def?.id ?? null,
      filter_id: outcome.filter?.id ?? null,
      notify: !touched.some((a) => a.flapping),
    });
  }

  private result(
    event: NormalizedEvent,
    changes: StateChange[],
    d: Omit<Decision, 'resolved_alert_ids' | 'case_id'> & Partial<Pick<Decision, 'resolved_alert_ids' | 'case_id'>>,
  ): DecideResult {
    const decision: Decision = { ...d, resolved_alert_ids: d.resolved_alert_ids ?? [], case_id: d.case_id ?? null };
    return { event, decision, changes, notify: decision.notify };
  }

  /** Rule 2: the first live snooze filter whose expression is truthy for the event. */
  private async matchSnooze(filters: SignalFilter[], event: NormalizedEvent, now: Date, notes: string[]): Promise<SignalFilter | null> {
    for (const filter of filters) {
      if (filter.kind !== 'snooze' || filter.until === null || Date.parse(filter.until) <= now.getTime()) continue;
      const r = await this.expressions.evaluate(filter.expression, event);
      if (!r.ok) notes.push(`Filter ${q(filter.name)} was skipped: ${r.error}.`);
      else if (jsonataBoolean(r.value)) return filter;
    }
    return null;
  }

  /** Rule 3: join the most recently seen active alert of the definition with the same group value. */
  private deduplicate(ctx: Context, filters: SignalFilter[], notes: string[]): Outcome | null {
    for (const filter of filters) {
      const value = ctx.dedup[filter.id];
      if (filter.kind !== 'deduplicate' || value === undefined) continue;
      let best: Alert | null = null;
      for (const a of ctx.dedupCandidates.get(filter.id) ?? []) {
        if (a.definition_id !== ctx.def?.id) continue;
        if (!best || a.last_seen > best.last_seen) best = a;
      }
      if (!best) continue;
      const age = seconds(ctx.now.getTime() - Date.parse(best.last_seen));
      if (filter.window_s !== null && age > filter.window_s) {
        notes.push(`Filter ${q(filter.name)} matched alert ${best.short_id} on ${q(value)}, but it was last seen ${age} s ago, outside the ${filter.window_s} s window.`);
        continue;
      }
      const within = filter.window_s === null ? '' : `, within the ${filter.window_s} s window`;
      const reason = `filter ${q(filter.name)} gives ${q(value)} for this event and for that alert, last seen ${age} s ago${within} (rule dedup_filter).`;
      const alert = this.join(ctx, best.id, `Event deduplicated: ${reason}`);
      return { action: 'deduplicated', rule: 'dedup_filter', text: `Deduplicated into alert ${alert.short_id}: ${reason}`, alert, resolved: [], opened: false, filter };
    }
    return null;
  }

  /** Rule 4 for OPEN events: join the active alert of the key, or open a new one. */
  private groupOpen(ctx: Context): Outcome {
    const key = ctx.event.idempotency_key;
    if (key === null) {
      const reason = 'the event has no idempotency key, so it opens its own alert (rule no_key_own_alert).';
      return this.opened(ctx, 'no_key_own_alert', reason);
    }
    const ids = ctx.keyIds;
    const activeId = [...ids].reverse().find((id) => isActive(ctx.tx.peekAlert(id)!));
    if (activeId) {
      const status = ctx.tx.peekAlert(activeId)!.status;
      const reason = `${status === 'open' ? 'an open' : 'an acknowledged'} alert has idempotency key ${q(key)} (rule idempotency_key_join).`;
      const alert = this.join(ctx, activeId, `Event joined: ${reason}`);
      return { action: 'joined_alert', rule: 'idempotency_key_join', text: `Joined alert ${alert.short_id}: ${reason}`, alert, resolved: [], opened: false, filter: null };
    }
    const previous = ids.length ? ctx.tx.peekAlert(ids[ids.length - 1])! : null;
    if (previous) {
      const reason = `the previous alert ${previous.short_id} with idempotency key ${q(key)} was ${previous.status}, so a new alert opens (rule reopen_after_resolve).`;
      return this.opened(ctx, 'reopen_after_resolve', reason);
    }
    return this.opened(ctx, 'idempotency_key_open', `no open alert has idempotency key ${q(key)} (rule idempotency_key_open).`);
  }

  /** Rule 4 for CLOSED events: resolve every active alert of the key. */
  private groupClosed(ctx: Context): Outcome {
    const key = ctx.event.idempotency_key;
    const none = (rule: DecisionRule, reason: string): Outcome => ({
      action: 'closed_without_alert',
      rule,
      text: `Closed without alert: ${reason}`,
      alert: null,
      resolved: [],
      opened: false,
      filter: null,
    });
    if (key === null) {
      return none('close_without_key', 'the CLOSED event has no idempotency key, so there is nothing to resolve (rule close_without_key).');
    }
    const ids = ctx.keyIds.filter((id) => isActive(ctx.tx.peekAlert(id)!));
    if (!ids.length) return none('close_no_open_alert', `no open alert has idempotency key ${q(key)} (rule close_no_open_alert).`);
    const reason = `a CLOSED event resolves every open alert with idempotency key ${q(key)} (rule close_resolves_key).`;
    const resolved = ids.map((id) => {
      const alert = this.join(ctx, id, null);
      alert.status = 'resolved';
      alert.resolved_at = ctx.at;
      pushTimeline(alert.timeline, entry(ctx.at, 'resolved', `Resolved: ${reason}`, ctx.event.id));
      return alert;
    });
    const head = resolved.length === 1 ? `Resolved alert ${resolved[0].short_id}` : `Resolved ${resolved.length} alerts (${resolved.map((a) => a.short_id).join(', ')})`;
    return { action: 'resolved_alerts', rule: 'close_resolves_key', text: `${head}: ${reason}`, alert: resolved[0], resolved, opened: false, filter: null };
  }

  /** Adds the event to an alert: count, last seen, highest severity, tags, catalog. */
  private join(ctx: Context, id: string, timelineText: string | null): Alert {
    const { event, at } = ctx;
    const alert = ctx.tx.alert(id);
    alert.event_count += 1;
    alert.last_seen = at;
    alert.updated_at = at;
    alert.severity = maxSeverity(alert.severity, event.severity);
    mergeTags(alert.tags, event.tags);
    const catalogChanged = mergeCatalog(alert.catalog, ctx.links);
    // Filters created after the alert opened start grouping from here.
    for (const [filterId, value] of Object.entries(ctx.dedup)) alert.dedup_values[filterId] ??= value;
    if (timelineText) pushTimeline(alert.timeline, entry(at, 'event_joined', timelineText, event.id));
    if (catalogChanged && alert.case_id && this.cases.byId.has(alert.case_id)) {
      const c = ctx.tx.case(alert.case_id);
      if (mergeCatalog(c.catalog, alert.catalog)) c.updated_at = at;
    }
    return alert;
  }

  private opened(ctx: Context, rule: DecisionRule, reason: string): Outcome {
    const { event, at } = ctx;
    const id = ctx.reserved?.id ?? this.opts.newId();
    const alert: Alert = {
      id,
      short_id: ctx.reserved?.short_id ?? this.freeShortId('AL', id, event.organization),
      organization: event.organization,
      source: event.source,
      idempotency_key: event.idempotency_key,
      status: 'open',
      title: event.title,
      severity: event.severity,
      priority: event.priority,
      first_seen: at,
      last_seen: at,
      event_count: 1,
      definition_id: ctx.def?.id ?? null,
      case_id: null,
      flapping: false,
      catalog: ctx.links.map((l) => ({ ...l })),
      tags: event.tags.slice(0, TAGS_MAX),
      dedup_values: { ...ctx.dedup },
      created_at: at,
      updated_at: at,
      resolved_at: null,
      timeline: [entry(at, 'opened', `Opened: ${reason}`, event.id)],
    };
    ctx.tx.addAlert(alert);
    return { action: 'opened_alert', rule, text: `Opened alert ${alert.short_id}: ${reason}`, alert, resolved: [], opened: true, filter: null };
  }

  /** Rule 5: a new alert of a create_case definition opens a case. */
  private openCase(ctx: Context, alert: Alert, def: SignalDefinition): Case {
    const id = this.opts.newId();
    const c: Case = {
      id,
      short_id: this.freeShortId('CA', id, alert.organization),
      organization: alert.organization,
      title: alert.title,
      status: 'new',
      conversation_target: def.conversation_target,
      definition_id: def.id,
      alert_ids: [alert.id],
      catalog: alert.catalog.map((l) => ({ ...l })),
      created_at: ctx.at,
      updated_at: ctx.at,
      timeline: [entry(ctx.at, 'case_opened', `Opened for alert ${alert.short_id}: definition ${q(def.name)} creates cases.`, ctx.event.id)],
    };
    ctx.tx.addCase(c);
    alert.case_id = c.id;
    pushTimeline(alert.timeline, entry(ctx.at, 'case_opened', `Case ${c.short_id} opened: definition ${q(def.name)} creates cases.`, ctx.event.id));
    return c;
  }

  /**
   * Rule 7: an alert opened or resolved by an event is a transition of its key; more than
   * max_transitions within window_s marks the alerts involved flapping. Returns the text.
   */
  private detectFlap(ctx: Context, outcome: Outcome): string | null {
    const key = ctx.event.idempotency_key;
    const involved = outcome.opened ? [outcome.alert!] : outcome.resolved;
    if (key === null || !involved.length || involved.every((a) => a.idempotency_key !== key)) return null;
    const flap = ctx.config.flap ?? DEFAULT_FLAP_SETTINGS;
    const since = ctx.now.getTime() - flap.window_s * 1000;
    const count = this.transitions(ctx, key).filter((t) => t >= since).length;
    if (count <= flap.max_transitions) return null;
    const text = `Flapping: ${count} open/resolve transitions of idempotency key ${q(key)} within ${flap.window_s} s (more than ${flap.max_transitions}); notifications are held back until it settles (rule flap_detection).`;
    for (const alert of involved) {
      if (alert.flapping) continue;
      alert.flapping = true;
      pushTimeline(alert.timeline, entry(ctx.at, 'flapping', text, ctx.event.id));
    }
    return text;
  }

  /** Times (ms) the key's recent alerts opened or left the open set, as this operation sees them. */
  private transitions(ctx: Context, key: string): number[] {
    const ids = new Set([...ctx.keyIds, ...ctx.tx.newAlertIds()]);
    return transitionTimes([...ids].map((id) => ctx.tx.peekAlert(id)!).filter((a) => a.organization === ctx.event.organization && a.idempotency_key === key));
  }

  /** A short id no other alert (case) of the organization has in memory; an alert's is checked against the store after (ensureFreeShortId). */
  private freeShortId(prefix: 'AL' | 'CA', id: string, organization: string): string {
    for (let attempt = 0; ; attempt++) {
      const short = shortIdFor(prefix, id, attempt);
      if (prefix === 'AL' ? !this.alerts.takenPending(organization, shortLookup(short)) : !this.cases.taken(short)) return short;
    }
  }

  /** A new alert's short id checked against the stored alerts too (a lookup that might be taken counts as taken). */
  private async ensureFreeShortId(outcome: Outcome): Promise<void> {
    const alert = outcome.alert!;
    const first = alert.short_id;
    for (let attempt = 0; await this.alerts.taken(alert.organization, shortLookup(alert.short_id)); ) alert.short_id = shortIdFor('AL', alert.id, ++attempt);
    if (alert.short_id !== first) outcome.text = outcome.text.replace(first, alert.short_id);
  }
}

// ---------------------------------------------------------------- config lookups

/** Times (ms) alerts opened or left the open set. */
function transitionTimes(alerts: readonly Alert[]): number[] {
  return alerts.flatMap((a) => (a.resolved_at === null ? [Date.parse(a.created_at)] : [Date.parse(a.created_at), Date.parse(a.resolved_at)]));
}

function lastTransition(alerts: readonly Alert[]): number {
  return Math.max(0, ...transitionTimes(alerts));
}

function findDefinition(config: SignalsConfig, organization: string, id: string): SignalDefinition | undefined {
  return config.definitions.find((d) => d.organization === organization && d.id === id);
}

/** Rule 1. No external_id = no definition (grouping still applies); a failed match explains itself. */
function attachDefinition(config: SignalsConfig, event: NormalizedEvent): { def: SignalDefinition | null } | { unattached: string } {
  const externalId = event.external_id;
  if (externalId === null) return { def: null };
  const candidates = config.definitions.filter((d) => d.organization === event.organization && d.external_id === externalId);
  const enabled = candidates.filter((d) => d.enabled);
  const def = enabled.find((d) => d.variant !== null && d.variant === event.variant) ?? enabled.find((d) => d.variant === null);
  if (def) return { def };
  const known = candidates[0];
  if (!known) return { unattached: `no definition has external_id ${q(externalId)}` };
  if (!known.enabled) return { unattached: `definition ${q(known.name)} with external_id ${q(externalId)} is disabled` };
  const has = event.variant === null ? 'no variant' : `variant ${q(event.variant)}`;
  return { unattached: `definition ${q(known.name)} with external_id ${q(externalId)} expects variant ${q(known.variant ?? '')}, and the event has ${has}` };
}

/** The definition's filters that can apply now: not expired (expired_at unset or in the future). */
function activeFilters(config: SignalsConfig, def: SignalDefinition, now: Date): SignalFilter[] {
  const nowIso = now.toISOString();
  return config.filters.filter(
    (f) => f.organization === def.organization && f.definition_id === def.id && (f.expired_at === null || f.expired_at > nowIso),
  );
}

function withNotes(text: string, notes: readonly string[]): string {
  return notes.length ? `${text} ${notes.join(' ')}` : text;
}

function newestFirst<T extends { created_at: string }>(items: T[]): T[] {
  // Map order is arrival order; reversing first makes the stable sort break ties newest first.
  return items.reverse().sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
}
