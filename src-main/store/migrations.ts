// Numbered data migrations. Config migrations rewrite config.json once on open; event
// records are never rewritten (append-only log), so theirs run on every read instead.
import { DEFAULT_FLAP_SETTINGS } from '../core/signals/config-ops';
import { CONFIG_SCHEMA_VERSION, EVENT_SCHEMA_VERSION } from './types';

export type MutableRecord = Record<string, unknown>;

/** Brings data from `version - 1` to `version`, in place. */
export interface Migration {
  version: number;
  up(data: MutableRecord): void;
}

export const configMigrations: readonly Migration[] = [
  {
    // 0 → 1: files written before versioning may lack collections added since.
    version: 1,
    up(data) {
      for (const key of ['orgs', 'keys', 'sources', 'indicator_mappings']) if (!Array.isArray(data[key])) data[key] = [];
      const settings = data.settings;
      if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) data.settings = {};
    },
  },
  {
    // 1 → 2: signal definitions, filters, the service catalog, flap settings, transforms, the tag store, destinations and rules.
    version: 2,
    up(data) {
      for (const key of ['definitions', 'filters', 'catalog', 'transforms', 'transform_versions', 'tags', 'destinations', 'rules']) if (!Array.isArray(data[key])) data[key] = [];
      for (const source of data.sources as MutableRecord[]) source.auto_resolve_after_s ??= null;
      if (data.flap === null || typeof data.flap !== 'object') data.flap = { ...DEFAULT_FLAP_SETTINGS };
    },
  },
];

/** Version 1 is the first event format; later formats add entries here. */
export const eventMigrations: readonly Migration[] = [];

export function latestVersion(migrations: readonly Migration[], base: number): number {
  return migrations.reduce((v, m) => Math.max(v, m.version), base);
}

function versionOf(data: MutableRecord, missing: number): number {
  const v = data.schema_version;
  return typeof v === 'number' && Number.isInteger(v) ? v : missing;
}

/** Runs, in order, every migration newer than the data; returns the numbers applied. */
function migrate(data: MutableRecord, migrations: readonly Migration[], missingVersion: number): number[] {
  const from = versionOf(data, missingVersion);
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= from) continue;
    m.up(data);
    data.schema_version = m.version;
    applied.push(m.version);
  }
  return applied;
}

/** config.json without schema_version predates versioning: version 0. */
export function migrateConfig(data: MutableRecord, migrations: readonly Migration[] = configMigrations): number[] {
  const newest = latestVersion(migrations, CONFIG_SCHEMA_VERSION);
  const from = versionOf(data, 0);
  if (from > newest) throw new Error(`config.json has schema_version ${from}, newer than this build understands (${newest}); use a newer Switchyard`);
  return migrate(data, migrations, 0);
}

/**
 * Brings one stored event record to the current format. Records missing schema_version
 * count as version 1, the first format. Mutates and returns the (freshly parsed) record.
 */
export function migrateEventRecord<T extends object>(record: T, migrations: readonly Migration[] = eventMigrations): T {
  const data = record as MutableRecord;
  if (migrations.length === 0 || versionOf(data, EVENT_SCHEMA_VERSION) >= latestVersion(migrations, EVENT_SCHEMA_VERSION)) return record;
  migrate(data, migrations, EVENT_SCHEMA_VERSION);
  return record;
}
