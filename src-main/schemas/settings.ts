// Request bodies of per-organization settings and transform previews.
import { transformBodySchema } from './transform';

export const searchUrlSchema = {
  title: 'SearchUrlTemplate',
  type: 'object',
  additionalProperties: false,
  required: ['template'],
  properties: {
    template: { type: ['string', 'null'], maxLength: 2048, pattern: '^https?://.*\\{\\{value\\}\\}', 'x-message': 'must start with http:// or https:// and contain {{value}} where the searched value goes', description: 'search link with a {{value}} placeholder, e.g. https://kibana.local/app/discover#/?query={{value}}' },
  },
};

export const transformPreviewSchema = {
  title: 'TransformPreview',
  type: 'object',
  additionalProperties: false,
  properties: {
    event_id: { type: 'string', description: 'a stored event to render' },
    sample: { type: 'object', description: 'or a record to render as posted' },
    config: { ...transformBodySchema, description: 'a draft config; default: the saved one' },
  },
};

export const rollbackSchema = {
  title: 'TransformRollback',
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: { version: { type: 'integer', minimum: 1 } },
};

export const tagValueSchema = {
  title: 'TagValue',
  type: 'object',
  additionalProperties: false,
  required: ['value'],
  properties: { value: { type: 'string', maxLength: 2048 } },
};
