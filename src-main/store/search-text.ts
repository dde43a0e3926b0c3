// What a search matches, in one place for the index and the check of each record: the typed
// text, case-insensitive, as a substring of the event's stored JSON line (its normalized fields,
// raw payload and request, as written). The text is JSON-escaped the way the line escapes it,
// so `say "hi"` finds the value `say "hi"`. Both sides are lower-cased with toLowerCase() and
// then cut into tokens at the same separators, so a needle's tokens are always substrings of
// the tokens of any line that contains it: the index can only narrow, never miss.

/** JSON structure, whitespace and escapes end a token; everything else (letters, digits, `.-_:/@`, non-ASCII) is part of one. */
export function isSeparator(c: number): boolean {
  return c <= 0x20 || c === 0x22 || c === 0x2c || c === 0x5b || c === 0x5c || c === 0x5d || c === 0x7b || c === 0x7d;
}

/** Calls `visit` with every token of an already lower-cased text. */
export function forEachToken(lower: string, visit: (token: string) => void): void {
  let start = -1;
  for (let i = 0; i < lower.length; i++) {
    if (isSeparator(lower.charCodeAt(i))) {
      if (start >= 0) visit(lower.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) visit(lower.slice(start));
}

/**
 * A needle token and where it must sit in a line's token: `exact` (separators on both sides
 * within the needle), `prefix` (the needle ends inside it), `suffix` (starts inside it) or
 * `substring` (the whole needle is inside one token).
 */
export interface NeedleToken {
  token: string;
  kind: 'exact' | 'prefix' | 'suffix' | 'substring';
}

export interface Needle {
  /** Lower-cased, JSON-escaped: what each candidate line (lower-cased) must contain. */
  text: string;
  tokens: NeedleToken[];
}

export function needleOf(typed: string): Needle {
  const text = JSON.stringify(typed.toLowerCase()).slice(1, -1);
  const tokens: NeedleToken[] = [];
  let start = -1;
  const push = (end: number) => {
    const left = start > 0;
    const right = end < text.length;
    tokens.push({ token: text.slice(start, end), kind: left && right ? 'exact' : left ? 'prefix' : right ? 'suffix' : 'substring' });
  };
  for (let i = 0; i < text.length; i++) {
    if (isSeparator(text.charCodeAt(i))) {
      if (start >= 0) push(i);
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) push(text.length);
  return { text, tokens };
}

/** Whether one stored line (its UTF-8 bytes) contains the needle. */
export function lineMatches(line: Buffer, needle: Needle): boolean {
  return line.toString('utf8').toLowerCase().includes(needle.text);
}

/** State records (alerts, deliveries, …) share the log with events; stateLine() writes them with this prefix. */
const STATE_PREFIX = Buffer.from('{"schema_version":1,"record":"state"', 'utf8');

export function isStateLine(line: Buffer): boolean {
  return line.length >= STATE_PREFIX.length && STATE_PREFIX.equals(line.subarray(0, STATE_PREFIX.length));
}
