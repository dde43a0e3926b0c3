// The whole configuration (config.json): every part's config in one document. Kept apart
// from types.ts so that file stays free of the modules with runtime code (the UI reads it).
import type { DestinationsConfig } from './destination-types';
import type { RulesConfig } from './rules';
import type { SignalsConfig } from './signals/types';
import type { TransformsConfig } from './transform/types';
import type { ApiKeyRecord, CustomIndicatorMapping, Organization, SourceRecord } from './types';

/** Configuration: small, read often, written rarely (persisted as config.json). */
export interface ConfigData extends SignalsConfig, TransformsConfig, DestinationsConfig, RulesConfig {
  schema_version: number;
  orgs: Organization[];
  keys: ApiKeyRecord[];
  sources: SourceRecord[];
  indicator_mappings: CustomIndicatorMapping[];
  settings: Record<string, unknown>;
}
