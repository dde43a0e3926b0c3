// Request bodies of the management API. The router validates with these and
// /openapi.json publishes them, so both always agree.
import { DIALECTS, INDICATOR_TYPES, SCOPES } from '../core/types';
import { NAME_MAX, TRANSPOSER_MAX } from '../limits';

const name = { type: 'string', minLength: 1, maxLength: NAME_MAX };
const autoResolve = { type: ['integer', 'null'], minimum: 1, description: "resolve this source's alerts after this many seconds without a new event (a definition's own setting wins)" };

export const orgCreateSchema = {
  title: 'OrganizationCreate',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name,
    slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$', 'x-message': 'may contain only lowercase letters, digits and - (starting with a letter or digit, at most 63)', description: 'defaults to the slugified name' },
    parent_id: { type: ['string', 'null'], description: 'id or slug of the parent organization (partner → child accounts)' },
  },
};

export const keyCreateSchema = {
  title: 'ApiKeyCreate',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'scopes'],
  properties: {
    name,
    scopes: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...SCOPES] } },
    organization: { type: 'string', description: "id or slug; defaults to the caller's organization" },
  },
};

export const sourceCreateSchema = {
  title: 'SourceCreate',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'dialect'],
  properties: {
    name,
    dialect: { enum: [...DIALECTS] },
    transposer: { type: ['string', 'null'], maxLength: TRANSPOSER_MAX, description: 'JSONata expression mapping any JSON to the event model (custom sources)' },
    url_token: { type: 'boolean', description: 'issue a URL token for POST /v1/hooks/{token}' },
    auto_resolve_after_s: autoResolve,
  },
};

export const sourceUpdateSchema = {
  title: 'SourceUpdate',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name,
    transposer: { type: ['string', 'null'], maxLength: TRANSPOSER_MAX },
    auto_resolve_after_s: autoResolve,
  },
};

export const sourceTestSchema = {
  title: 'SourceTest',
  type: 'object',
  additionalProperties: false,
  required: ['sample'],
  properties: {
    sample: { description: 'a payload as the tool would send it' },
    transposer: { type: 'string', maxLength: TRANSPOSER_MAX, description: 'a draft transposer to try instead of the saved one' },
  },
};

export const indicatorMappingCreateSchema = {
  title: 'IndicatorMappingCreate',
  type: 'object',
  additionalProperties: false,
  required: ['path', 'type'],
  properties: {
    path: { type: 'string', minLength: 1, maxLength: 512, pattern: '^[^\\s]+$', 'x-message': 'must not contain spaces', description: 'dotted path into the raw payload, with [n] or [*] steps' },
    type: { enum: [...INDICATOR_TYPES] },
  },
};
