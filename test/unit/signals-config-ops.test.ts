// Signals configuration operations: definitions, filters, catalog, flap settings.
import { describe, expect, it } from 'vitest';
import { ConflictError, LimitError, NotFoundError, ValidationError } from '../../src-main/core/errors';
import {
  createCatalogComponent,
  createDefinition,
  createFilter,
  deleteCatalogComponent,
  deleteDefinition,
  DEFAULT_FLAP_SETTINGS,
  emptySignalsConfig,
  expireFilter,
  expressionErrors,
  getDefinition,
  listCatalog,
  listDefinitions,
  listFilters,
  setFlapSettings,
  updateDefinition,
  type SignalsConfig,
} from '../../src-main/core/signals/config-ops';
import { SIGNAL_DEFINITIONS_MAX, SIGNAL_EXPRESSION_MAX, SIGNAL_FILTERS_MAX } from '../../src-main/limits';

const NOW = new Date('2024-05-01T10:00:00.000Z');
const LATER = new Date('2024-05-01T11:00:00.000Z');
const ORG = 'org-a';

function errorsOf(fn: () => unknown): { type: string; errors: string[] } {
  try {
    fn();
  } catch (err) {
    return { type: (err as Error).name, errors: (err as ValidationError).errors };
  }
  throw new Error('expected the operation to throw');
}

function withDefinition(): { config: SignalsConfig; id: string } {
  const config = emptySignalsConfig();
  const def = createDefinition(config, ORG, { name: 'Process events', external_id: 'someExternalValue' }, NOW);
  return { config, id: def.id };
}

describe('signal definitions', () => {
  it('creates a definition with Dispatch defaults', () => {
    const config = emptySignalsConfig();
    const def = createDefinition(config, ORG, { name: 'Process events', external_id: 'someExternalValue', variant: 'A' }, NOW);
    expect(def).toMatchObject({
      organization: ORG,
      name: 'Process events',
      description: '',
      variant: 'A',
      owner: null,
      external_id: 'someExternalValue',
      conversation_target: null,
      create_case: true,
      enabled: true,
      auto_resolve_after_s: null,
      created_at: NOW.toISOString(),
      updated_at: NOW.toISOString(),
    });
    expect(def.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(listDefinitions(config, ORG)).toEqual([def]);
    expect(listDefinitions(config, 'org-b')).toEqual([]);
  });

  it('refuses an external_id already used in the organization, whatever the variant, naming the clash', () => {
    const { config, id } = withDefinition();
    const before = structuredClone(config);
    const e = errorsOf(() => createDefinition(config, ORG, { name: 'Other', external_id: 'someExternalValue', variant: 'B' }, NOW));
    expect(e.type).toBe('ConflictError');
    expect(e.errors).toEqual([`external_id: "someExternalValue" is already used by definition "Process events" (${id})`]);
    expect(config).toEqual(before);
    // Another organization has its own namespace.
    expect(createDefinition(config, 'org-b', { name: 'B', external_id: 'someExternalValue' }, NOW).organization).toBe('org-b');
  });

  it('updates only the given fields and checks external_id against the others', () => {
    const { config, id } = withDefinition();
    const other = createDefinition(config, ORG, { name: 'Other', external_id: 'other' }, NOW);
    const updated = updateDefinition(config, ORG, id, { create_case: false, conversation_target: '#sec-ops', external_id: 'someExternalValue' }, LATER);
    expect(updated).toMatchObject({ name: 'Process events', create_case: false, conversation_target: '#sec-ops', updated_at: LATER.toISOString() });
    expect(() => updateDefinition(config, ORG, other.id, { external_id: 'someExternalValue' }, LATER)).toThrow(ConflictError);
    expect(getDefinition(config, ORG, other.id).external_id).toBe('other');
  });

  it('lists every invalid field at once', () => {
    const config = emptySignalsConfig();
    const e = errorsOf(() =>
      createDefinition(config, ORG, { name: ' ', external_id: '', variant: '', create_case: 'yes' as unknown as boolean, auto_resolve_after_s: -5 }, NOW),
    );
    expect(e.type).toBe('ValidationError');
    expect(e.errors).toEqual([
      'name: is required',
      'external_id: is required',
      'variant: must be a non-empty string or null',
      'create_case: must be true or false',
      'auto_resolve_after_s: must be a positive whole number of seconds, or null',
    ]);
    expect(config.definitions).toEqual([]);
  });

  it('deletes a definition with its filters; unknown or other-organization ids are 404', () => {
    const { config, id } = withDefinition();
    createFilter(config, ORG, id, { kind: 'deduplicate', name: 'By host', expression: 'raw.hostIdentifier', window_s: 600 }, NOW);
    expect(() => deleteDefinition(config, 'org-b', id)).toThrow(NotFoundError);
    deleteDefinition(config, ORG, id);
    expect(config.definitions).toEqual([]);
    expect(config.filters).toEqual([]);
    expect(() => getDefinition(config, ORG, id)).toThrow(NotFoundError);
  });

  it(`allows at most ${SIGNAL_DEFINITIONS_MAX} definitions per organization`, () => {
    const config = emptySignalsConfig();
    for (let i = 0; i < SIGNAL_DEFINITIONS_MAX; i++) createDefinition(config, ORG, { name: `d${i}`, external_id: `x${i}` }, NOW);
    expect(() => createDefinition(config, ORG, { name: 'one more', external_id: 'more' }, NOW)).toThrow(LimitError);
    expect(createDefinition(config, 'org-b', { name: 'elsewhere', external_id: 'more' }, NOW).name).toBe('elsewhere');
  });
});

describe('signal filters', () => {
  it('creates deduplicate and snooze filters on a definition', () => {
    const { config, id } = withDefinition();
    const dedup = createFilter(config, ORG, id, { kind: 'deduplicate', name: 'By host', expression: 'raw.hostIdentifier', window_s: 600 }, NOW);
    const snooze = createFilter(config, ORG, id, { kind: 'snooze', name: 'Maintenance', expression: 'raw.hostIdentifier = "host1"', until: '2024-05-01T12:00:00Z' }, NOW);
    expect(dedup).toMatchObject({ organization: ORG, definition_id: id, kind: 'deduplicate', window_s: 600, until: null, expired_at: null });
    expect(snooze).toMatchObject({ kind: 'snooze', window_s: null, until: '2024-05-01T12:00:00.000Z' });
    expect(listFilters(config, ORG, { definition_id: id }).map((f) => f.name)).toEqual(['By host', 'Maintenance']);
  });

  it('compile-checks the JSONata expression and says where it fails', () => {
    const { config, id } = withDefinition();
    const e = errorsOf(() => createFilter(config, ORG, id, { kind: 'deduplicate', name: 'Broken', expression: 'raw.(', window_s: 60 }, NOW));
    expect(e.type).toBe('ValidationError');
    expect(e.errors).toHaveLength(1);
    expect(e.errors[0]).toMatch(/^expression: .+ at position \d+ \(S\d+\)$/);
    expect(expressionErrors('')).toEqual(['expression: is required']);
    expect(expressionErrors('a'.repeat(SIGNAL_EXPRESSION_MAX + 1))).toEqual([`expression: at most ${SIGNAL_EXPRESSION_MAX} characters`]);
    expect(expressionErrors('raw.columns.pid > 100')).toEqual([]);
    expect(config.filters).toEqual([]);
  });

  it('requires a window for deduplicate and a future end time for snooze', () => {
    const { config, id } = withDefinition();
    expect(errorsOf(() => createFilter(config, ORG, id, { kind: 'deduplicate', name: 'd', expression: 'title', until: '2030-01-01T00:00:00Z' }, NOW)).errors).toEqual([
      'window_s: a deduplicate filter needs a positive whole number of seconds',
      'until: only snooze filters have an end time',
    ]);
    expect(errorsOf(() => createFilter(config, ORG, id, { kind: 'snooze', name: 's', expression: 'true', until: 'tomorrow' }, NOW)).errors).toEqual([
      'until: a snooze filter needs an ISO 8601 end time',
    ]);
    expect(errorsOf(() => createFilter(config, ORG, id, { kind: 'snooze', name: 's', expression: 'true', until: '2024-05-01T09:00:00Z' }, NOW)).errors).toEqual([
      'until: 2024-05-01T09:00:00Z is not in the future',
    ]);
    expect(errorsOf(() => createFilter(config, ORG, id, { kind: 'mute' as 'snooze', name: 's', expression: 'true' }, NOW)).errors).toEqual([
      'kind: must be one of deduplicate, snooze',
    ]);
  });

  it('attaches filters only to a definition of the same organization', () => {
    const { config, id } = withDefinition();
    expect(() => createFilter(config, 'org-b', id, { kind: 'deduplicate', name: 'd', expression: 'title', window_s: 60 }, NOW)).toThrow(NotFoundError);
  });

  it('expires a filter at now, once, and hides it from the active list', () => {
    const { config, id } = withDefinition();
    const f = createFilter(config, ORG, id, { kind: 'deduplicate', name: 'By host', expression: 'raw.hostIdentifier', window_s: 600 }, NOW);
    expect(expireFilter(config, ORG, f.id, LATER).expired_at).toBe(LATER.toISOString());
    expect(expireFilter(config, ORG, f.id, new Date('2024-06-01T00:00:00Z')).expired_at).toBe(LATER.toISOString());
    expect(listFilters(config, ORG, { include_expired: false })).toEqual([]);
    expect(listFilters(config, ORG)).toHaveLength(1);
    expect(() => expireFilter(config, 'org-b', f.id, LATER)).toThrow(NotFoundError);
  });

  it(`allows at most ${SIGNAL_FILTERS_MAX} active filters per definition`, () => {
    const { config, id } = withDefinition();
    const make = () => createFilter(config, ORG, id, { kind: 'deduplicate', name: 'd', expression: 'title', window_s: 60 }, NOW);
    const first = make();
    for (let i = 1; i < SIGNAL_FILTERS_MAX; i++) make();
    expect(make).toThrow(LimitError);
    expireFilter(config, ORG, first.id, NOW);
    expect(make().kind).toBe('deduplicate');
  });
});

describe('catalog components', () => {
  it('slugifies the name and keeps slugs unique per kind and organization', () => {
    const config = emptySignalsConfig();
    const gw = createCatalogComponent(config, ORG, { kind: 'service', name: 'API Gateway' }, NOW);
    expect(gw).toMatchObject({ kind: 'service', slug: 'api-gateway', name: 'API Gateway', organization: ORG });
    const e = errorsOf(() => createCatalogComponent(config, ORG, { kind: 'service', name: 'Gateway 2', slug: 'api-gateway' }, NOW));
    expect(e.type).toBe('ConflictError');
    expect(e.errors).toEqual([`slug: service "api-gateway" already exists ("API Gateway", ${gw.id})`]);
    expect(createCatalogComponent(config, ORG, { kind: 'functionality', name: 'Gateway', slug: 'api-gateway' }, NOW).kind).toBe('functionality');
    expect(createCatalogComponent(config, 'org-b', { kind: 'service', name: 'API Gateway' }, NOW).organization).toBe('org-b');
    expect(listCatalog(config, ORG).map((c) => c.kind)).toEqual(['service', 'functionality']);
    expect(listCatalog(config, ORG, 'service')).toEqual([gw]);
  });

  it('refuses a bad slug or kind, and deletes only its own organization\'s components', () => {
    const config = emptySignalsConfig();
    expect(errorsOf(() => createCatalogComponent(config, ORG, { kind: 'team' as 'service', name: 'x', slug: 'Bad Slug' }, NOW)).errors).toEqual([
      'kind: must be one of service, environment, functionality',
      'slug: lowercase letters, digits, ".", "_" and "-", at most 63 characters, starting and ending with a letter or digit',
    ]);
    const prod = createCatalogComponent(config, ORG, { kind: 'environment', name: 'Production' }, NOW);
    expect(() => deleteCatalogComponent(config, 'org-b', prod.id)).toThrow(NotFoundError);
    deleteCatalogComponent(config, ORG, prod.id);
    expect(config.catalog).toEqual([]);
  });
});

describe('flap settings', () => {
  it('starts from the defaults and accepts positive whole numbers only', () => {
    const config = emptySignalsConfig();
    expect(config.flap).toEqual(DEFAULT_FLAP_SETTINGS);
    expect(setFlapSettings(config, { max_transitions: 3, window_s: 120 })).toEqual({ max_transitions: 3, window_s: 120 });
    const e = errorsOf(() => setFlapSettings(config, { max_transitions: 0, window_s: 1.5 }));
    expect(e.type).toBe('ValidationError');
    expect(e.errors).toHaveLength(2);
    expect(config.flap).toEqual({ max_transitions: 3, window_s: 120 });
  });
});
