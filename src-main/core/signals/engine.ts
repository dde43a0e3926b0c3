// The signals engine (PRODUCT.md §3): decides what each event does to alerts and cases
// and says why. Pure: no I/O, no timers; the clock, ids and configuration are injected.
//
// State is copy-on-write: an operation works on copies inside a Tx and commits them at
// the end, so a throwing operation changes nothing and the objects held in state are
// never mutated (which is what lets rollback put the previous objects back).
import { hash } from 'node:crypto';
import type jsonata from 'jsonata';
import { ALERT_TIMELINE_MAX, TAGS_MAX, TICK_SLICE } from '../../limits';
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
  /** Active alerts looked at per tick for auto-resolve (default TICK_SLICE). */
  tickSlice?: number;
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

/** Keeps the first entry (how it began) and the latest ones. */
function pushTimeline(timeline: TimelineEntry[], entry: TimelineEntry): void {
  timeline.push(entry);
  if (timeline.length > ALERT_TIMELINE_MAX) timeline.splice(1, timeline.length - ALERT_TIMELINE_MAX);
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

const keyOf = (organization: string, key: string): string => `${organization}\n${key}`;

/** Committed records plus the indexes the rules need. Its objects are never mutated. */
class State {
  readonly alerts = new Map<string, Alert>();
  readonly cases = new Map<string, Case>();
  /** open or acknowledged alert ids: what CLOSED events, dedup and auto-resolve look at. */
  readonly active = new Set<string>();
  readonly flapping = new Set<string>();
  private readonly alertShort = new Map<string, string>();
  private readonly caseShort = new Map<string, string>();
  /** organization + idempotency key → alert ids, oldest first. */
  private readonly byKey = new Map<string, string[]>();

  clear(): void {
    for (const m of [this.alerts, this.cases, this.alertShort, this.caseShort, this.byKey]) m.clear();
    this.active.clear();
    this.flapping.clear();
  }

  putAlert(alert: Alert): void {
    if (!this.alerts.has(alert.id)) {
      this.alertShort.set(alert.short_id, alert.id);
      if (alert.idempotency_key !== null) {
        const k = keyOf(alert.organization, alert.idempotency_key);
        const ids = this.byKey.get(k) ?? [];
        ids.push(alert.id);
        this.byKey.set(k, ids);
      }
    }
    this.alerts.set(alert.id, alert);
    if (isActive(alert)) this.active.add(alert.id);
    else this.active.delete(alert.id);
    if (alert.flapping) this.flapping.add(alert.id);
    else this.flapping.delete(alert.id);
  }

  removeAlert(id: string): void {
    const alert = this.alerts.get(id);
    if (!alert) return;
    this.alerts.delete(id);
    this.alertShort.delete(alert.short_id);
    this.active.delete(id);
    this.flapping.delete(id);
    if (alert.idempotency_key !== null) {
      const k = keyOf(alert.organization, alert.idempotency_key);
      const ids = (this.byKey.get(k) ?? []).filter((x) => x !== id);
      if (ids.length) this.byKey.set(k, ids);
      else this.byKey.delete(k);
    }
  }

  putCase(c: Case): void {
    this.caseShort.set(c.short_id, c.id);
    this.cases.set(c.id, c);
  }

  removeCase(id: string): void {
    const c = this.cases.get(id);
    if (!c) return;
    this.cases.delete(id);
    this.caseShort.delete(c.short_id);
  }

  findAlert(organization: string, idOrShortId: string): Alert | undefined {
    const alert = this.alerts.get(idOrShortId) ?? this.alerts.get(this.alertShort.get(idOrShortId) ?? '');
    return alert?.organization === organization ? alert : undefined;
  }

  findCase(organization: string, idOrShortId: string): Case | undefined {
    const c = this.cases.get(idOrShortId) ?? this.cases.get(this.caseShort.get(idOrShortId) ?? '');
    return c?.organization === organization ? c : undefined;
  }

  keyAlertIds(organization: string, key: string): readonly string[] {
    return this.byKey.get(keyOf(organization, key)) ?? [];
  }

  shortIdTaken(shortId: string): boolean {
    return this.alertShort.has(shortId) || this.caseShort.has(shortId);
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
  for (const l of a.catalog) Object.freeze(l);
  for (const e of a.timeline) Object.freeze(e);
  Object.freeze(a.catalog);
  Object.freeze(a.tags);
  Object.freeze(a.dedup_values);
  Object.freeze(a.timeline);
  return Object.freeze(a);
}

function freezeCase(c: Case): Case {
  for (const l of c.catalog) Object.freeze(l);
  for (const e of c.timeline) Object.freeze(e);
  Object.freeze(c.alert_ids);
  Object.freeze(c.catalog);
  Object.freeze(c.timeline);
  return Object.freeze(c);
}

type Undo = { kind: 'alert'; id: string; before: Alert | null } | { kind: 'case'; id: string; before: Case | null };

/** The working copies of one operation; commit() publishes them as snapshots. */
class Tx {
  private readonly alerts = new Map<string, { before: Alert | null; after: Alert }>();
  private readonly cases = new Map<string, { before: Case | null; after: Case }>();

  constructor(private readonly state: State) {}

  /** A writable copy of a committed alert (the same copy for the rest of the operation). */
  alert(id: string): Alert {
    let slot = this.alerts.get(id);
    if (!slot) {
      const current = this.state.alerts.get(id);
      if (!current) throw new Error(`signals engine: alert ${id} is not in state`);
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
      const current = this.state.cases.get(id);
      if (!current) throw new Error(`signals engine: case ${id} is not in state`);
      slot = { before: current, after: cloneCase(current) };
      this.cases.set(id, slot);
    }
    return slot.after;
  }

  addCase(c: Case): void {
    this.cases.set(c.id, { before: null, after: c });
  }

  /** The alert as this operation sees it: its working copy, else the committed one. */
  peekAlert(id: string): Alert | undefined {
    return this.alerts.get(id)?.after ?? this.state.alerts.get(id);
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
      this.state.putAlert(after);
      // The committed object itself, frozen (state objects are never mutated): no second copy per alert in memory.
      const change: StateChange = { kind: 'alert', alert: freezeAlert(after), notify: !after.flapping };
      undo.set(change, { kind: 'alert', id, before });
      changes.push(change);
    }
    for (const [id, { before, after }] of this.cases) {
      this.state.putCase(after);
      const notify = !after.alert_ids.some((a) => this.state.alerts.get(a)?.flapping);
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
}

const ALERT_TRANSITIONS: Record<AlertAction, { from: AlertStatus[]; to: AlertStatus; kind: TimelineKind; verb: string; done: string }> = {
  ack: { from: ['open'], to: 'acknowledged', kind: 'acknowledged', verb: 'acknowledge', done: 'Acknowledged' },
  resolve: { from: ['open', 'acknowledged'], to: 'resolved', kind: 'resolved', verb: 'resolve', done: 'Resolved' },
  dismiss: { from: ['open', 'acknowledged'], to: 'dismissed', kind: 'dismissed', verb: 'dismiss', done: 'Dismissed' },
};

/** Closed cases can be reopened into triage; a case never goes back to new. */
const CASE_TRANSITIONS: Record<CaseStatus, CaseStatus[]> = { new: ['triage', 'closed'], triage: ['closed'], closed: ['triage'] };

export class SignalsEngine {
  private readonly state = new State();
  /** Replaced on load(): changes from before a reload must not roll back into it. */
  private undo = new WeakMap<StateChange, Undo>();
  private readonly expressions = new ExpressionCache();
  /** Where the auto-resolve sweep over active alerts goes on at the next tick. */
  private sweep: Iterator<string> | null = null;
  /** decide() calls run one after another, in call order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: SignalsEngineOptions) {}

  /** Replaces the in-memory state with persisted snapshots, in order (the last per id wins). */
  load(changes: readonly StateChange[]): void {
    this.state.clear();
    this.undo = new WeakMap();
    for (const change of changes) {
      // Adopted, frozen, not copied: the store's live records and the engine share one object per alert.
      if (change.kind === 'alert') this.state.putAlert(freezeAlert(change.alert));
      else this.state.putCase(freezeCase(change.case));
    }
  }

  /**
   * Decides what `event` does (attach → snooze → deduplicate → idempotency key → case →
   * flap) and applies the changes at once, so the next decide sees them. If the caller
   * cannot persist them, it calls rollback(changes).
   */
  decide(event: NormalizedEvent): Promise<DecideResult> {
    const run = this.queue.then(() => this.decideNow(event));
    this.queue = run.catch(() => undefined);
    return run;
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
        if (undo.before) this.state.putAlert(undo.before);
        else this.state.removeAlert(undo.id);
      } else if (undo.before) {
        this.state.putCase(undo.before);
      } else {
        this.state.removeCase(undo.id);
      }
    }
  }

  /** A person acknowledges, resolves or dismisses an alert. */
  act(organization: string, alertIdOrShortId: string, action: AlertAction, actor: string): StateChange[] {
    const current = this.state.findAlert(organization, alertIdOrShortId);
    if (!current) throw new NotFoundError([`id: no alert "${alertIdOrShortId}"`]);
    const t = ALERT_TRANSITIONS[action];
    if (!t) throw new ValidationError([`action: must be one of ${ALERT_ACTIONS.join(', ')}`]);
    if (!actor?.trim()) throw new ValidationError(['actor: is required']);
    if (!t.from.includes(current.status)) {
      throw new ValidationError([`action: cannot ${t.verb} alert ${current.short_id}: it is ${current.status}`]);
    }
    const at = this.opts.now().toISOString();
    const tx = new Tx(this.state);
    const alert = tx.alert(current.id);
    alert.status = t.to;
    alert.updated_at = at;
    if (t.to !== 'acknowledged') alert.resolved_at = at;
    pushTimeline(alert.timeline, entry(at, t.kind, `${t.done} by ${actor}.`, null, actor));
    return tx.commit(this.undo);
  }

  /** A person moves a case: new → triage → closed, and closed → triage to reopen. */
  setCaseStatus(organization: string, caseIdOrShortId: string, status: CaseStatus, actor: string): StateChange[] {
    const current = this.state.findCase(organization, caseIdOrShortId);
    if (!current) throw new NotFoundError([`id: no case "${caseIdOrShortId}"`]);
    if (!CASE_STATUSES.includes(status)) throw new ValidationError([`status: must be one of ${CASE_STATUSES.join(', ')}`]);
    if (!actor?.trim()) throw new ValidationError(['actor: is required']);
    if (!CASE_TRANSITIONS[current.status].includes(status)) {
      throw new ValidationError([`status: case ${current.short_id} cannot go from ${current.status} to ${status}`]);
    }
    const at = this.opts.now().toISOString();
    const tx = new Tx(this.state);
    const c = tx.case(current.id);
    pushTimeline(c.timeline, entry(at, 'status_changed', `Status ${c.status} → ${status} by ${actor}.`, null, actor));
    c.status = status;
    c.updated_at = at;
    return tx.commit(this.undo);
  }

  /** Time-based work at opts.now(): flapping alerts settle, idle alerts auto-resolve. */
  tick(): StateChange[] {
    const now = this.opts.now();
    const at = now.toISOString();
    const config = this.opts.config();
    const flap = config.flap ?? DEFAULT_FLAP_SETTINGS;
    const tx = new Tx(this.state);

    for (const id of this.state.flapping) {
      const current = this.state.alerts.get(id)!;
      const last = current.idempotency_key === null ? 0 : this.lastTransition(tx, current.organization, current.idempotency_key);
      if (now.getTime() - last < flap.window_s * 1000) continue;
      const alert = tx.alert(id);
      alert.flapping = false;
      alert.updated_at = at;
      pushTimeline(alert.timeline, entry(at, 'settled', `Settled: no open/resolve transition for ${flap.window_s} s; notifications resume.`));
    }

    // Auto-resolve looks at active alerts a slice per tick (a sweep resumes where the last one
    // stopped), and not at all while no definition or source auto-resolves: with a million open
    // alerts a full pass every tick would stall the event loop.
    const autoResolves = config.definitions.some((d) => d.auto_resolve_after_s != null) || (config.sources ?? []).some((src) => src.auto_resolve_after_s != null);
    if (!autoResolves) this.sweep = null;
    const slice: string[] = [];
    if (autoResolves) {
      this.sweep ??= this.state.active.values();
      while (slice.length < (this.opts.tickSlice ?? TICK_SLICE)) {
        const next = this.sweep.next();
        if (next.done) {
          this.sweep = null;
          break;
        }
        slice.push(next.value);
      }
    }
    for (const id of slice) {
      const current = this.state.alerts.get(id);
      if (!current || !isActive(current)) continue;
      const def = current.definition_id === null ? undefined : findDefinition(config, current.organization, current.definition_id);
      const source = config.sources?.find((s) => s.organization === current.organization && s.id === current.source);
      // The definition's setting wins; a source's applies where the definition sets none.
      const after = def?.auto_resolve_after_s ?? source?.auto_resolve_after_s ?? null;
      if (after === null || now.getTime() - Date.parse(current.last_seen) < after * 1000) continue;
      const governor = def?.auto_resolve_after_s != null ? `definition ${q(def.name)}` : `source ${q(source!.name)}`;
      const alert = tx.alert(id);
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

  getAlert(organization: string, idOrShortId: string): Alert | undefined {
    const alert = this.state.findAlert(organization, idOrShortId);
    return alert && cloneAlert(alert);
  }

  /** Newest first (by created_at, then by arrival). */
  listAlerts(organization: string, filter: AlertListFilter = {}): Alert[] {
    const text = filter.text?.toLowerCase();
    const hit = (a: Alert): boolean =>
      a.organization === organization &&
      (filter.status === undefined || a.status === filter.status) &&
      (filter.definition_id === undefined || a.definition_id === filter.definition_id) &&
      (filter.severity === undefined || a.severity === filter.severity) &&
      (text === undefined ||
        [a.title, a.short_id, a.id, a.idempotency_key ?? '', ...a.tags].some((s) => s.toLowerCase().includes(text)));
    return newestFirst([...this.state.alerts.values()].filter(hit)).map((a) => cloneAlert(a));
  }

  getCase(organization: string, idOrShortId: string): Case | undefined {
    const c = this.state.findCase(organization, idOrShortId);
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
    return newestFirst([...this.state.cases.values()].filter(hit)).map((c) => cloneCase(c));
  }

  // ------------------------------------------------------------ decide

  private async decideNow(input: NormalizedEvent): Promise<DecideResult> {
    const now = this.opts.now();
    const config = this.opts.config();
    const org = input.organization;
    // A shallow copy: only top-level fields are replaced below, nested values are never
    // mutated, so the caller's event stays as it was without a deep clone of its raw payload.
    const event: NormalizedEvent = { ...input };
    const known = event.catalog.map((c) => `${c.kind}:${c.slug}`);
    const links = linkCatalog([...event.tags, ...known], config.catalog.filter((c) => c.organization === org));
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

    // From here on nothing awaits: the state read below is the state written.
    const ctx: Context = { tx: new Tx(this.state), event, def, config, now, at: now.toISOString(), dedup, links };
    const outcome =
      event.status === 'OPEN' ? (this.deduplicate(ctx, filters, notes) ?? this.groupOpen(ctx)) : this.groupClosed(ctx);

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
      for (const id of this.state.active) {
        const a = this.state.alerts.get(id)!;
        if (a.organization !== ctx.event.organization || a.definition_id !== ctx.def?.id || a.dedup_values[filter.id] !== value) continue;
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
    const ids = this.state.keyAlertIds(ctx.event.organization, key);
    const activeId = [...ids].reverse().find((id) => this.state.active.has(id));
    if (activeId) {
      const status = this.state.alerts.get(activeId)!.status;
      const reason = `${status === 'open' ? 'an open' : 'an acknowledged'} alert has idempotency key ${q(key)} (rule idempotency_key_join).`;
      const alert = this.join(ctx, activeId, `Event joined: ${reason}`);
      return { action: 'joined_alert', rule: 'idempotency_key_join', text: `Joined alert ${alert.short_id}: ${reason}`, alert, resolved: [], opened: false, filter: null };
    }
    const previous = ids.length ? this.state.alerts.get(ids[ids.length - 1])! : null;
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
    const ids = this.state.keyAlertIds(ctx.event.organization, key).filter((id) => this.state.active.has(id));
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
    if (catalogChanged && alert.case_id && this.state.cases.has(alert.case_id)) {
      const c = ctx.tx.case(alert.case_id);
      if (mergeCatalog(c.catalog, alert.catalog)) c.updated_at = at;
    }
    return alert;
  }

  private opened(ctx: Context, rule: DecisionRule, reason: string): Outcome {
    const { event, at } = ctx;
    const id = this.opts.newId();
    const alert: Alert = {
      id,
      short_id: this.freeShortId('AL', id),
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
      short_id: this.freeShortId('CA', id),
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
    const count = this.transitions(ctx.tx, ctx.event.organization, key).filter((t) => t >= since).length;
    if (count <= flap.max_transitions) return null;
    const text = `Flapping: ${count} open/resolve transitions of idempotency key ${q(key)} within ${flap.window_s} s (more than ${flap.max_transitions}); notifications are held back until it settles (rule flap_detection).`;
    for (const alert of involved) {
      if (alert.flapping) continue;
      alert.flapping = true;
      pushTimeline(alert.timeline, entry(ctx.at, 'flapping', text, ctx.event.id));
    }
    return text;
  }

  /** Times (ms) the key's alerts opened or left the open set, as this operation sees them. */
  private transitions(tx: Tx, organization: string, key: string): number[] {
    const ids = new Set([...this.state.keyAlertIds(organization, key), ...tx.newAlertIds()]);
    const times: number[] = [];
    for (const id of ids) {
      const a = tx.peekAlert(id);
      if (!a || a.organization !== organization || a.idempotency_key !== key) continue;
      times.push(Date.parse(a.created_at));
      if (a.resolved_at !== null) times.push(Date.parse(a.resolved_at));
    }
    return times;
  }

  private lastTransition(tx: Tx, organization: string, key: string): number {
    return Math.max(0, ...this.transitions(tx, organization, key));
  }

  private freeShortId(prefix: 'AL' | 'CA', id: string): string {
    for (let attempt = 0; ; attempt++) {
      const short = shortIdFor(prefix, id, attempt);
      if (!this.state.shortIdTaken(short)) return short;
    }
  }
}

// ---------------------------------------------------------------- config lookups

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
