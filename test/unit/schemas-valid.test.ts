// The server compiles its schemas without checking them against the JSON Schema meta-schema
// (schemas/validate.ts: that check compiled the meta-schema on every start). This is where
// they are checked: every schema the schema modules export, and everything nested in them.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import * as destinations from '../../src-main/schemas/destinations';
import * as ingest from '../../src-main/schemas/ingest';
import * as management from '../../src-main/schemas/management';
import * as responses from '../../src-main/schemas/responses';
import * as rules from '../../src-main/schemas/rules';
import * as settings from '../../src-main/schemas/settings';
import * as signals from '../../src-main/schemas/signals';
import * as transform from '../../src-main/schemas/transform';
import { compile } from '../../src-main/schemas/validate';

const modules = { destinations, ingest, management, responses, rules, settings, signals, transform };
const schemas = Object.entries(modules).flatMap(([module, exports]) =>
  Object.entries(exports as Record<string, unknown>)
    .filter(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v) && ('type' in v || 'anyOf' in v || 'oneOf' in v || 'allOf' in v))
    .map(([name, schema]) => [`${module}.${name}`, schema as object] as const),
);

describe('request and response schemas', () => {
  it('are found in every schema module', () => {
    for (const module of Object.keys(modules)) expect(schemas.some(([name]) => name.startsWith(`${module}.`)), module).toBe(true);
    expect(schemas.length).toBeGreaterThan(30);
  });

  it('every one is a valid JSON Schema (draft-07 meta-schema)', () => {
    const checker = new Ajv({ strict: false });
    const invalid = schemas.filter(([, s]) => !checker.validateSchema(s)).map(([name]) => `${name}: ${checker.errorsText()}`);
    expect(invalid).toEqual([]);
  });

  it('the check would catch a broken schema', () => {
    const checker = new Ajv({ strict: false });
    expect(checker.validateSchema({ type: 'object', properties: { n: { type: 'strng' } } })).toBe(false);
    expect(checker.validateSchema({ type: 'object', required: 'title' })).toBe(false);
  });

  it('the request schemas compile with the server’s ajv', () => {
    for (const [name, s] of schemas.filter(([n]) => !n.startsWith('responses.'))) expect(() => compile(s), name).not.toThrow();
  });
});
