// Operations on the signals configuration: definitions, filters, catalog, flap settings.
// Like core/config-ops.ts, each mutates the draft the store hands to updateConfig and
// throws a DomainError on a rule violation before touching it, so a failed operation
// changes nothing.
import { randomUUID } from 'node:crypto';
import jsonata from 'jsonata';
import {
  IDENTIFIER_MAX,
  CATALOG_COMPONENTS_MAX,
  DESCRIPTION_MAX,
  NAME_MAX,
  SIGNAL_DEFINITIONS_MAX,
  SIGNAL_EXPRESSION_MAX,
  SIGNAL_EXPRESSION_TIMEOUT_MS,
  SIGNAL_FILTERS_MAX,
} from '../../limits';
import { slugify } from '../normalize';
import { ConflictError, LimitError, NotFoundError, ValidationError } from '../errors';
import {
  CATALOG_KINDS,
  FILTER_KINDS,
  type CatalogComponent,
  type CatalogKind,
  type FilterKind,
  type FlapSettings,
  type SignalDefinition,
  type SignalFilter,
  type SignalsConfig,
} from './types';

export type { SignalsConfig } from './types';

/** Six transitions = three open/close cycles in 15 minutes is still normal; more is flapping. */
export const DEFAULT_FLAP_SETTINGS: Readonly<FlapSettings> = { max_transitions: 6, window_s: 900 };
const FLAP_MAX_TRANSITIONS_LIMIT = 1000;
const FLAP_WINDOW_LIMIT_S = 7 * 24 * 3600;
const SLUG_RE = /^[a-z0-9](?:[a-z0-9._-]{0,61}[a-z0-9])?$/;

export function emptySignalsConfig(): SignalsConfig {
  return { definitions: [], filters: [], catalog: [], flap: { ...DEFAULT_FLAP_SETTINGS } };
}

// ---------------------------------------------------------------- expressions

/** Compiles a filter expression with the evaluation bounds; throws jsonata's error. */
export function compileExpression(expression: string): jsonata.Expression {
  return jsonata(expression, { timeout: SIGNAL_EXPRESSION_TIMEOUT_MS, stack: 200 });
}

/** `expression: ...` messages for an expression that cannot be used; [] when it compiles. */
export function expressionErrors(expression: unknown): string[] {
  if (typeof expression !== 'string' || !expression.trim()) return ['expression: is required'];
  if (expression.length > SIGNAL_EXPRESSION_MAX) return [`expression: at most ${SIGNAL_EXPRESSION_MAX} characters`];
  try {
    compileExpression(expression);
    return [];
  } catch (err) {
    return [`expression: ${describeExpressionError(err)}`];
  }
}

/** jsonata errors carry a code and a position; say both so the user can find the spot. */
export function describeExpressionError(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown; position?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const where = typeof e?.position === 'number' ? ` at position ${e.position}` : '';
  const code = typeof e?.code === 'string' ? ` (${e.code})` : '';
  return `${message}${where}${code}`;
}

// ---------------------------------------------------------------- definitions

export interface DefinitionInput {
  name: string;
  external_id: string;
  description?: string;
  variant?: string | null;
  owner?: string | null;
  conversation_target?: string | null;
  /** Default true, as in Dispatch; false makes the definition contextual. */
  create_case?: boolean;
  enabled?: boolean;
  auto_resolve_after_s?: number | null;
}

export function listDefinitions(config: Readonly<SignalsConfig>, organization: string): SignalDefinition[] {
  return config.definitions.filter((d) => d.organization === organization);
}

export function getDefinition(config: Readonly<SignalsConfig>, organization: string, id: string): SignalDefinition {
  const def = config.definitions.find((d) => d.organization === organization && d.id === id);
  if (!def) throw new NotFoundError([`id: no definition "${id}"`]);
  return def;
}

export function createDefinition(draft: SignalsConfig, organization: string, input: DefinitionInput, now: Date): SignalDefinition {
  if (listDefinitions(draft, organization).length >= SIGNAL_DEFINITIONS_MAX) {
    throw new LimitError([`definitions: at most ${SIGNAL_DEFINITIONS_MAX} per organization`]);
  }
  const fields: Omit<SignalDefinition, 'id' | 'organization' | 'created_at' | 'updated_at'> = {
    name: input.name,
    description: input.description ?? '',
    variant: input.variant ?? null,
    owner: input.owner ?? null,
    external_id: input.external_id,
    conversation_target: input.conversation_target ?? null,
    create_case: input.create_case ?? true,
    enabled: input.enabled ?? true,
    auto_resolve_after_s: input.auto_resolve_after_s ?? null,
  };
  validateDefinition(fields);
  checkExternalIdFree(draft, organization, fields.external_id, null);
  const at = now.toISOString();
  const def: SignalDefinition = { id: randomUUID(), organization, ...fields, created_at: at, updated_at: at };
  draft.definitions.push(def);
  return def;
}

/** Applies the given fields only; an absent field keeps its value. */
export function updateDefinition(
  draft: SignalsConfig,
  organization: string,
  id: string,
  patch: Partial<DefinitionInput>,
  now: Date,
): SignalDefinition {
  const def = getDefinition(draft, organization, id);
  const next = { ...def };
  for (const key of DEFINITION_FIELDS) {
    if (patch[key] !== undefined) (next as Record<string, unknown>)[key] = patch[key];
  }
  validateDefinition(next);
  checkExternalIdFree(draft, organization, next.external_id, def.id);
  Object.assign(def, next, { updated_at: now.toISOString() });
  return def;
}

/** Deletes the definition and its filters; alerts keep their definition_id for history. */
export function deleteDefinition(draft: SignalsConfig, organization: string, id: string): void {
  getDefinition(draft, organization, id);
  draft.definitions = draft.definitions.filter((d) => d.id !== id);
  draft.filters = draft.filters.filter((f) => f.definition_id !== id);
}

const DEFINITION_FIELDS = [
  'name',
  'description',
  'variant',
  'owner',
  'external_id',
  'conversation_target',
  'create_case',
  'enabled',
  'auto_resolve_after_s',
] as const satisfies readonly (keyof DefinitionInput)[];

function validateDefinition(d: Omit<SignalDefinition, 'id' | 'organization' | 'created_at' | 'updated_at'>): void {
  const errors = [
    ...requiredText('name', d.name, NAME_MAX),
    ...requiredText('external_id', d.external_id, IDENTIFIER_MAX),
    ...optionalText('variant', d.variant, IDENTIFIER_MAX),
    ...optionalText('owner', d.owner, NAME_MAX),
    ...optionalText('conversation_target', d.conversation_target, NAME_MAX),
  ];
  if (typeof d.description !== 'string') errors.push('description: must be a string');
  else if (d.description.length > DESCRIPTION_MAX) errors.push(`description: at most ${DESCRIPTION_MAX} characters`);
  if (typeof d.create_case !== 'boolean') errors.push('create_case: must be true or false');
  if (typeof d.enabled !== 'boolean') errors.push('enabled: must be true or false');
  if (d.auto_resolve_after_s !== null && !isPositiveInteger(d.auto_resolve_after_s)) {
    errors.push('auto_resolve_after_s: must be a positive whole number of seconds, or null');
  }
  if (errors.length) throw new ValidationError(errors);
}

/** external_id is unique across ALL definitions of the organization, whatever their variant. */
function checkExternalIdFree(config: SignalsConfig, organization: string, externalId: string, selfId: string | null): void {
  const clash = config.definitions.find((d) => d.organization === organization && d.external_id === externalId && d.id !== selfId);
  if (clash) {
    throw new ConflictError([`external_id: "${externalId}" is already used by definition "${clash.name}" (${clash.id})`]);
  }
}

// ---------------------------------------------------------------- filters

export interface FilterInput {
  kind: FilterKind;
  name: string;
  expression: string;
  /** deduplicate only: required. */
  window_s?: number | null;
  /** snooze only: required, in the future. */
  until?: string | null;
}

export function listFilters(
  config: Readonly<SignalsConfig>,
  organization: string,
  opts: { definition_id?: string; include_expired?: boolean } = {},
): SignalFilter[] {
  return config.filters.filter(
    (f) =>
      f.organization === organization &&
      (opts.definition_id === undefined || f.definition_id === opts.definition_id) &&
      (opts.include_expired !== false || f.expired_at === null),
  );
}

export function getFilter(config: Readonly<SignalsConfig>, organization: string, id: string): SignalFilter {
  const filter = config.filters.find((f) => f.organization === organization && f.id === id);
  if (!filter) throw new NotFoundError([`id: no filter "${id}"`]);
  return filter;
}

export function createFilter(
  draft: SignalsConfig,
  organization: string,
  definitionId: string,
  input: FilterInput,
  now: Date,
): SignalFilter {
  const def = draft.definitions.find((d) => d.organization === organization && d.id === definitionId);
  if (!def) throw new NotFoundError([`definition_id: no definition "${definitionId}"`]);
  if (listFilters(draft, organization, { definition_id: def.id, include_expired: false }).length >= SIGNAL_FILTERS_MAX) {
    throw new LimitError([`filters: at most ${SIGNAL_FILTERS_MAX} active filters per definition`]);
  }
  const errors = [...requiredText('name', input.name, NAME_MAX), ...expressionErrors(input.expression)];
  const windowS = input.window_s ?? null;
  let until = input.until ?? null;
  if (input.kind === 'deduplicate') {
    if (!isPositiveInteger(windowS)) errors.push('window_s: a deduplicate filter needs a positive whole number of seconds');
    if (until !== null) errors.push('until: only snooze filters have an end time');
  } else if (input.kind === 'snooze') {
    if (windowS !== null) errors.push('window_s: only deduplicate filters have a window');
    const t = typeof until === 'string' ? Date.parse(until) : NaN;
    if (Number.isNaN(t)) errors.push('until: a snooze filter needs an ISO 8601 end time');
    else if (t <= now.getTime()) errors.push(`until: ${until} is not in the future`);
    else until = new Date(t).toISOString();
  } else {
    errors.push(`kind: must be one of ${FILTER_KINDS.join(', ')}`);
  }
  if (errors.length) throw new ValidationError(errors);
  const filter: SignalFilter = {
    id: randomUUID(),
    organization,
    definition_id: def.id,
    kind: input.kind,
    name: input.name,
    expression: input.expression,
    window_s: windowS,
    until,
    created_at: now.toISOString(),
    expired_at: null,
  };
  draft.filters.push(filter);
  return filter;
}

/** Stops a filter from applying; it stays listed for history. Expiring twice keeps the first time. */
export function expireFilter(draft: SignalsConfig, organization: string, id: string, now: Date): SignalFilter {
  const filter = getFilter(draft, organization, id);
  filter.expired_at ??= now.toISOString();
  return filter;
}

// ---------------------------------------------------------------- catalog

export interface CatalogInput {
  kind: CatalogKind;
  name: string;
  /** Default: slugified name. Tags reference it as `<kind>:<slug>`. */
  slug?: string;
}

export function listCatalog(config: Readonly<SignalsConfig>, organization: string, kind?: CatalogKind): CatalogComponent[] {
  return config.catalog.filter((c) => c.organization === organization && (kind === undefined || c.kind === kind));
}

export function createCatalogComponent(draft: SignalsConfig, organization: string, input: CatalogInput, now: Date): CatalogComponent {
  if (listCatalog(draft, organization).length >= CATALOG_COMPONENTS_MAX) {
    throw new LimitError([`catalog: at most ${CATALOG_COMPONENTS_MAX} components per organization`]);
  }
  const errors = requiredText('name', input.name, NAME_MAX);
  if (!(CATALOG_KINDS as readonly string[]).includes(input.kind)) errors.push(`kind: must be one of ${CATALOG_KINDS.join(', ')}`);
  const slug = input.slug ?? (typeof input.name === 'string' ? slugify(input.name) : '');
  if (typeof slug !== 'string' || !SLUG_RE.test(slug)) {
    errors.push('slug: lowercase letters, digits, ".", "_" and "-", at most 63 characters, starting and ending with a letter or digit');
  }
  if (errors.length) throw new ValidationError(errors);
  const clash = draft.catalog.find((c) => c.organization === organization && c.kind === input.kind && c.slug === slug);
  if (clash) throw new ConflictError([`slug: ${input.kind} "${slug}" already exists ("${clash.name}", ${clash.id})`]);
  const component: CatalogComponent = { id: randomUUID(), organization, kind: input.kind, slug, name: input.name, created_at: now.toISOString() };
  draft.catalog.push(component);
  return component;
}

/** Alerts and cases keep the links they were given; new events with the tag become unlinked. */
export function deleteCatalogComponent(draft: SignalsConfig, organization: string, id: string): void {
  const i = draft.catalog.findIndex((c) => c.organization === organization && c.id === id);
  if (i < 0) throw new NotFoundError([`id: no catalog component "${id}"`]);
  draft.catalog.splice(i, 1);
}

// ---------------------------------------------------------------- flap detection

export function setFlapSettings(draft: SignalsConfig, input: FlapSettings): FlapSettings {
  const errors: string[] = [];
  if (!isPositiveInteger(input.max_transitions) || input.max_transitions > FLAP_MAX_TRANSITIONS_LIMIT) {
    errors.push(`max_transitions: a whole number from 1 to ${FLAP_MAX_TRANSITIONS_LIMIT}`);
  }
  if (!isPositiveInteger(input.window_s) || input.window_s > FLAP_WINDOW_LIMIT_S) {
    errors.push(`window_s: a whole number of seconds from 1 to ${FLAP_WINDOW_LIMIT_S}`);
  }
  if (errors.length) throw new ValidationError(errors);
  draft.flap = { max_transitions: input.max_transitions, window_s: input.window_s };
  return draft.flap;
}

// ---------------------------------------------------------------- helpers

function requiredText(field: string, value: unknown, max: number): string[] {
  if (typeof value !== 'string' || !value.trim()) return [`${field}: is required`];
  if (value.length > max) return [`${field}: at most ${max} characters`];
  return [];
}

function optionalText(field: string, value: unknown, max: number): string[] {
  return value === null ? [] : requiredText(field, value, max).map((e) => e.replace('is required', 'must be a non-empty string or null'));
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
