// Request bodies as JSON: strict UTF-8, a position for every syntax error, bounded
// nesting, and (for Splunk HEC) a sequence of top-level values back to back.
// Pure: bytes in, value or "body: ..." messages out.
import { MAX_JSON_DEPTH } from '../limits';

export type JsonBodyResult = { ok: true; value: unknown } | { ok: false; errors: string[] };

/**
 * Top-level values back to back (Splunk HEC). On failure, `values` holds those parsed
 * before the bad one, so a caller can say which event it was.
 */
export type JsonSequenceResult = { ok: true; values: unknown[] } | { ok: false; errors: string[]; values: unknown[] };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(bytes: Buffer | Uint8Array): JsonBodyResult {
  const text = decode(bytes);
  if (text === null) return fail('body: is not valid UTF-8');
  const scan = scanTopLevel(text);
  if (scan.parts.length === 0) return fail('body: is empty');
  if (scan.tooDeep) return fail(`body: nesting deeper than ${MAX_JSON_DEPTH} levels`);
  const parsed = parsePart(text, 0, text.length);
  return parsed.ok ? parsed : fail(parsed.error);
}

/** Every top-level value of the body, in order; a blank body is an empty list. */
export function parseJsonSequence(bytes: Buffer | Uint8Array): JsonSequenceResult {
  const text = decode(bytes);
  if (text === null) return { ok: false, errors: ['body: is not valid UTF-8'], values: [] };
  const scan = scanTopLevel(text);
  if (scan.tooDeep) return { ok: false, errors: [`body: nesting deeper than ${MAX_JSON_DEPTH} levels`], values: [] };
  const values: unknown[] = [];
  for (const part of scan.parts) {
    const parsed = parsePart(text, part.start, part.end);
    if (!parsed.ok) return { ok: false, errors: [parsed.error], values };
    values.push(parsed.value);
  }
  return { ok: true, values };
}

function decode(bytes: Buffer | Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function fail(message: string): JsonBodyResult {
  return { ok: false, errors: [message] };
}

function parsePart(text: string, start: number, end: number): { ok: true; value: unknown } | { ok: false; error: string } {
  const slice = start === 0 && end === text.length ? text : text.slice(start, end);
  try {
    return { ok: true, value: JSON.parse(slice) };
  } catch (err) {
    // V8's messages do not always carry a position, so locate the error ourselves.
    const found = findJsonSyntaxError(slice) ?? { position: slice.length, message: (err as Error).message };
    return { ok: false, error: `body: invalid JSON at position ${start + found.position}: ${found.message}` };
  }
}

// ---------------------------------------------------------------------------
// Top-level scanner: splits values and measures nesting without building anything.

interface Span { start: number; end: number }

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Index just after the closing quote of a string whose content starts at `i` (or the end). */
function stringEnd(text: string, i: number): number {
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return text.length;
    let b = quote - 1;
    while (b >= i && text.charCodeAt(b) === 0x5c) b--;
    if ((quote - 1 - b) % 2 === 0) return quote + 1; // an even run of backslashes escapes nothing
    i = quote + 1;
  }
}

const BARE_STOP = new Set(['{', '[', '"'].map((c) => c.charCodeAt(0)));

/**
 * Finds the top-level values of `text` (brackets and strings respected) and whether any
 * nests deeper than MAX_JSON_DEPTH. Malformed input still yields spans; JSON.parse judges them.
 */
export function scanTopLevel(text: string): { parts: Span[]; tooDeep: boolean } {
  const parts: Span[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (isWhitespace(text.charCodeAt(i))) { i++; continue; }
    const start = i;
    const first = text.charCodeAt(i);
    if (first === 0x7b || first === 0x5b) {
      let depth = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x22) i = stringEnd(text, i + 1) - 1;
        else if (c === 0x7b || c === 0x5b) {
          if (++depth > MAX_JSON_DEPTH) return { parts: [{ start, end: n }], tooDeep: true };
        } else if ((c === 0x7d || c === 0x5d) && --depth === 0) { i++; break; }
      }
    } else if (first === 0x22) {
      i = stringEnd(text, i + 1);
    } else {
      // A bare token (number, literal or stray punctuation): up to whitespace or the next value.
      i++;
      while (i < n && !isWhitespace(text.charCodeAt(i)) && !BARE_STOP.has(text.charCodeAt(i))) i++;
    }
    parts.push({ start, end: i });
  }
  return { parts, tooDeep: false };
}

// ---------------------------------------------------------------------------
// Syntax error locator: a complete JSON grammar check, run only after JSON.parse failed.

export interface JsonSyntaxError { position: number; message: string }

const END = 'Unexpected end of JSON input';
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

class SyntaxAt extends Error {
  constructor(readonly position: number, message: string) { super(message); }
}

/** The first syntax error in `text` (iterative, so any depth is fine), or null if it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  const n = text.length;
  const stack: ('{' | '[')[] = [];
  let i = 0;

  const skipWs = (): void => { while (i < n && isWhitespace(text.charCodeAt(i))) i++; };
  const unexpected = (): never => {
    if (i >= n) throw new SyntaxAt(n, END);
    throw new SyntaxAt(i, `Unexpected token '${text[i]}'`);
  };
  const readString = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= n) throw new SyntaxAt(n, 'Unterminated string in JSON');
      const c = text.charCodeAt(i);
      if (c === 0x22) { i++; return; }
      if (c < 0x20) throw new SyntaxAt(i, 'Bad control character in string literal');
      if (c === 0x5c) {
        i++;
        if (i >= n) throw new SyntaxAt(n, 'Unterminated string in JSON');
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) throw new SyntaxAt(i, 'Bad Unicode escape');
          i += 5;
        } else if (ESCAPES.has(text[i])) i++;
        else throw new SyntaxAt(i, 'Bad escaped character');
        continue;
      }
      i++;
    }
  };
  const readDigits = (): number => {
    const from = i;
    while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    return i - from;
  };
  const readNumber = (): void => {
    if (text[i] === '-') {
      i++;
      if (i >= n || !/[0-9]/.test(text[i])) throw new SyntaxAt(i, 'No number after minus sign');
    }
    if (text[i] === '0') i++;
    else readDigits();
    if (text[i] === '.') {
      i++;
      if (readDigits() === 0) throw new SyntaxAt(i, 'Unterminated fractional number');
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (readDigits() === 0) throw new SyntaxAt(i, 'Exponent part is missing a number');
    }
  };
  const readLiteral = (word: string): void => {
    for (let k = 0; k < word.length; k++, i++) {
      if (text[i] !== word[k]) unexpected();
    }
  };
  const readKey = (): void => {
    skipWs();
    if (text[i] !== '"') {
      if (i >= n) throw new SyntaxAt(n, END);
      throw new SyntaxAt(i, 'Expected double-quoted property name');
    }
    readString();
    skipWs();
    if (text[i] !== ':') {
      if (i >= n) throw new SyntaxAt(n, END);
      throw new SyntaxAt(i, "Expected ':' after property name");
    }
    i++;
  };

  try {
    skipWs();
    for (;;) {
      // A value starts at i.
      skipWs();
      const c = text[i];
      let opened = false;
      if (c === '{') {
        i++;
        skipWs();
        if (text[i] === '}') i++;
        else { stack.push('{'); readKey(); opened = true; }
      } else if (c === '[') {
        i++;
        skipWs();
        if (text[i] === ']') i++;
        else { stack.push('['); opened = true; }
      } else if (c === '"') readString();
      else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) readNumber();
      else if (c === 't') readLiteral('true');
      else if (c === 'f') readLiteral('false');
      else if (c === 'n') readLiteral('null');
      else unexpected();
      if (opened) continue;

      // After a complete value: close containers or move to the next member.
      for (;;) {
        skipWs();
        const top = stack[stack.length - 1];
        if (top === undefined) {
          if (i < n) throw new SyntaxAt(i, 'Unexpected non-whitespace character after JSON');
          return null;
        }
        if (i >= n) throw new SyntaxAt(n, END);
        if (text[i] === ',') {
          i++;
          if (top === '{') readKey();
          break;
        }
        if ((top === '{' && text[i] === '}') || (top === '[' && text[i] === ']')) {
          stack.pop();
          i++;
          continue;
        }
        throw new SyntaxAt(i, top === '{' ? "Expected ',' or '}' after property value" : "Expected ',' or ']' after array element");
      }
    }
  } catch (err) {
    if (err instanceof SyntaxAt) return { position: err.position, message: err.message };
    throw err;
  }
}
