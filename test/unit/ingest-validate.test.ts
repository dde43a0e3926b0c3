// The shared validator: "<field path>: <message>" for every problem, once each.
import { describe, expect, it } from 'vitest';
import { compile, joinPath, validate } from '../../src-main/schemas/validate';

describe('validate', () => {
  const schema = {
    type: 'object',
    required: ['title', 'items'],
    properties: {
      title: { type: 'string', minLength: 1, maxLength: 5 },
      count: { type: 'integer', minimum: 0, maximum: 10 },
      kind: { enum: ['a', 'b'] },
      level: { type: ['string', 'integer'], 'x-enum-ci': ['INFO', 'WARN', 0, 1] },
      version: { const: '4' },
      when: { type: 'string', format: 'date-time' },
      link: { type: 'string', format: 'uri' },
      ids: { type: 'array', uniqueItems: true, minItems: 1, maxItems: 2, items: { type: 'string', pattern: '^[a-z]+$', 'x-message': 'must be lowercase letters' } },
      items: { type: 'array', items: { type: 'object', required: ['value'], properties: { value: { type: 'string' } } } },
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      strict: { type: 'object', additionalProperties: false, properties: { a: { type: 'string' } } },
    },
  };

  it('passes a valid value', () => {
    expect(validate(schema, { title: 'ok', items: [], level: 'warn', when: '2025-01-15T10:28:00Z', link: 'https://x.example' })).toEqual([]);
  });

  it('lists every problem with a readable path', () => {
    expect(validate(schema, {
      count: 11, kind: 'c', level: 'debug', version: '3', when: 'yesterday', link: 'nope', ids: ['a', 'a', 'B'],
      items: [{ value: 'x' }, {}, { value: 3 }], labels: { 'acme.io/team': 5, 2: 2, ok: 'fine' }, strict: { a: 'x', b: 1 },
    })).toEqual([
      'title: is required',
      'count: must be <= 10',
      'kind: must be one of a, b',
      'level: must be one of INFO, WARN, 0, 1',
      'version: must be "4"',
      'when: must be an ISO 8601 timestamp',
      'link: must be a full web address such as https://example.com/path',
      'ids: must have at most 2 items',
      'ids[2]: must be lowercase letters',
      'ids: must not contain duplicates (items 0 and 1 are equal)',
      'items[1].value: is required',
      'items[2].value: must be a string',
      'labels["2"]: must be a string',
      'labels["acme.io/team"]: must be a string',
      'strict.b: is not a known field',
    ]);
  });

  it('says "must not be empty", "longer than", "must be >=" and names root problems "body"', () => {
    expect(validate(schema, { title: '', items: [], count: -1 })).toEqual(['title: must not be empty', 'count: must be >= 0']);
    expect(validate(schema, { title: 'toolong', items: [] })).toEqual(['title: longer than 5 characters']);
    expect(validate(schema, [])).toEqual(['body: must be an object']);
    expect(validate(schema, null)).toEqual(['body: must be an object']);
  });

  it('reports only the type when a value has the wrong type', () => {
    expect(validate(schema, { title: 7, items: 'x', level: true, ids: 'a' })).toEqual([
      'title: must be a string', 'level: must be a string or an integer', 'ids: must be an array', 'items: must be an array',
    ]);
  });

  it('prefixes paths of a value inside a larger one', () => {
    expect(validate(schema, { items: [{}] }, 'alerts[2]')).toEqual(['alerts[2].title: is required', 'alerts[2].items[0].value: is required']);
    expect(validate(schema, 5, '[1]')).toEqual(['[1]: must be an object']);
    expect(validate({ type: 'array', items: { type: 'object', required: ['event'] } }, [{ event: 1 }, {}])).toEqual(['[1].event: is required']);
  });

  it('compares x-enum-ci strings case-insensitively and other values exactly', () => {
    const s = { 'x-enum-ci': ['OPEN', 'CLOSED', 0, 1] };
    expect([validate(s, 'open'), validate(s, 'Closed'), validate(s, 1)]).toEqual([[], [], []]);
    expect(validate(s, '1')).toEqual(['body: must be one of OPEN, CLOSED, 0, 1']);
    expect(validate(s, 2)).toEqual(['body: must be one of OPEN, CLOSED, 0, 1']);
  });

  it('summarises anyOf instead of listing every branch', () => {
    const s = { type: 'object', properties: { v: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } } };
    expect(validate(s, { v: 1 })).toEqual(['v: does not match any allowed shape']);
    expect(validate(s, { v: ['a'] })).toEqual([]);
  });

  it('names dependent and property-name problems', () => {
    expect(validate({ type: 'object', dependencies: { a: ['b'] } }, { a: 1 })).toEqual(['b: is required when a is given']);
    expect(validate({ type: 'object', propertyNames: { pattern: '^[a-z]+$' } }, { ok: 1, 'Bad Key': 2 })).toEqual(['body: has an invalid field name "Bad Key"']);
  });

  it('compiles each schema once and accepts a compiled validator', () => {
    const s = { type: 'string' };
    const fn = compile(s);
    expect(compile(s)).toBe(fn);
    expect(validate(fn, 3)).toEqual(['body: must be a string']);
  });
});

describe('joinPath', () => {
  it('writes indexes in brackets, plain names with dots, odd names quoted', () => {
    expect(joinPath('', 'a', false)).toBe('a');
    expect(joinPath('a', 0, true)).toBe('a[0]');
    expect(joinPath('a[0]', 'b-c', false)).toBe('a[0].b-c');
    expect(joinPath('a', 'x.y/z', false)).toBe('a["x.y/z"]');
    expect(joinPath('', 3, true)).toBe('[3]');
  });
});
