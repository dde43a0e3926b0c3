// Request bodies of the management API. The router validates with these, /openapi.json
// publishes them, and handlers receive Static<schema>, so all three always agree.
import { DIALECTS, INDICATOR_TYPES, SCOPES } from '../core/types';
import { NAME_MAX, TRANSPOSER_MAX } from '../limits';
import { Enum, Nullable, Type } from './builders';

const name = Type.String({ minLength: 1, maxLength: NAME_MAX });
const autoResolve = Nullable(Type.Integer({ minimum: 1 }), { description: "resolve this source's alerts after this many seconds without a new event (a definition's own setting wins)" });

export const orgCreateSchema = Type.Object({
  name,
  slug: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', 'x-message': 'may contain only lowercase letters, digits and - (starting with a letter or digit, at most 63)', description: 'defaults to the slugified name' })),
  parent_id: Type.Optional(Nullable(Type.String(), { description: 'id or slug of the parent organization (partner → child accounts)' })),
}, { title: 'OrganizationCreate', additionalProperties: false });

export const keyCreateSchema = Type.Object({
  name,
  scopes: Type.Array(Enum(SCOPES), { minItems: 1, uniqueItems: true }),
  organization: Type.Optional(Type.String({ description: "id or slug; defaults to the caller's organization" })),
}, { title: 'ApiKeyCreate', additionalProperties: false });

export const sourceCreateSchema = Type.Object({
  name,
  dialect: Enum(DIALECTS),
  transposer: Type.Optional(Nullable(Type.String({ maxLength: TRANSPOSER_MAX }), { description: 'JSONata expression mapping any JSON to the event model (custom sources)' })),
  url_token: Type.Optional(Type.Boolean({ description: 'issue a URL token for POST /v1/hooks/{token}' })),
  auto_resolve_after_s: Type.Optional(autoResolve),
}, { title: 'SourceCreate', additionalProperties: false });

export const sourceUpdateSchema = Type.Object({
  name: Type.Optional(name),
  transposer: Type.Optional(Nullable(Type.String({ maxLength: TRANSPOSER_MAX }))),
  auto_resolve_after_s: Type.Optional(autoResolve),
}, { title: 'SourceUpdate', additionalProperties: false, minProperties: 1 });

export const sourceTestSchema = Type.Object({
  sample: Type.Unknown({ description: 'a payload as the tool would send it' }),
  transposer: Type.Optional(Type.String({ maxLength: TRANSPOSER_MAX, description: 'a draft transposer to try instead of the saved one' })),
}, { title: 'SourceTest', additionalProperties: false });

export const indicatorMappingCreateSchema = Type.Object({
  path: Type.String({ minLength: 1, maxLength: 512, pattern: '^[^\\s]+$', 'x-message': 'must not contain spaces', description: 'dotted path into the raw payload, with [n] or [*] steps' }),
  type: Enum(INDICATOR_TYPES),
}, { title: 'IndicatorMappingCreate', additionalProperties: false });
