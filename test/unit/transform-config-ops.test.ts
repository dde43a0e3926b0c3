// Transform config operations: one per organization, versions, diff, rollback, tag store, chains.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConflictError, type DomainError } from '../../src-main/core/errors';
import {
  createTransform,
  deleteTag,
  deleteTransform,
  diffVersions,
  effectiveTransforms,
  emptyTransformsConfig,
  getTransform,
  getVersion,
  listTags,
  listVersions,
  normalizeEventTypes,
  orgChainOf,
  replaceTransform,
  rollbackTransform,
  setTag,
  tagMap,
  transformBodyErrors,
  type TransformsConfig,
} from '../../src-main/core/transform/config-ops';
import { render } from '../../src-main/core/transform/render';
import type { TransformBody } from '../../src-main/core/transform/types';
import type { Organization } from '../../src-main/core/types';
import { TAG_STORE_MAX, TRANSFORM_LABELS_MAX, TRANSFORM_VERSIONS_MAX } from '../../src-main/limits';

const fixtureBody = (): TransformBody => JSON.parse(readFileSync(new URL('../fixtures/transform-config.json', import.meta.url), 'utf8'));

const T0 = new Date('2026-03-01T10:00:00.000Z');
const T1 = new Date('2026-03-01T11:00:00.000Z');
const T2 = new Date('2026-03-01T12:00:00.000Z');
const T3 = new Date('2026-03-01T13:00:00.000Z');
const ORG = 'org-a';

function errorsOf(fn: () => unknown): { type: string; errors: string[] } {
  try {
    fn();
  } catch (err) {
    return { type: (err as Error).name, errors: (err as DomainError).errors };
  }
  throw new Error('expected the operation to throw');
}

function withFixture(): TransformsConfig {
  const draft = emptyTransformsConfig();
  createTransform(draft, ORG, fixtureBody(), T0);
  return draft;
}

const KEY_HINT = 'use a name (letters, digits, _ $ @ -) or a bracket path like [event].provider_id';

describe('createTransform', () => {
  it('stores the Armor fixture as version 1 of the organization', () => {
    const draft = emptyTransformsConfig();
    const created = createTransform(draft, ORG, fixtureBody(), T0);
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      organization: ORG,
      ...fixtureBody(),
      version: 1,
      created_at: T0.toISOString(),
      updated_at: T0.toISOString(),
    });
    expect(draft.transforms).toEqual([created]);
    expect(getTransform(draft, ORG)).toBe(created);
  });

  it('refuses a second config for the organization with a 409 naming the existing one, changing nothing', () => {
    const draft = withFixture();
    const before = structuredClone(draft);
    const e = errorsOf(() => createTransform(draft, ORG, { ...fixtureBody(), name: 'Another' }, T1));
    expect(e.type).toBe('ConflictError');
    expect(e.errors).toEqual([`transform: organization already has a transform config (${draft.transforms[0].id}); update it instead`]);
    expect(draft).toEqual(before);
    expect(() => createTransform(draft, ORG, fixtureBody(), T1)).toThrow(ConflictError);
    // Each organization has its own.
    expect(createTransform(draft, 'org-b', fixtureBody(), T1).organization).toBe('org-b');
  });

  it('accepts the spaced event types of the Armor document and stores them with underscores, once each', () => {
    const draft = emptyTransformsConfig();
    const created = createTransform(draft, ORG, {
      name: 'spaced', format: 'default', event_type: ['security incident', 'security_detection', 'security event', 'security_event'],
    }, T0);
    expect(created.event_type).toEqual(['security_incident', 'security_detection', 'security_event']);
    expect(created.default_label).toEqual([]);
    expect(created.transform).toEqual([]);
  });

  it('stores remove_dynamic_tag with value null whether or not the body gave it', () => {
    const draft = emptyTransformsConfig();
    const created = createTransform(draft, ORG, {
      name: 'r', format: 'default', event_type: ['security_event'],
      transform: [{ type: 'remove_dynamic_tag', key: 'classificationTag' }, { type: 'remove_dynamic_tag', key: '[event].x', value: null }],
    }, T0);
    expect(created.transform).toEqual([
      { type: 'remove_dynamic_tag', key: 'classificationTag', value: null },
      { type: 'remove_dynamic_tag', key: '[event].x', value: null },
    ]);
  });

  it('keeps no reference to the body it was given', () => {
    const draft = emptyTransformsConfig();
    const body = fixtureBody();
    createTransform(draft, ORG, body, T0);
    body.default_label![0].value = 'changed';
    body.transform!.push({ type: 'remove_dynamic_tag', key: 'x' });
    expect(draft.transforms[0].default_label[0].value).toBe('Alpha');
    expect(draft.transforms[0].transform).toHaveLength(5);
  });

  it('refuses an invalid body with every problem, changing nothing', () => {
    const draft = emptyTransformsConfig();
    const e = errorsOf(() => createTransform(draft, ORG, { name: '', format: 'json', event_type: ['security events'] } as unknown as TransformBody, T0));
    expect(e.type).toBe('ValidationError');
    expect(e.errors).toEqual([
      'name: must not be empty',
      'format: must be one of default, splunk',
      'event_type[0]: must be one of security_incident, security_detection, security_event, security incident, security detection, security event',
    ]);
    expect(draft).toEqual(emptyTransformsConfig());
  });
});

describe('transformBodyErrors (the schema and key paths)', () => {
  const base = { name: 'n', format: 'splunk', event_type: ['security_event'] };

  it('accepts the fixture and bracket paths', () => {
    expect(transformBodyErrors(fixtureBody())).toEqual([]);
    expect(transformBodyErrors({
      ...base,
      default_label: [{ key: '[nested].key', value: 'Alpha' }, { key: '[a][b].c', value: '' }],
      transform: [{ type: 'add_log_search_url', key: '[event].link', value: '[event].eventId' }],
    })).toEqual([]);
  });

  it('names the missing and unknown fields (org_id is not part of the body: the organization is in the URL)', () => {
    expect(transformBodyErrors(null)).toEqual(['body: must be an object']);
    expect(transformBodyErrors({})).toEqual(['name: is required', 'format: is required', 'event_type: is required']);
    expect(transformBodyErrors({ ...base, org_id: 'x' })).toEqual(['org_id: is not a known field']);
    expect(transformBodyErrors({ ...base, event_type: [] })).toEqual(['event_type: must have at least 1 item']);
    expect(transformBodyErrors({ ...base, event_type: 'security_event' })).toEqual(['event_type: must be an array']);
  });

  it('checks labels: key paths, string values, no other fields', () => {
    expect(transformBodyErrors({
      ...base,
      default_label: [{ key: 'a.b', value: 1 }, { key: '[event]', value: 'x', extra: 1 }, { value: 'x' }, { key: '__proto__', value: 'x' }],
    })).toEqual([
      'default_label[0].value: must be a string',
      'default_label[1].extra: is not a known field',
      'default_label[2].key: is required',
      `default_label[0].key: "a.b" is not a key: ${KEY_HINT}`,
      `default_label[1].key: "[event]" is not a key: ${KEY_HINT}`,
      'default_label[3].key: "__proto__" is a reserved name',
    ]);
    const many = Array.from({ length: TRANSFORM_LABELS_MAX + 1 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(transformBodyErrors({ ...base, default_label: many })).toEqual([`default_label: must have at most ${TRANSFORM_LABELS_MAX} items`]);
  });

  it('checks each operation by its type', () => {
    expect(transformBodyErrors({
      ...base,
      transform: [
        { type: 'add_tag', key: 'x', value: 'y' },
        { type: 'add_dynamic_tag', key: 'x' },
        { type: 'add_dynamic_tag', key: 'x', value: '' },
        { type: 'remove_dynamic_tag', key: 'x', value: 'y' },
        { type: 'add_log_search_url', key: 'x', value: 'a b' },
        { type: 'add_log_search_url', key: 'x' },
        { key: 'x' },
        { type: 'add_dynamic_tag', key: '[a].constructor', value: '1' },
      ],
    })).toEqual([
      'transform[0].type: must be one of add_dynamic_tag, remove_dynamic_tag, add_log_search_url',
      'transform[1].value: is required',
      'transform[2].value: must not be empty',
      'transform[3].value: must be null',
      'transform[5].value: is required',
      'transform[6].type: is required',
      'transform[7].key: "constructor" is a reserved name',
      `transform[4].value: "a b" is not a key: ${KEY_HINT}`,
    ]);
  });

  it('normalizeEventTypes maps spaces to underscores and drops repeats', () => {
    expect(normalizeEventTypes(['security event', 'security_event', 'security detection'])).toEqual(['security_event', 'security_detection']);
  });
});

describe('replace, versions, diff, rollback', () => {
  const v2Body = (): TransformBody => {
    const body = fixtureBody();
    body.name = 'Hello world config v2';
    body.format = 'default';
    body.default_label![1].value = 'Lotlux-EU';
    body.default_label!.pop();
    body.transform!.push({ type: 'add_dynamic_tag', key: 'team', value: '{{team}}' });
    return body;
  };

  it('replaces the config under the next version and keeps the previous one', () => {
    const draft = withFixture();
    const v1 = structuredClone(draft.transforms[0]);
    const v2 = replaceTransform(draft, ORG, v2Body(), T1);
    expect(v2).toEqual({
      ...v2Body(), id: v1.id, organization: ORG, event_type: v1.event_type, version: 2, created_at: T0.toISOString(), updated_at: T1.toISOString(),
    });
    expect(draft.transforms).toEqual([v2]);
    expect(draft.transform_versions).toEqual([{ version: 1, config: v1, saved_at: T1.toISOString() }]);
  });

  it('replace needs an existing config and a valid body', () => {
    const draft = emptyTransformsConfig();
    expect(errorsOf(() => replaceTransform(draft, ORG, fixtureBody(), T1))).toEqual({ type: 'NotFoundError', errors: ['transform: organization has no transform config'] });
    const filled = withFixture();
    const before = structuredClone(filled);
    expect(errorsOf(() => replaceTransform(filled, ORG, { ...fixtureBody(), format: 'xml' } as unknown as TransformBody, T1)))
      .toEqual({ type: 'ValidationError', errors: ['format: must be one of default, splunk'] });
    expect(filled).toEqual(before);
  });

  it('lists every version oldest first, the current one last', () => {
    const draft = withFixture();
    replaceTransform(draft, ORG, v2Body(), T1);
    createTransform(draft, 'org-b', fixtureBody(), T1);
    replaceTransform(draft, 'org-b', fixtureBody(), T2);
    const versions = listVersions(draft, ORG);
    expect(versions.map((v) => [v.version, v.config.name, v.saved_at])).toEqual([
      [1, 'Hello world config', T1.toISOString()],
      [2, 'Hello world config v2', T1.toISOString()],
    ]);
    expect(getVersion(draft, ORG, 1).format).toBe('splunk');
    expect(getVersion(draft, ORG, 2)).toBe(draft.transforms[0]);
    expect(errorsOf(() => getVersion(draft, ORG, 7))).toEqual({ type: 'NotFoundError', errors: ['version: no version 7 of the transform config'] });
    expect(errorsOf(() => listVersions(draft, 'org-c')).type).toBe('NotFoundError');
  });

  it('diffs two versions path by path: changed, added and removed, content only', () => {
    const draft = withFixture();
    replaceTransform(draft, ORG, v2Body(), T1);
    const [v1, v2] = listVersions(draft, ORG).map((v) => v.config);
    expect(diffVersions(v1, v2)).toEqual([
      { path: 'name', before: 'Hello world config', after: 'Hello world config v2' },
      { path: 'format', before: 'splunk', after: 'default' },
      { path: 'default_label[1].value', before: 'Lotlux', after: 'Lotlux-EU' },
      { path: 'default_label[3]', before: { key: 'account_id', value: 'Home' }, after: undefined },
      { path: 'transform[5]', before: undefined, after: { type: 'add_dynamic_tag', key: 'team', value: '{{team}}' } },
    ]);
    expect(diffVersions(v2, v1)).toEqual([
      { path: 'name', before: 'Hello world config v2', after: 'Hello world config' },
      { path: 'format', before: 'default', after: 'splunk' },
      { path: 'default_label[1].value', before: 'Lotlux-EU', after: 'Lotlux' },
      { path: 'default_label[3]', before: undefined, after: { key: 'account_id', value: 'Home' } },
      { path: 'transform[5]', before: { type: 'add_dynamic_tag', key: 'team', value: '{{team}}' }, after: undefined },
    ]);
    expect(diffVersions(v1, structuredClone(v1))).toEqual([]);
  });

  it('diffs added and removed fields inside an item, and a changed shape as one change', () => {
    const draft = withFixture();
    const v1 = draft.transforms[0];
    const v2 = { ...structuredClone(v1), transform: [{ type: 'remove_dynamic_tag' as const, key: 'index' }], event_type: ['security_event' as const] };
    expect(diffVersions(v1, v2)).toEqual([
      { path: 'event_type[0]', before: 'security_incident', after: 'security_event' },
      { path: 'event_type[1]', before: 'security_detection', after: undefined },
      { path: 'event_type[2]', before: 'security_event', after: undefined },
      { path: 'transform[0].type', before: 'add_dynamic_tag', after: 'remove_dynamic_tag' },
      { path: 'transform[0].value', before: '{{index}}', after: undefined },
      ...v1.transform.slice(1).map((op, i) => ({ path: `transform[${i + 1}]`, before: op, after: undefined })),
    ]);
    const reshaped = { ...structuredClone(v1), default_label: 'none' } as unknown as typeof v1;
    expect(diffVersions(v1, reshaped)).toEqual([{ path: 'default_label', before: v1.default_label, after: 'none' }]);
  });

  it('rolls back by saving the current config and restoring the old content as a new version', () => {
    const draft = withFixture();
    const v1 = structuredClone(draft.transforms[0]);
    const v2 = structuredClone(replaceTransform(draft, ORG, v2Body(), T1));
    const v3 = rollbackTransform(draft, ORG, 1, T2);
    expect(v3).toEqual({ ...v1, version: 3, updated_at: T2.toISOString() });
    expect(diffVersions(v1, v3)).toEqual([]);
    expect(listVersions(draft, ORG)).toEqual([
      { version: 1, config: v1, saved_at: T1.toISOString() },
      { version: 2, config: v2, saved_at: T2.toISOString() },
      { version: 3, config: v3, saved_at: T2.toISOString() },
    ]);
    // The restored content is a copy: editing it leaves the saved version alone.
    v3.default_label[0].value = 'edited';
    expect(getVersion(draft, ORG, 1).default_label[0].value).toBe('Alpha');
    // Rolling forward again works the same way.
    expect(rollbackTransform(draft, ORG, 2, T3)).toMatchObject({ version: 4, name: 'Hello world config v2', format: 'default' });
  });

  it('refuses a rollback to the current or an unknown version, changing nothing', () => {
    const draft = withFixture();
    replaceTransform(draft, ORG, v2Body(), T1);
    const before = structuredClone(draft);
    expect(errorsOf(() => rollbackTransform(draft, ORG, 2, T2))).toEqual({ type: 'ValidationError', errors: ['version: 2 is already the current version'] });
    expect(errorsOf(() => rollbackTransform(draft, ORG, 9, T2))).toEqual({ type: 'NotFoundError', errors: ['version: no version 9 of the transform config'] });
    expect(errorsOf(() => rollbackTransform(draft, 'org-none', 1, T2)).type).toBe('NotFoundError');
    expect(draft).toEqual(before);
  });

  it(`keeps the newest ${TRANSFORM_VERSIONS_MAX} earlier versions per organization`, () => {
    const draft = withFixture();
    createTransform(draft, 'org-b', fixtureBody(), T0);
    replaceTransform(draft, 'org-b', fixtureBody(), T0);
    for (let i = 0; i < TRANSFORM_VERSIONS_MAX + 5; i++) replaceTransform(draft, ORG, { ...fixtureBody(), name: `v${i + 2}` }, T1);
    const saved = draft.transform_versions.filter((v) => v.config.organization === ORG).map((v) => v.version);
    expect(saved).toHaveLength(TRANSFORM_VERSIONS_MAX);
    expect(saved[0]).toBe(6);
    expect(saved.at(-1)).toBe(TRANSFORM_VERSIONS_MAX + 5);
    expect(getTransform(draft, ORG).version).toBe(TRANSFORM_VERSIONS_MAX + 6);
    // Another organization's history is untouched.
    expect(draft.transform_versions.filter((v) => v.config.organization === 'org-b').map((v) => v.version)).toEqual([1]);
  });

  it('deletes a config with its versions', () => {
    const draft = withFixture();
    replaceTransform(draft, ORG, v2Body(), T1);
    createTransform(draft, 'org-b', fixtureBody(), T1);
    deleteTransform(draft, ORG);
    expect(draft.transforms.map((t) => t.organization)).toEqual(['org-b']);
    expect(draft.transform_versions).toEqual([]);
    expect(errorsOf(() => deleteTransform(draft, ORG)).type).toBe('NotFoundError');
    expect(createTransform(draft, ORG, fixtureBody(), T2).version).toBe(1);
  });
});

describe('tag store', () => {
  it('sets, overwrites, lists by key and deletes per organization', () => {
    const draft = emptyTransformsConfig();
    setTag(draft, ORG, { key: 'provider_id', value: 'Lotlux-7' });
    setTag(draft, ORG, { key: 'index', value: 'main' });
    setTag(draft, 'org-b', { key: 'index', value: 'other' });
    expect(setTag(draft, ORG, { key: 'index', value: 'sec' })).toEqual({ organization: ORG, key: 'index', value: 'sec' });
    expect(listTags(draft, ORG)).toEqual([
      { organization: ORG, key: 'index', value: 'sec' },
      { organization: ORG, key: 'provider_id', value: 'Lotlux-7' },
    ]);
    deleteTag(draft, ORG, 'index');
    expect(listTags(draft, ORG).map((t) => t.key)).toEqual(['provider_id']);
    expect(listTags(draft, 'org-b')).toEqual([{ organization: 'org-b', key: 'index', value: 'other' }]);
    expect(errorsOf(() => deleteTag(draft, ORG, 'index'))).toEqual({ type: 'NotFoundError', errors: ['key: no tag "index"'] });
  });

  it('validates entries', () => {
    const draft = emptyTransformsConfig();
    expect(errorsOf(() => setTag(draft, ORG, { key: 'a b', value: 'x' })))
      .toEqual({ type: 'ValidationError', errors: ['key: may contain only letters, digits and _ . : @ $ -'] });
    expect(errorsOf(() => setTag(draft, ORG, { key: '', value: 1 } as unknown as { key: string; value: string })))
      .toEqual({ type: 'ValidationError', errors: ['key: must not be empty', 'value: must be a string'] });
    expect(draft.tags).toEqual([]);
  });

  it(`holds at most ${TAG_STORE_MAX} entries per organization, overwrites still allowed`, () => {
    const draft = emptyTransformsConfig();
    for (let i = 0; i < TAG_STORE_MAX; i++) setTag(draft, ORG, { key: `k${i}`, value: 'v' });
    expect(errorsOf(() => setTag(draft, ORG, { key: 'one-more', value: 'v' }))).toEqual({ type: 'LimitError', errors: [`tags: at most ${TAG_STORE_MAX} per organization`] });
    expect(setTag(draft, ORG, { key: 'k0', value: 'w' }).value).toBe('w');
    expect(setTag(draft, 'org-b', { key: 'one-more', value: 'v' }).organization).toBe('org-b');
  });

  it('tagMap merges a chain root first, so the organization\'s own value wins', () => {
    const draft = emptyTransformsConfig();
    setTag(draft, 'org-partner', { key: 'provider_id', value: 'Lotlux' });
    setTag(draft, 'org-partner', { key: 'index', value: 'partner' });
    setTag(draft, 'org-child', { key: 'index', value: 'main' });
    setTag(draft, 'org-child', { key: '__proto__', value: 'plain' });
    const map = tagMap(draft, ['org-partner', 'org-child']);
    expect(map).toEqual({ provider_id: 'Lotlux', index: 'main', ['__proto__']: 'plain' });
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(Object.hasOwn(map, '__proto__')).toBe(true);
  });
});

describe('organization chains', () => {
  const org = (id: string, parent_id: string | null): Organization => ({ id, slug: id, name: id, parent_id, created_at: T0.toISOString() });

  it('orgChainOf walks parents to the root, root first, and survives cycles and missing parents', () => {
    const orgs = [org('root', null), org('partner', 'root'), org('child', 'partner'), org('loop-a', 'loop-b'), org('loop-b', 'loop-a'), org('orphan', 'gone')];
    expect(orgChainOf(orgs, 'child')).toEqual(['root', 'partner', 'child']);
    expect(orgChainOf(orgs, 'root')).toEqual(['root']);
    expect(orgChainOf(orgs, 'loop-a')).toEqual(['loop-b', 'loop-a']);
    expect(orgChainOf(orgs, 'orphan')).toEqual(['orphan']);
    expect(orgChainOf(orgs, 'nobody')).toEqual([]);
  });

  it('effectiveTransforms lists the configs of the chain parent first, skipping organizations without one', () => {
    const draft = emptyTransformsConfig();
    const partner = createTransform(draft, 'partner', { name: 'partner', format: 'default', event_type: ['security_event'] }, T0);
    const child = createTransform(draft, 'child', { name: 'child', format: 'splunk', event_type: ['security_event'] }, T0);
    expect(effectiveTransforms(draft, ['root', 'partner', 'child'])).toEqual([partner, child]);
    expect(effectiveTransforms(draft, ['root', 'partner', 'grandchild'])).toEqual([partner]);
    expect(effectiveTransforms(draft, [])).toEqual([]);
  });

  it('a partner config, its tags and the child config render together (parent → child)', () => {
    const draft = emptyTransformsConfig();
    const orgs = [org('partner', null), org('child', 'partner')];
    createTransform(draft, 'partner', {
      name: 'partner', format: 'default', event_type: ['security event'],
      default_label: [{ key: 'provider_id', value: 'Lotlux' }],
      transform: [{ type: 'remove_dynamic_tag', key: 'classificationTag' }, { type: 'add_dynamic_tag', key: 'index', value: '{{index}}' }],
    }, T0);
    createTransform(draft, 'child', {
      name: 'child', format: 'splunk', event_type: ['security_event'],
      default_label: [{ key: 'customer_id', value: 'Cardify' }, { key: 'classificationTag', value: 'child' }],
    }, T0);
    setTag(draft, 'partner', { key: 'index', value: 'partner-index' });
    setTag(draft, 'child', { key: 'index', value: 'main' });
    const chain = orgChainOf(orgs, 'child');
    const configs = effectiveTransforms(draft, chain);
    const own = configs[configs.length - 1];
    const result = render(own, { records: [{ startTime: 1590673764, classificationTag: null }] }, {
      tags: tagMap(draft, chain), searchUrlTemplate: null, parents: configs.slice(0, -1),
    });
    expect(result.payload).toEqual([{
      time: 1590673764, sourcetype: '_json', index: 'main', event: { startTime: 1590673764, provider_id: 'Lotlux', customer_id: 'Cardify' },
    }]);
    expect(result.notes).toEqual(['default_label[1] classificationTag: not written, removed by partner/transform[0] classificationTag']);
  });
});
