// The transform renderer (PRODUCT.md §4): applies the transform configs of an organization
// chain to the records of one payload and shapes them for the config's format.
// Pure: no I/O, and the input records are never modified (each is cloned before it is written to).
//
// Order of application, per record: for each config, parents first, its default_label
// entries, then its transform operations in order. A later write wins, so an operation
// overrides a label of the same key; a remove_dynamic_tag blocks every later write.
import { isObject } from '../normalize';
import { parseTimestamp } from '../timestamps';
import type { NormalizedEvent } from '../types';
import type { TransformPreview } from '../../../src-shared/transform';
import { KEY_PATH_SOURCE, RESERVED_KEY_NAMES, type TransformConfig, type TransformFormat } from './types';

export interface RenderInput {
  /** The payload records, e.g. a detection then its correlated events; build them with recordOf. */
  records: Record<string, unknown>[];
}

export interface RenderContext {
  /** The organization's tag store (key → value). */
  tags: Record<string, string>;
  /** Search link with a `{{value}}` placeholder, e.g. `https://kibana.local/app/discover#/?query={{value}}`. */
  searchUrlTemplate: string | null;
  /** Parent organizations' configs, root first; they apply before `config`. */
  parents?: TransformConfig[];
}

/** What a rendering gives: the payload, unresolved names and notes (the preview answers it as is). */
export type RenderResult = TransformPreview;

// ---------------------------------------------------------------- key paths

const KEY_PATH_RE = new RegExp(KEY_PATH_SOURCE);

/** `name` → ['name']; `[event].provider_id` → ['event', 'provider_id']; throws on anything else. */
export function parseKeyPath(key: string): string[] {
  if (!KEY_PATH_RE.test(key)) {
    throw new Error(`"${key}" is not a key: use a name (letters, digits, _ $ @ -) or a bracket path like [event].provider_id`);
  }
  const steps = key.startsWith('[') ? key.split(/[[\].]+/).filter((s) => s !== '') : [key];
  const reserved = steps.find((s) => RESERVED_KEY_NAMES.includes(s));
  if (reserved) throw new Error(`"${reserved}" is a reserved name`);
  return steps;
}

// ---------------------------------------------------------------- records

/** Fields of a normalized event that are bookkeeping, not content a destination should get. */
const INTERNAL_FIELDS: ReadonlySet<string> = new Set<keyof NormalizedEvent>(['id', 'raw', 'request', 'schema_version', 'dedup_key', 'decision']);

/**
 * What a destination receives for an event: a Splunk HEC event's own `event` object (the
 * SIEM document, as Armor sends it), otherwise the normalized fields with `event_uuid`.
 * Shallow: its values are the event's own, which render() copies before it writes to them.
 */
export function recordOf(event: NormalizedEvent): Record<string, unknown> {
  if (event.dialect === 'splunk_hec' && isObject(event.raw) && isObject(event.raw.event)) return { ...event.raw.event };
  // One pass over the fields (no spread and delete: that left a slow dictionary object per delivery).
  const record: Record<string, unknown> = { event_uuid: event.id };
  for (const [key, value] of Object.entries(event)) if (!INTERNAL_FIELDS.has(key) && key !== '__proto__') record[key] = value;
  return record;
}

/**
 * A deep copy of JSON data (what events and records are: objects, arrays, strings, numbers,
 * booleans, null). Several times cheaper than structuredClone on the delivery hot path; a
 * `__proto__` key is copied as an own property, never as the copy's prototype.
 */
export function copyJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyJson) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = copyJson((value as Record<string, unknown>)[key]);
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}

// ---------------------------------------------------------------- compiled steps

type Step =
  | { kind: 'write'; where: string; target: string[]; value: string }
  | { kind: 'template'; where: string; target: string[]; template: string }
  | { kind: 'remove'; where: string; target: string[] }
  | { kind: 'link'; where: string; target: string[]; field: string[]; fieldName: string };

/** HEC envelope members a plain key addresses directly (PRODUCT.md §4: `index` picks the index). */
const SPLUNK_ENVELOPE_FIELDS: readonly string[] = ['time', 'host', 'source', 'sourcetype', 'index'];
/** Envelope members holding objects, addressed by a bracket head: `[event].x`, `[fields].x`. */
const SPLUNK_ENVELOPE_OBJECTS: readonly string[] = ['event', 'fields'];

/** Where a key writes: in splunk the envelope, with everything else inside `event`. */
function targetOf(path: string[], format: TransformFormat): string[] {
  if (format !== 'splunk') return path;
  if (path.length === 1 && SPLUNK_ENVELOPE_FIELDS.includes(path[0])) return path;
  if (path.length > 1 && SPLUNK_ENVELOPE_OBJECTS.includes(path[0])) return path;
  return ['event', ...path];
}

/** Keys are checked when a config is saved; one that slipped through is skipped, not fatal. */
function compile(config: TransformConfig, prefix: string, format: TransformFormat, report: Report): Step[] {
  const steps: Step[] = [];
  const attempt = (where: string, build: () => Step): void => {
    try {
      steps.push(build());
    } catch (err) {
      report.note(`${where}: ${(err as Error).message}; skipped`);
    }
  };
  config.default_label.forEach((label, i) => {
    const where = `${prefix}default_label[${i}] ${label.key}`;
    attempt(where, () => ({ kind: 'write', where, target: targetOf(parseKeyPath(label.key), format), value: label.value }));
  });
  config.transform.forEach((op, i) => {
    const where = `${prefix}transform[${i}] ${op.key}`;
    attempt(where, () => {
      const target = targetOf(parseKeyPath(op.key), format);
      switch (op.type) {
        case 'add_dynamic_tag': return { kind: 'template', where, target, template: op.value };
        case 'remove_dynamic_tag': return { kind: 'remove', where, target };
        case 'add_log_search_url': return { kind: 'link', where, target, field: parseKeyPath(op.value), fieldName: op.value };
      }
    });
  });
  return steps;
}

// ---------------------------------------------------------------- applying

class Report {
  readonly unresolved = new Set<string>();
  readonly notes = new Set<string>();
  note(text: string): void {
    this.notes.add(text);
  }
}

interface RecordState {
  index: number;
  /** What the keys write to: the record, or its splunk envelope. */
  target: Record<string, unknown>;
  /** What lookups read: the record's own fields (inside the envelope in splunk). */
  record: Record<string, unknown>;
  blocked: { path: string[]; by: string }[];
}

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.length <= path.length && prefix.every((step, i) => path[i] === step);
}

function readAt(root: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = root;
  for (const step of path) {
    if (!isObject(node) || !Object.hasOwn(node, step)) return undefined;
    node = node[step];
  }
  return node;
}

/** Writes, creating missing objects; returns the step that holds a non-object, or null. */
function writeAt(root: Record<string, unknown>, path: string[], value: unknown): string | null {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const next = Object.hasOwn(node, path[i]) ? node[path[i]] : undefined;
    if (next === undefined) node[path[i]] = {};
    else if (!isObject(next)) return path.slice(0, i + 1).join('.');
    node = node[path[i]] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
  return null;
}

function deleteAt(root: Record<string, unknown>, path: string[]): void {
  const parent = readAt(root, path.slice(0, -1));
  if (isObject(parent)) delete parent[path[path.length - 1]];
}

/** Text of a looked-up value; null and absent values resolve to nothing. */
function textOf(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** `{{name}}`: the tag store first, then the record's own field (a name or key path). */
function lookup(name: string, state: RecordState, ctx: RenderContext): string | undefined {
  if (Object.hasOwn(ctx.tags, name) && typeof ctx.tags[name] === 'string') return ctx.tags[name];
  let path: string[];
  try {
    path = parseKeyPath(name);
  } catch {
    return undefined; // not a field name (e.g. a dotted tag key): only the tag store could have it
  }
  return textOf(readAt(state.record, path));
}

function fill(template: string, state: RecordState, ctx: RenderContext): { text: string; missing: string[] } {
  const missing: string[] = [];
  const text = template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = lookup(name, state, ctx);
    if (value === undefined) missing.push(name);
    return value ?? '';
  });
  return { text, missing };
}

function write(step: Step, value: string, state: RecordState, report: Report): void {
  const stuck = writeAt(state.target, step.target, value);
  if (stuck !== null) report.note(`records[${state.index}]: ${step.where}: not written, ${stuck} is not an object`);
}

function apply(step: Step, state: RecordState, ctx: RenderContext, report: Report): void {
  if (step.kind === 'remove') {
    deleteAt(state.target, step.target);
    state.blocked.push({ path: step.target, by: step.where });
    return;
  }
  const block = state.blocked.find((b) => startsWith(step.target, b.path));
  if (block) {
    report.note(`${step.where}: not written, removed by ${block.by}`);
    return;
  }
  switch (step.kind) {
    case 'write':
      write(step, step.value, state, report);
      return;
    case 'template': {
      const { text, missing } = fill(step.template, state, ctx);
      // Left out rather than written half-filled or empty (PRODUCT.md §4); a value the record already had stays.
      if (missing.length > 0) missing.forEach((name) => report.unresolved.add(name));
      else write(step, text, state, report);
      return;
    }
    case 'link': {
      if (!ctx.searchUrlTemplate) {
        report.note(`${step.where}: no search URL template is set; key left out`);
        return;
      }
      const value = textOf(readAt(state.record, step.field));
      if (value === undefined) {
        report.note(`records[${state.index}]: ${step.where}: the record has no ${step.fieldName}; key left out`);
        return;
      }
      write(step, ctx.searchUrlTemplate.split('{{value}}').join(encodeURIComponent(value)), state, report);
    }
  }
}

// ---------------------------------------------------------------- splunk envelope

/** Above this an epoch number is taken as milliseconds (the HEC schema's bound on seconds). */
const EPOCH_SECONDS_MAX = 99_999_999_999;

function epochSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    return Math.floor(value > EPOCH_SECONDS_MAX ? value / 1000 : value);
  }
  if (typeof value === 'string') {
    if (/^\d+(?:\.\d+)?$/.test(value)) return epochSeconds(Number(value));
    const iso = parseTimestamp(value);
    if (iso) return Math.floor(Date.parse(iso) / 1000);
  }
  return undefined;
}

function envelopeOf(record: Record<string, unknown>, index: number, report: Report): Record<string, unknown> {
  const time = epochSeconds(record.startTime) ?? epochSeconds(record.occurred_at);
  if (time === undefined) {
    // HEC then stamps the event with the time it arrives; better than inventing one here.
    report.note(`records[${index}]: no startTime or occurred_at; time left out`);
    return { sourcetype: '_json', event: record };
  }
  return { time, sourcetype: '_json', event: record };
}

// ---------------------------------------------------------------- entry point

/** Applies `ctx.parents` then `config`; the payload takes the shape of `config.format`. */
export function render(config: TransformConfig, input: RenderInput, ctx: RenderContext): RenderResult {
  const report = new Report();
  const chain = [...(ctx.parents ?? []), config];
  const steps = chain.flatMap((c) => compile(c, c === config ? '' : `${c.organization}/`, config.format, report));
  // With nothing to write and no envelope to build, a record goes out as it is: no copy.
  const copy = steps.length > 0 || config.format === 'splunk';
  const payload = input.records.map((original, index) => {
    const record = copy ? copyJson(original) : original;
    const target = config.format === 'splunk' ? envelopeOf(record, index, report) : record;
    const state: RecordState = { index, target, record, blocked: [] };
    for (const step of steps) apply(step, state, ctx, report);
    return target;
  });
  return { payload, unresolved: [...report.unresolved], notes: [...report.notes] };
}
