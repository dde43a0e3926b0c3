// The OpenAPI document, generated from the route table and its ajv schemas.
import type { RouteDef } from './route';
import { toOpenApiPath } from './route';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['errors'],
  properties: { errors: { type: 'array', items: { type: 'string' }, description: '"<field path>: <message>" for each problem' } },
};

/** Splunk HEC endpoints answer failures in Splunk's shape, with our list beside it. */
const HEC_ERROR_SCHEMA = {
  type: 'object',
  required: ['text', 'code', 'errors'],
  properties: {
    text: { type: 'string', description: "Splunk's text for the code" },
    code: { type: 'integer', description: "Splunk's HEC status code (see README, Splunk HEC)" },
    'invalid-event-number': { type: 'integer', description: 'the first refused event, counted from 0' },
    errors: ERROR_SCHEMA.properties.errors,
  },
};

const SECURITY = {
  public: [],
  custom: [{ urlToken: [] }],
  hec: [{ hecToken: [] }],
} as const;

export function buildOpenApi(routes: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = toOpenApiPath(r.path);
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = (r.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, description: q.description, schema: q.schema ?? { type: 'string' } }));
    const body = r.body ?? r.documentedBody;
    const responses: Record<string, unknown> = {};
    for (const [code, description] of Object.entries(r.responses)) {
      const schema = r.auth === 'hec' ? HEC_ERROR_SCHEMA : ERROR_SCHEMA;
      responses[code] = Number(code) >= 400 ? { description, content: { 'application/json': { schema } } } : { description };
    }
    (paths[path] ??= {})[r.method] = {
      summary: r.summary,
      tags: [r.tag],
      security: r.auth in SECURITY ? SECURITY[r.auth as keyof typeof SECURITY] : [{ apiKey: [r.auth] }, ...(r.auth === 'admin' ? [{ session: [] }] : [])],
      parameters: [...params, ...query],
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Switchyard', version, description: 'Signal hub appliance: ingest, normalize, group, transform and deliver alerts.' },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'API key with the named scope (admin implies every scope)' },
        session: { type: 'apiKey', in: 'cookie', name: 'sy_session', description: 'UI session; writes also need the X-CSRF-Token header' },
        urlToken: { type: 'apiKey', in: 'query', name: 'token', description: 'A source URL token in the path' },
        hecToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'An API key with the ingest scope as "Splunk <key>", "Bearer <key>", or Basic auth with the key as password' },
      },
      schemas: { Errors: ERROR_SCHEMA },
    },
    paths,
  };
}
