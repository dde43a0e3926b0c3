// Request bodies of appliance and per-organization settings and of transform previews.
import { PUBLIC_URL_MAX, RETENTION_MAX_AGE_DAYS_MAX, RETENTION_MAX_AGE_DAYS_MIN, RETENTION_MAX_BYTES_MAX, RETENTION_MAX_BYTES_MIN } from '../limits';
import { AnyObject, described, Nullable, Type } from './builders';
import { transformBodySchema } from './transform';

export const searchUrlSchema = Type.Object({
  template: Nullable(Type.String({ maxLength: 2048, pattern: '^https?://.*\\{\\{value\\}\\}', 'x-message': 'must start with http:// or https:// and contain {{value}} where the searched value goes', description: 'search link with a {{value}} placeholder, e.g. https://kibana.local/app/discover#/?query={{value}}' })),
}, { title: 'SearchUrlTemplate', additionalProperties: false });

export const transformPreviewSchema = Type.Object({
  event_id: Type.Optional(Type.String({ description: 'a stored event to render' })),
  sample: Type.Optional(AnyObject({ description: 'or a record to render as posted' })),
  config: Type.Optional(described(transformBodySchema, 'a draft config; default: the saved one')),
}, { title: 'TransformPreview', additionalProperties: false });

export const rollbackSchema = Type.Object({
  version: Type.Integer({ minimum: 1 }),
}, { title: 'TransformRollback', additionalProperties: false });

export const tagValueSchema = Type.Object({
  value: Type.String({ maxLength: 2048 }),
}, { title: 'TagValue', additionalProperties: false });

/** Settings → retention: whole event segments older than max_age_days, or the oldest beyond max_bytes, are deleted; null keeps forever. */
export const retentionSchema = Type.Object({
  max_age_days: Nullable(Type.Integer({ minimum: RETENTION_MAX_AGE_DAYS_MIN, maximum: RETENTION_MAX_AGE_DAYS_MAX, description: 'delete whole segments whose newest event is older than this; null = keep forever' })),
  max_bytes: Nullable(Type.Integer({ minimum: RETENTION_MAX_BYTES_MIN, maximum: RETENTION_MAX_BYTES_MAX, description: 'delete the oldest segments while the event log is larger; null = no size limit' })),
}, { title: 'RetentionSettings', additionalProperties: false });

/** Settings → public URL: the base of every link sent out; null goes back to SWITCHYARD_PUBLIC_URL / --public-url, or the address served. */
export const publicUrlSchema = Type.Object({
  public_url: Nullable(Type.String({ maxLength: PUBLIC_URL_MAX, description: 'absolute http(s) URL people and tools reach the appliance at (e.g. https://switchyard.example.com); no query or fragment' })),
}, { title: 'PublicUrlSetting', additionalProperties: false });
