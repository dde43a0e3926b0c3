// Operations on configuration (organizations, API keys, sources, indicator mappings).
// Each takes the draft the store hands to updateConfig and throws a DomainError on a
// rule violation, so a failed operation changes nothing.
import type { SourceInput } from '../../src-shared/sources';
import { randomUUID } from 'node:crypto';
import { KEYS_MAX, ORGS_MAX, SOURCES_MAX, CUSTOM_MAPPINGS_MAX } from '../limits';
import { slugify } from './normalize';
import { ConflictError, LimitError, NotFoundError, ValidationError } from './errors';
import { newSecret, secretPrefix, sha256Hex } from './secrets';
import type { ConfigData } from './config-data';
import type { ApiKeyRecord, CustomIndicatorMapping, Dialect, IndicatorType, Organization, Scope, SourceRecord } from './types';

export const DEFAULT_ORG_SLUG = 'default';

/** Slugs of organizations and sources; empty names fall back to a placeholder. */
export function slugOf(name: string): string {
  return slugify(name) || 'item';
}

export function ensureDefaultOrg(draft: ConfigData, now: Date): Organization {
  const existing = draft.orgs.find((o) => o.slug === DEFAULT_ORG_SLUG);
  if (existing) return existing;
  const org: Organization = { id: randomUUID(), slug: DEFAULT_ORG_SLUG, name: 'Default', parent_id: null, created_at: now.toISOString() };
  draft.orgs.push(org);
  return org;
}

export function findOrg(config: Readonly<ConfigData>, idOrSlug: string): Organization | undefined {
  return config.orgs.find((o) => o.id === idOrSlug || o.slug === idOrSlug);
}

export function createOrg(draft: ConfigData, input: { name: string; slug?: string; parent_id?: string | null }, now: Date): Organization {
  if (draft.orgs.length >= ORGS_MAX) throw new LimitError([`organizations: at most ${ORGS_MAX}`]);
  const slug = input.slug ?? slugOf(input.name);
  if (draft.orgs.some((o) => o.slug === slug)) throw new ConflictError([`slug: an organization with slug "${slug}" already exists`]);
  let parent: Organization | null = null;
  if (input.parent_id) {
    parent = findOrg(draft, input.parent_id) ?? null;
    if (!parent) throw new ValidationError([`parent_id: no organization "${input.parent_id}"`]);
  }
  const org: Organization = { id: randomUUID(), slug, name: input.name, parent_id: parent?.id ?? null, created_at: now.toISOString() };
  draft.orgs.push(org);
  return org;
}

export type PublicKey = Omit<ApiKeyRecord, 'hash'>;

export function publicKey(record: ApiKeyRecord): PublicKey {
  const { hash: _hash, ...rest } = record;
  return rest;
}

/** Creates a key; the returned `key` is the only time the secret exists outside its holder. */
export function createKey(
  draft: ConfigData,
  input: { name: string; scopes: Scope[]; organization: string },
  now: Date,
): { record: ApiKeyRecord; key: string } {
  if (draft.keys.length >= KEYS_MAX) throw new LimitError([`keys: at most ${KEYS_MAX}`]);
  const org = findOrg(draft, input.organization);
  if (!org) throw new ValidationError([`organization: no organization "${input.organization}"`]);
  const key = newSecret('sy_');
  const record: ApiKeyRecord = {
    id: randomUUID(),
    organization: org.id,
    name: input.name,
    scopes: [...new Set(input.scopes)],
    hash: sha256Hex(key),
    prefix: secretPrefix(key),
    created_at: now.toISOString(),
  };
  draft.keys.push(record);
  return { record, key };
}

export function deleteKey(draft: ConfigData, id: string, organization: string): void {
  const i = draft.keys.findIndex((k) => k.id === id && k.organization === organization);
  if (i < 0) throw new NotFoundError([`id: no key "${id}"`]);
  draft.keys.splice(i, 1);
}

export type PublicSource = Omit<SourceRecord, 'token_hash'> & { has_token: boolean };

export function publicSource(record: SourceRecord): PublicSource {
  const { token_hash, ...rest } = record;
  return { ...rest, has_token: token_hash !== null };
}

export type { SourceInput };

/** `checkTransposer` reports JSONata compile errors; injected so this module stays free of the engine. */
export function createSource(
  draft: ConfigData,
  organization: string,
  input: SourceInput,
  checkTransposer: (expr: string) => string[],
  now: Date,
): { record: SourceRecord; token: string | null } {
  if (draft.sources.filter((s) => s.organization === organization).length >= SOURCES_MAX) {
    throw new LimitError([`sources: at most ${SOURCES_MAX} per organization`]);
  }
  const slug = slugOf(input.name);
  if (draft.sources.some((s) => s.organization === organization && s.slug === slug)) {
    throw new ConflictError([`name: a source with slug "${slug}" already exists`]);
  }
  validateTransposer(input.dialect, input.transposer ?? null, checkTransposer);
  const token = input.url_token ? newSecret('syh_') : null;
  const record: SourceRecord = {
    id: randomUUID(),
    organization,
    name: input.name,
    slug,
    dialect: input.dialect,
    transposer: input.transposer ?? null,
    token_hash: token ? sha256Hex(token) : null,
    token_prefix: token ? secretPrefix(token) : null,
    auto_resolve_after_s: input.auto_resolve_after_s ?? null,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
  draft.sources.push(record);
  return { record, token };
}

export function updateSource(
  draft: ConfigData,
  organization: string,
  id: string,
  input: { name?: string; transposer?: string | null; auto_resolve_after_s?: number | null },
  checkTransposer: (expr: string) => string[],
  now: Date,
): SourceRecord {
  const source = getSource(draft, organization, id);
  const transposer = input.transposer !== undefined ? input.transposer : source.transposer;
  validateTransposer(source.dialect, transposer, checkTransposer);
  if (input.name !== undefined && input.name !== source.name) {
    const slug = slugOf(input.name);
    if (draft.sources.some((s) => s.organization === organization && s.slug === slug && s.id !== id)) {
      throw new ConflictError([`name: a source with slug "${slug}" already exists`]);
    }
    source.name = input.name;
    source.slug = slug;
  }
  source.transposer = transposer;
  if (input.auto_resolve_after_s !== undefined) source.auto_resolve_after_s = input.auto_resolve_after_s;
  source.updated_at = now.toISOString();
  return source;
}

/** Issues a new URL token; the old one stops working at once. */
export function rotateSourceToken(draft: ConfigData, organization: string, id: string, now: Date): { record: SourceRecord; token: string } {
  const source = getSource(draft, organization, id);
  const token = newSecret('syh_');
  source.token_hash = sha256Hex(token);
  source.token_prefix = secretPrefix(token);
  source.updated_at = now.toISOString();
  return { record: source, token };
}

export function deleteSource(draft: ConfigData, organization: string, id: string): void {
  getSource(draft, organization, id);
  draft.sources = draft.sources.filter((s) => s.id !== id);
}

export function getSource(config: Readonly<ConfigData>, organization: string, id: string): SourceRecord {
  const source = config.sources.find((s) => s.organization === organization && (s.id === id || s.slug === id));
  if (!source) throw new NotFoundError([`id: no source "${id}"`]);
  return source as SourceRecord;
}

function validateTransposer(dialect: Dialect, transposer: string | null, check: (expr: string) => string[]): void {
  if (dialect === 'custom' && !transposer) throw new ValidationError(['transposer: is required for a custom source']);
  if (dialect !== 'custom' && transposer) throw new ValidationError([`transposer: only custom sources have a transposer (dialect is ${dialect})`]);
  if (transposer) {
    const errors = check(transposer);
    if (errors.length) throw new ValidationError(errors);
  }
}

export function createIndicatorMapping(
  draft: ConfigData,
  organization: string,
  input: { path: string; type: IndicatorType },
  now: Date,
): CustomIndicatorMapping {
  if (draft.indicator_mappings.filter((m) => m.organization === organization).length >= CUSTOM_MAPPINGS_MAX) {
    throw new LimitError([`indicator_mappings: at most ${CUSTOM_MAPPINGS_MAX} per organization`]);
  }
  const mapping: CustomIndicatorMapping = { id: randomUUID(), organization, path: input.path, type: input.type, created_at: now.toISOString() };
  draft.indicator_mappings.push(mapping);
  return mapping;
}

export function deleteIndicatorMapping(draft: ConfigData, organization: string, id: string): void {
  const i = draft.indicator_mappings.findIndex((m) => m.id === id && m.organization === organization);
  if (i < 0) throw new NotFoundError([`id: no indicator mapping "${id}"`]);
  draft.indicator_mappings.splice(i, 1);
}
