// One ajv instance for every request body, and one error shape for all of them:
// "<field path>: <message>", every problem listed once (ARCHITECTURE.md, server rules).
//
// Extensions registered here, usable by any schema:
// - `x-enum-ci: [...]` — like `enum`, but strings compare case-insensitively
//   (FireHydrant levels and statuses, Calseta severities);
// - formats `date-time` (ISO 8601, see core/normalize) and `uri` (absolute URL);
// - `x-message: '...'` beside a `pattern`: what the value must be, in words a person reads
//   (a regex is no message); every pattern carries one (test/unit/schema-messages.test.ts).
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import { ValidationError } from '../core/errors';
import { isValidEmail } from '../core/indicators';
import { isIsoTimestamp } from '../core/timestamps';
import type { Static, TSchema } from './builders';

export type Validator = ValidateFunction;

export const ENUM_CI = 'x-enum-ci';
export const PATTERN_MESSAGE = 'x-message';

export const ajv = new Ajv({
  allErrors: true,
  // Schemas also feed the OpenAPI document, so they may carry annotation keywords ajv does not know.
  strict: false,
  // Errors carry their schema, so messages can quote allowed values of custom keywords.
  verbose: true,
  // Never rewrite the payload: the raw body is stored as received.
  coerceTypes: false,
  useDefaults: false,
  // Every schema compiled is one of ours, checked against the JSON Schema meta-schema by a test
  // (test/unit/schemas-valid.test.ts); checked here too, the meta-schema was compiled on every
  // start (~55 ms of the ~150 ms the ingest validators took as their modules loaded).
  validateSchema: false,
});

function enumCiMatches(allowed: unknown[], data: unknown): boolean {
  if (typeof data === 'string') {
    const lower = data.toLowerCase();
    return allowed.some((a) => typeof a === 'string' && a.toLowerCase() === lower);
  }
  return allowed.some((a) => a === data);
}

ajv.addKeyword({
  keyword: ENUM_CI,
  schemaType: 'array',
  errors: true,
  validate: (allowed: unknown[], data: unknown) => enumCiMatches(allowed, data),
});

ajv.addFormat('date-time', { type: 'string', validate: isIsoTimestamp });
ajv.addFormat('email', { type: 'string', validate: isValidEmail });
ajv.addFormat('uri', {
  type: 'string',
  validate: (s: string) => {
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  },
});

const FORMAT_MESSAGES: Record<string, string> = {
  'date-time': 'must be an ISO 8601 timestamp',
  uri: 'must be a full web address such as https://example.com/path',
  email: 'must be an e-mail address such as soc@example.com',
};

const cache = new WeakMap<object, Validator>();

/**
 * Compiles once per schema object (the cache is keyed by identity), when first used: the
 * dialects pass their schemas, not validators compiled as the module loads (~70 ms of start-up).
 */
export function compile(schema: object): Validator {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema as AnySchema);
    cache.set(schema, fn);
  }
  return fn;
}

/**
 * Every problem of `data` against the schema, as "<path>: <message>".
 * `prefix` names the validated value inside a larger one (e.g. `alerts[2]`); the root is `body` otherwise.
 */
export function validate(schemaOrValidator: object | Validator, data: unknown, prefix?: string): string[] {
  const fn = typeof schemaOrValidator === 'function' ? (schemaOrValidator as Validator) : compile(schemaOrValidator);
  if (fn(data)) return [];
  return formatErrors(fn.errors ?? [], data, prefix);
}

/**
 * `data` typed by the schema that just accepted it; otherwise a ValidationError listing every
 * problem as validate() words them (the server answers it 400 {"errors": [...]}).
 */
export function parse<S extends TSchema>(schema: S, data: unknown, prefix?: string): Static<S> {
  const errors = validate(schema, data, prefix);
  if (errors.length) throw new ValidationError(errors);
  // The one cast from unknown to a body type: ajv has just checked the schema it is derived from.
  return data as Static<S>;
}

// ---------------------------------------------------------------------------
// Formatting

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Appends one step to a path: `[n]` for array items, `.name` or `["odd name"]` for fields. */
export function joinPath(base: string, step: string | number, isIndex: boolean): string {
  if (isIndex) return `${base}[${step}]`;
  const name = String(step);
  if (IDENTIFIER.test(name)) return base ? `${base}.${name}` : name;
  return `${base}[${JSON.stringify(name)}]`;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** JSON pointer → readable path, telling array indexes from numeric field names by the data. */
function readablePath(pointer: string, data: unknown, prefix: string): string {
  let path = prefix;
  let node: unknown = data;
  if (pointer) {
    for (const raw of pointer.split('/').slice(1)) {
      const step = unescapePointer(raw);
      const isIndex = Array.isArray(node);
      path = joinPath(path, step, isIndex);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[step] : undefined;
    }
  }
  return path;
}

const ARTICLES: Record<string, string> = {
  object: 'an object', array: 'an array', string: 'a string', number: 'a number',
  integer: 'an integer', boolean: 'a boolean', null: 'null',
};

function typeMessage(type: unknown): string {
  const types = Array.isArray(type) ? type : String(type).split(',');
  return `must be ${types.map((t) => ARTICLES[String(t)] ?? String(t)).join(' or ')}`;
}

function listValues(values: unknown): string {
  return (Array.isArray(values) ? values : []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
}

/** Message for one ajv error, or null when another error already says it better. */
function messageFor(e: ErrorObject): string | null {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': return 'is required';
    case 'type': return typeMessage(p.type);
    case 'enum': return `must be one of ${listValues(p.allowedValues)}`;
    case ENUM_CI: return `must be one of ${listValues(e.schema)}`;
    case 'const': return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'format': return FORMAT_MESSAGES[String(p.format)] ?? `must be a valid ${String(p.format)}`;
    case 'minLength': return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters`;
    case 'maxLength': return `longer than ${String(p.limit)} characters`;
    case 'pattern': return String((e.parentSchema as Record<string, unknown> | undefined)?.[PATTERN_MESSAGE] ?? 'is not in the expected form');
    case 'minItems': return `must have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`;
    case 'maxItems': return `must have at most ${String(p.limit)} items`;
    case 'minProperties': return `must have at least ${String(p.limit)} field${p.limit === 1 ? '' : 's'}`;
    case 'maxProperties': return `must have at most ${String(p.limit)} fields`;
    case 'uniqueItems': return `must not contain duplicates (items ${Math.min(Number(p.i), Number(p.j))} and ${Math.max(Number(p.i), Number(p.j))} are equal)`;
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return `must be ${String(p.comparison)} ${String(p.limit)}`;
    case 'multipleOf': return `must be a multiple of ${String(p.multipleOf)}`;
    case 'additionalProperties': return 'is not a known field';
    case 'unevaluatedProperties': return 'is not a known field';
    case 'propertyNames': return `has an invalid field name ${JSON.stringify(p.propertyName)}`;
    case 'dependentRequired': case 'dependencies': return `is required when ${String(p.property)} is given`;
    case 'anyOf': return 'does not match any allowed shape';
    case 'oneOf': return 'must match exactly one allowed shape';
    case 'not': return 'has a shape that is not allowed';
    case 'contains': return 'does not contain a required item';
    case 'false schema': return 'is not allowed';
    case 'if': return null; // the failing `then`/`else` branch reports the real problem
    default: return e.message ?? 'is invalid';
  }
}

/** The field an error is about: required/additional/dependent errors name a child of instancePath. */
function fieldPointer(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  const escape = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
  if (e.keyword === 'required' || e.keyword === 'dependentRequired' || e.keyword === 'dependencies') {
    return `${e.instancePath}/${escape(String(p.missingProperty))}`;
  }
  if (e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') {
    return `${e.instancePath}/${escape(String(p.additionalProperty ?? p.unevaluatedProperty))}`;
  }
  return e.instancePath;
}

export function formatErrors(errors: ErrorObject[], data: unknown, prefix?: string): string[] {
  // Errors inside a failed anyOf/oneOf branch are noise: the combinator's own error stands for them.
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath);
  // propertyNames reports the name's own failure too (with `propertyName` set); keep the summary only.
  const kept = errors.filter((e) =>
    !combinators.some((c) => e.schemaPath.startsWith(`${c}/`)) && !('propertyName' in e && e.keyword !== 'propertyNames'));
  // A wrong type makes every other complaint about the same value redundant.
  const typed = new Set(kept.filter((e) => e.keyword === 'type').map((e) => e.instancePath));

  const out = new Set<string>();
  for (const e of kept) {
    if (e.keyword !== 'type' && typed.has(e.instancePath) && fieldPointer(e) === e.instancePath) continue;
    const message = messageFor(e);
    if (message === null) continue;
    const path = readablePath(fieldPointer(e), data, prefix ?? '') || 'body';
    out.add(`${path}: ${message}`);
  }
  return [...out];
}
