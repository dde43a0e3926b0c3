// Operations on transform configs, their versions and the tag store. Like core/config-ops.ts,
// each mutates the draft the store hands to updateConfig and throws a DomainError before
// touching it, so a failed operation changes nothing.
import { randomUUID } from 'node:crypto';
import { TAG_STORE_MAX, TRANSFORM_VERSIONS_MAX } from '../../limits';
import { tagEntrySchema, transformBodySchema } from '../../schemas/transform';
import type { Static } from '../../schemas/builders';
import { joinPath, validate } from '../../schemas/validate';
import { ConflictError, LimitError, NotFoundError, ValidationError } from '../errors';
import { isObject } from '../normalize';
import type { EventType, Organization } from '../types';
import { parseKeyPath } from './render';
import { KEY_PATH_MESSAGE } from './types';
import type { TransformChange } from '../../../src-shared/transform';
import type {
  EventTypeSpelling, TagStoreEntry, TransformBody, TransformConfig, TransformOp, TransformsConfig, TransformVersion,
} from './types';

export type { TransformsConfig } from './types';

export function emptyTransformsConfig(): TransformsConfig {
  return { transforms: [], transform_versions: [], tags: [] };
}

// ---------------------------------------------------------------- validation

/** parseKeyPath says more precisely what is wrong with a key than the schema's pattern message. */
const KEY_PATTERN_MESSAGE = `: ${KEY_PATH_MESSAGE}`;

/** Key paths of a body (label keys, operation keys, search-link fields), wherever they are strings. */
function keyFields(body: unknown): { path: string; key: string }[] {
  if (!isObject(body)) return [];
  const items = (name: string): Record<string, unknown>[] => {
    const list = body[name];
    return Array.isArray(list) ? list.filter(isObject) : [];
  };
  const fields: { path: string; key: unknown }[] = [
    ...items('default_label').map((l, i) => ({ path: `default_label[${i}].key`, key: l.key })),
    ...items('transform').map((op, i) => ({ path: `transform[${i}].key`, key: op.key })),
    ...items('transform').flatMap((op, i) => (op.type === 'add_log_search_url' ? [{ path: `transform[${i}].value`, key: op.value }] : [])),
  ];
  return fields.flatMap((f) => (typeof f.key === 'string' && f.key !== '' ? [{ path: f.path, key: f.key }] : []));
}

/** Every problem of a body, as "<path>: <message>": the schema's, then each bad key path's. */
export function transformBodyErrors(body: unknown): string[] {
  const errors = validate(transformBodySchema, body).filter((e) => !e.endsWith(KEY_PATTERN_MESSAGE));
  for (const { path, key } of keyFields(body)) {
    try {
      parseKeyPath(key);
    } catch (err) {
      errors.push(`${path}: ${(err as Error).message}`);
    }
  }
  return errors;
}

/** A body typed by the schema that checked it, or a ValidationError with every problem transformBodyErrors finds. */
export function parseTransformBody(body: unknown): TransformBody {
  const errors = transformBodyErrors(body);
  if (errors.length > 0) throw new ValidationError(errors);
  // transformBodyErrors ran the schema (a key path judged by parseKeyPath instead of its pattern is still a string).
  return body as Static<typeof transformBodySchema>;
}

/** `security event` → `security_event`; duplicates after that are dropped. */
export function normalizeEventTypes(types: readonly EventTypeSpelling[]): EventType[] {
  return [...new Set(types.map((t) => t.replace(/ /g, '_') as EventType))];
}

type TransformContent = Pick<TransformConfig, 'name' | 'format' | 'event_type' | 'default_label' | 'transform'>;

function contentOf(body: TransformBody): TransformContent {
  const errors = transformBodyErrors(body);
  if (errors.length > 0) throw new ValidationError(errors);
  return {
    name: body.name,
    format: body.format,
    event_type: normalizeEventTypes(body.event_type),
    default_label: (body.default_label ?? []).map(({ key, value }) => ({ key, value })),
    // remove_dynamic_tag is stored with `value: null`, as Armor writes it.
    transform: (body.transform ?? []).map((op): TransformOp => (op.type === 'remove_dynamic_tag' ? { type: op.type, key: op.key, value: null } : { ...op })),
  };
}

// ---------------------------------------------------------------- configs

export function findTransform(config: Readonly<TransformsConfig>, organization: string): TransformConfig | undefined {
  return config.transforms.find((t) => t.organization === organization);
}

export function getTransform(config: Readonly<TransformsConfig>, organization: string): TransformConfig {
  const found = findTransform(config, organization);
  if (!found) throw new NotFoundError(['transform: organization has no transform config']);
  return found;
}

/** One per organization (Armor: "Only one transform can be defined per account"). */
export function createTransform(draft: TransformsConfig, organization: string, input: TransformBody, now: Date): TransformConfig {
  const existing = findTransform(draft, organization);
  if (existing) throw new ConflictError([`transform: organization already has a transform config (${existing.id}); update it instead`]);
  const at = now.toISOString();
  const created: TransformConfig = { id: randomUUID(), organization, ...contentOf(input), version: 1, created_at: at, updated_at: at };
  draft.transforms.push(created);
  return created;
}

/** Keeps `current` as a version, then puts `content` in its place under the next number. */
function supersede(draft: TransformsConfig, current: TransformConfig, content: TransformContent, now: Date): TransformConfig {
  const at = now.toISOString();
  draft.transform_versions.push({ version: current.version, config: structuredClone(current), saved_at: at });
  const own = draft.transform_versions.filter((v) => v.config.organization === current.organization);
  const dropped = new Set(own.slice(0, Math.max(0, own.length - TRANSFORM_VERSIONS_MAX)));
  if (dropped.size > 0) draft.transform_versions = draft.transform_versions.filter((v) => !dropped.has(v));
  const next: TransformConfig = {
    id: current.id, organization: current.organization, ...structuredClone(content),
    version: current.version + 1, created_at: current.created_at, updated_at: at,
  };
  draft.transforms[draft.transforms.indexOf(current)] = next;
  return next;
}

export function replaceTransform(draft: TransformsConfig, organization: string, input: TransformBody, now: Date): TransformConfig {
  const current = getTransform(draft, organization);
  return supersede(draft, current, contentOf(input), now);
}

export function deleteTransform(draft: TransformsConfig, organization: string): void {
  const current = getTransform(draft, organization);
  draft.transforms = draft.transforms.filter((t) => t !== current);
  draft.transform_versions = draft.transform_versions.filter((v) => v.config.organization !== organization);
}

// ---------------------------------------------------------------- versions

/** Every version, oldest first; the last is the current config (saved_at = its updated_at). */
export function listVersions(config: Readonly<TransformsConfig>, organization: string): TransformVersion[] {
  const current = getTransform(config, organization);
  const saved = config.transform_versions
    .filter((v) => v.config.organization === organization)
    .sort((a, b) => a.version - b.version);
  return [...saved, { version: current.version, config: current, saved_at: current.updated_at }];
}

export function getVersion(config: Readonly<TransformsConfig>, organization: string, version: number): TransformConfig {
  const found = listVersions(config, organization).find((v) => v.version === version);
  if (!found) throw new NotFoundError([`version: no version ${version} of the transform config`]);
  return found.config;
}

/** Makes an earlier version current again, under a new number, so the history stays linear. */
export function rollbackTransform(draft: TransformsConfig, organization: string, version: number, now: Date): TransformConfig {
  const current = getTransform(draft, organization);
  if (version === current.version) throw new ValidationError([`version: ${version} is already the current version`]);
  const { name, format, event_type, default_label, transform } = getVersion(draft, organization, version);
  return supersede(draft, current, { name, format, event_type, default_label, transform }, now);
}

/** One changed value (`name`, `default_label[1].value`, …) between two versions. */
export type DiffEntry = TransformChange;

/** Bookkeeping that differs between any two versions; the diff shows content only. */
const DIFF_IGNORED: readonly string[] = ['id', 'organization', 'version', 'created_at', 'updated_at'];

/** Structural diff of two configs' content; arrays compare index by index. */
export function diffVersions(a: TransformConfig, b: TransformConfig): DiffEntry[] {
  const out: DiffEntry[] = [];
  const strip = (c: TransformConfig): Record<string, unknown> =>
    Object.fromEntries(Object.entries(c).filter(([k]) => !DIFF_IGNORED.includes(k)));
  diffValues(strip(a), strip(b), '', out);
  return out;
}

function diffValues(before: unknown, after: unknown, path: string, out: DiffEntry[]): void {
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      diffValues(i < before.length ? before[i] : undefined, i < after.length ? after[i] : undefined, joinPath(path, i, true), out);
    }
    return;
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      diffValues(Object.hasOwn(before, key) ? before[key] : undefined, Object.hasOwn(after, key) ? after[key] : undefined, joinPath(path, key, false), out);
    }
    return;
  }
  if (!Object.is(before, after)) out.push({ path, before, after });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// ---------------------------------------------------------------- organization chains

/** The organization and its ancestors, root first; stops at a missing parent or a cycle. */
export function orgChainOf(orgs: readonly Organization[], organization: string): string[] {
  const chain: string[] = [];
  let current = orgs.find((o) => o.id === organization);
  while (current && !chain.includes(current.id)) {
    chain.unshift(current.id);
    const parentId = current.parent_id;
    current = parentId ? orgs.find((o) => o.id === parentId) : undefined;
  }
  return chain;
}

/**
 * The configs that apply to an organization's records, in the order they apply: `orgChain`
 * is root first (see orgChainOf); organizations without a config are skipped. Render with
 * the last as the config and the others as `parents`.
 */
export function effectiveTransforms(config: Readonly<TransformsConfig>, orgChain: readonly string[]): TransformConfig[] {
  return orgChain.flatMap((org) => findTransform(config, org) ?? []);
}

// ---------------------------------------------------------------- tag store

export function listTags(config: Readonly<TransformsConfig>, organization: string): TagStoreEntry[] {
  return config.tags.filter((t) => t.organization === organization).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Adds or overwrites one entry. */
export function setTag(draft: TransformsConfig, organization: string, input: { key: string; value: string }): TagStoreEntry {
  const errors = validate(tagEntrySchema, input);
  if (errors.length > 0) throw new ValidationError(errors);
  const existing = draft.tags.find((t) => t.organization === organization && t.key === input.key);
  if (existing) {
    existing.value = input.value;
    return existing;
  }
  if (listTags(draft, organization).length >= TAG_STORE_MAX) throw new LimitError([`tags: at most ${TAG_STORE_MAX} per organization`]);
  const entry: TagStoreEntry = { organization, key: input.key, value: input.value };
  draft.tags.push(entry);
  return entry;
}

export function deleteTag(draft: TransformsConfig, organization: string, key: string): void {
  const i = draft.tags.findIndex((t) => t.organization === organization && t.key === key);
  if (i < 0) throw new NotFoundError([`key: no tag "${key}"`]);
  draft.tags.splice(i, 1);
}

/** The tag store a render sees: root first, so an organization's own value wins over its parents'. */
export function tagMap(config: Readonly<TransformsConfig>, orgChain: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const org of orgChain) for (const t of listTags(config, org)) Object.defineProperty(map, t.key, { value: t.value, enumerable: true, writable: true, configurable: true });
  return map;
}

/** The organization's search link template for add_log_search_url, from the settings. */
export function searchUrlTemplate(settings: Readonly<Record<string, unknown>>, organization: string): string | null {
  return (settings.search_url_templates as Record<string, string> | undefined)?.[organization] ?? null;
}
