// parseJsonBody: strict UTF-8, positions of syntax errors, bounded nesting, and the
// concatenated form Splunk HEC senders use.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError, parseJsonBody, parseJsonSequence, scanTopLevel } from '../../src-main/core/json-body';
import { MAX_JSON_DEPTH } from '../../src-main/limits';

const parse = (text: string) => parseJsonBody(Buffer.from(text, 'utf8'));
const sequence = (text: string) => parseJsonSequence(Buffer.from(text, 'utf8'));

describe('parseJsonBody', () => {
  it('parses one JSON value', () => {
    expect(parse('{"title":"x","n":[1,2,{"a":null}]}')).toEqual({ ok: true, value: { title: 'x', n: [1, 2, { a: null }] } });
    expect(parse(' [1, "two"] ')).toEqual({ ok: true, value: [1, 'two'] });
  });

  it('decodes strictly as UTF-8 and drops a byte order mark', () => {
    expect(parseJsonBody(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toEqual({ ok: false, errors: ['body: is not valid UTF-8'] });
    expect(parseJsonBody(Buffer.from([0xc3]))).toEqual({ ok: false, errors: ['body: is not valid UTF-8'] });
    expect(parseJsonBody(Buffer.from('\uFEFF{"a":"é"}', 'utf8'))).toEqual({ ok: true, value: { a: 'é' } });
  });

  it('calls an empty or blank body empty', () => {
    expect(parseJsonBody(Buffer.alloc(0))).toEqual({ ok: false, errors: ['body: is empty'] });
    expect(parse(' \n\t ')).toEqual({ ok: false, errors: ['body: is empty'] });
  });

  it('reports syntax errors with their position', () => {
    expect(parse('{"title": "x",}')).toEqual({ ok: false, errors: ['body: invalid JSON at position 14: Expected double-quoted property name'] });
    expect(parse('{"a": tru}')).toEqual({ ok: false, errors: ["body: invalid JSON at position 9: Unexpected token '}'"] });
    expect(parse('{"a": 1')).toEqual({ ok: false, errors: ['body: invalid JSON at position 7: Unexpected end of JSON input'] });
    expect(parse('{"a":1} x')).toEqual({ ok: false, errors: ['body: invalid JSON at position 8: Unexpected non-whitespace character after JSON'] });
    expect(parse('{"a":1}{"b":2}')).toEqual({ ok: false, errors: ['body: invalid JSON at position 7: Unexpected non-whitespace character after JSON'] });
    expect(parse('name=x')).toEqual({ ok: false, errors: ["body: invalid JSON at position 1: Unexpected token 'a'"] });
    expect(parse('x=1')).toEqual({ ok: false, errors: ["body: invalid JSON at position 0: Unexpected token 'x'"] });
    expect(parse('[1,]')).toEqual({ ok: false, errors: ["body: invalid JSON at position 3: Unexpected token ']'"] });
    expect(parse('{"a" 1}')).toEqual({ ok: false, errors: ["body: invalid JSON at position 5: Expected ':' after property name"] });
    expect(parse('[1 2]')).toEqual({ ok: false, errors: ["body: invalid JSON at position 3: Expected ',' or ']' after array element"] });
    expect(parse('{"a":1 "b":2}')).toEqual({ ok: false, errors: ["body: invalid JSON at position 7: Expected ',' or '}' after property value"] });
    expect(parse('"abc')).toEqual({ ok: false, errors: ['body: invalid JSON at position 4: Unterminated string in JSON'] });
    expect(parse('"a\u0001"')).toEqual({ ok: false, errors: ['body: invalid JSON at position 2: Bad control character in string literal'] });
    expect(parse('"\\x"')).toEqual({ ok: false, errors: ['body: invalid JSON at position 2: Bad escaped character'] });
    expect(parse('"\\u12G4"')).toEqual({ ok: false, errors: ['body: invalid JSON at position 2: Bad Unicode escape'] });
    expect(parse('-')).toEqual({ ok: false, errors: ['body: invalid JSON at position 1: No number after minus sign'] });
    expect(parse('1.')).toEqual({ ok: false, errors: ['body: invalid JSON at position 2: Unterminated fractional number'] });
    expect(parse('1e+')).toEqual({ ok: false, errors: ['body: invalid JSON at position 3: Exponent part is missing a number'] });
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses one more`, () => {
    const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    expect(parse(nested(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(parse(`{"a":${nested(MAX_JSON_DEPTH - 1)}}`).ok).toBe(true);
    expect(parse(nested(MAX_JSON_DEPTH + 1))).toEqual({ ok: false, errors: ['body: nesting deeper than 64 levels'] });
    expect(parse(`{"a":${nested(MAX_JSON_DEPTH)}}`)).toEqual({ ok: false, errors: ['body: nesting deeper than 64 levels'] });
  });

  it('refuses very deep bodies without running out of stack, and ignores brackets inside strings', () => {
    expect(parse('['.repeat(200_000))).toEqual({ ok: false, errors: ['body: nesting deeper than 64 levels'] });
    const brackets = '[{'.repeat(100);
    expect(parse(JSON.stringify({ text: brackets }))).toEqual({ ok: true, value: { text: brackets } });
  });

  describe('parseJsonSequence (Splunk HEC)', () => {
    it('returns every top-level value: one object, an array, nothing for a blank body', () => {
      expect(sequence('{"event":"a"}')).toEqual({ ok: true, values: [{ event: 'a' }] });
      expect(sequence('[{"event":"a"},{"event":"b"}]')).toEqual({ ok: true, values: [[{ event: 'a' }, { event: 'b' }]] });
      expect(sequence(' \n\t ')).toEqual({ ok: true, values: [] });
    });

    it('returns objects back to back, with or without whitespace, in order', () => {
      expect(sequence('{"event":"a"}{"event":"b"}')).toEqual({ ok: true, values: [{ event: 'a' }, { event: 'b' }] });
      expect(sequence('{"event":"a"}\n\n {"event":"b"}\r\n{"event":"c"}\n')).toEqual({ ok: true, values: [{ event: 'a' }, { event: 'b' }, { event: 'c' }] });
    });

    it('splits on top-level values only, respecting strings and escapes', () => {
      const text = '{"event":"}{\\"}"}{"event":{"x":"]["}}';
      expect(sequence(text)).toEqual({ ok: true, values: [{ event: '}{"}' }, { event: { x: '][' } }] });
    });

    it('reports positions relative to the whole body and keeps the values before the bad one', () => {
      expect(sequence('{"event":"a"}\n{"event": tru}')).toEqual({ ok: false, errors: ["body: invalid JSON at position 27: Unexpected token '}'"], values: [{ event: 'a' }] });
      expect(sequence('{"event":"a"},{"event":"b"}')).toEqual({ ok: false, errors: ["body: invalid JSON at position 13: Unexpected token ','"], values: [{ event: 'a' }] });
      expect(sequence('{"event":"a"}\n{"event":"b"')).toEqual({ ok: false, errors: ['body: invalid JSON at position 26: Unexpected end of JSON input'], values: [{ event: 'a' }] });
      expect(parseJsonSequence(Buffer.from([0xff]))).toEqual({ ok: false, errors: ['body: is not valid UTF-8'], values: [] });
    });

    it('bounds nesting in every part', () => {
      const deep = '{"event":' + '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH) + '}';
      expect(sequence(`{"event":"a"}${deep}`)).toEqual({ ok: false, errors: ['body: nesting deeper than 64 levels'], values: [] });
    });
  });
});

describe('scanTopLevel', () => {
  it('finds value spans', () => {
    expect(scanTopLevel(' {"a":1} [2] "s" 3')).toEqual({
      parts: [{ start: 1, end: 8 }, { start: 9, end: 12 }, { start: 13, end: 16 }, { start: 17, end: 18 }],
      tooDeep: false,
    });
  });
});

describe('findJsonSyntaxError agrees with JSON.parse', () => {
  const valid = (s: string) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  };
  const alphabet = fc.constantFrom(...'{}[]",:0123456789.-+eEtrufalsn \\\n'.split(''), 'true', 'false', 'null', '"a"', '\\u00e9', '\u0001');

  it('on random JSON-ish text', () => {
    fc.assert(fc.property(fc.string({ unit: alphabet, maxLength: 40 }), (s) => {
      expect(findJsonSyntaxError(s) === null).toBe(valid(s));
    }), { numRuns: 5000 });
  });

  it('on valid JSON and on valid JSON with one character removed', () => {
    fc.assert(fc.property(fc.json(), fc.nat(), (json, cut) => {
      expect(findJsonSyntaxError(json)).toBeNull();
      const i = cut % json.length;
      const broken = json.slice(0, i) + json.slice(i + 1);
      expect(findJsonSyntaxError(broken) === null).toBe(valid(broken));
    }), { numRuns: 2000 });
  });
});
