// The OpenAPI document, generated from the route table and its ajv schemas. What every
// route shares is derived here, from what the router really does: the Host check (403),
// the Origin check of management routes (403), key checks (401/403) and body reading
// (400/413/415); each route adds its own answers and its 2xx body schema (`returns`).
import type { RouteDef } from './route';
import { refusesForeignOrigin, toOpenApiPath } from './route';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['errors'],
  properties: { errors: { type: 'array', items: { type: 'string' }, description: '"<field path>: <message>" for each problem' } },
};

/** Splunk HEC endpoints answer failures in Splunk's shape, with our list beside it. */
const HEC_ERROR_SCHEMA = {
  type: 'object',
  required: ['text', 'code'],
  properties: {
    text: { type: 'string', description: "Splunk's text for the code" },
    code: { type: 'integer', description: "Splunk's HEC status code (see README, Splunk HEC)" },
    'invalid-event-number': { type: 'integer', description: 'the first refused event, counted from 0' },
    errors: { ...ERROR_SCHEMA.properties.errors, description: 'every problem, "<field path>: <message>" (all failures but the health answer)' },
  },
};

const isHecPath = (path: string) => path === '/services/collector' || path.startsWith('/services/collector/');

/** `post /api/alerts/:id/ack` → `postApiAlertsByIdAck`: unique because method + path are. */
export function operationIdOf(r: Pick<RouteDef, 'method' | 'path'>): string {
  const words = r.path.split('/').filter(Boolean).flatMap((segment) => {
    const param = /^:(\w+)$/.exec(segment);
    return param ? ['by', param[1]] : segment.split(/[^A-Za-z0-9]+/).filter(Boolean);
  });
  return r.method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

const isScope = (auth: RouteDef['auth']) => auth !== 'public' && auth !== 'custom' && auth !== 'hec';

/** The error answers the server gives this route whatever its handler does, merged with the route's own. */
function errorResponsesOf(r: RouteDef): Record<string, string> {
  const out: Record<string, string[]> = {};
  const add = (code: string, text: string) => (out[code] ??= []).push(text);
  for (const [code, text] of Object.entries(r.responses)) if (Number(code) >= 400) add(code, text);
  if (isScope(r.auth)) {
    if (!out['401']) add('401', 'no or unknown key');
    add('403', `key without the ${r.auth} scope`);
  }
  if (refusesForeignOrigin(r)) add('403', 'a foreign, opaque or cross-site Origin');
  if (r.body || r.documentedBody) {
    if (!out['400']) add('400', 'invalid JSON (with position) or fields; every problem listed');
    if (!out['413']) add('413', 'body over the limit');
    if (!out['415']) add('415', 'not JSON');
  }
  if (!out['403']?.some((text) => text.includes('Host'))) add('403', 'a Host header that is not an allowed name (DNS-rebinding defence)');
  return Object.fromEntries(Object.entries(out).map(([code, texts]) => [code, [...new Set(texts)].join('; or ')]));
}

function responsesOf(r: RouteDef): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [code, description] of Object.entries(r.responses)) {
    if (Number(code) >= 400) continue;
    const hasBody = /^2/.test(code) && code !== '204';
    responses[code] = hasBody && r.returns ? { description, content: { [r.returnsType ?? 'application/json']: { schema: r.returns } } } : { description };
  }
  const errors = { $ref: `#/components/schemas/${isHecPath(r.path) ? 'HecErrors' : 'Errors'}` };
  for (const [code, description] of Object.entries(errorResponsesOf(r))) {
    responses[code] = { description, content: { 'application/json': { schema: errors } } };
  }
  return responses;
}

/** Where the credential is. A URL token is a path segment (its parameter says so), which no security scheme can express. */
function securityOf(r: RouteDef): unknown[] {
  if (r.auth === 'public' || r.auth === 'custom') return [];
  if (r.auth === 'hec') return [{ hecToken: [] }];
  return [{ apiKey: [r.auth] }, ...(r.auth === 'admin' ? [{ session: [] }] : [])];
}

export function buildOpenApi(routes: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = toOpenApiPath(r.path);
    const params = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1], in: 'path', required: true, schema: { type: 'string' }, ...(r.pathParams?.[m[1]] ? { description: r.pathParams[m[1]] } : {}),
    }));
    const query = (r.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, description: q.description, schema: q.schema ?? { type: 'string' } }));
    const body = r.body ?? r.documentedBody;
    (paths[path] ??= {})[r.method] = {
      operationId: operationIdOf(r),
      summary: r.summary,
      tags: [r.tag],
      security: securityOf(r),
      parameters: [...params, ...query],
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      responses: responsesOf(r),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Switchyard', version, description: 'Signal hub appliance: ingest, normalize, group, transform and deliver alerts.' },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'API key with the named scope (admin implies every scope)' },
        session: { type: 'apiKey', in: 'cookie', name: 'sy_session', description: 'UI session; writes also need the X-CSRF-Token header' },
        hecToken: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'An API key with the ingest scope as "Splunk <key>", "Bearer <key>", or Basic auth with the key as password' },
      },
      schemas: { Errors: ERROR_SCHEMA, HecErrors: HEC_ERROR_SCHEMA },
    },
    paths,
  };
}
