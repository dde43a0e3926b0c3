// Indicator extraction (PRODUCT.md §2): four passes over one event, each tagging what
// it found, merged so one value appears once with every pass that saw it.
//   1. explicit — the payload's own `indicators[]` (validated by the dialect first);
//   2. system   — well-known field names anywhere in the raw payload;
//   3. custom   — the organization's path → type mappings into the raw payload;
//   4. pattern  — regular expressions over title and body.
// Every regex here is linear on its input (no nested quantifiers over overlapping classes).
import { isIP, isIPv4 } from 'node:net';
import { INDICATOR_VALUE_MAX, INDICATOR_WALK_NODES_MAX, INDICATORS_MAX, MAX_JSON_DEPTH, PATTERN_INDICATORS_MAX } from '../limits';
import { INDICATOR_PASSES, type CustomIndicatorMapping, type Indicator, type IndicatorPass, type IndicatorType } from './types';

export interface IndicatorCandidate { type: IndicatorType; value: string }

// ---------------------------------------------------------------------------
// Value validators

const HASH_LENGTHS = { hash_md5: 32, hash_sha1: 40, hash_sha256: 64 } as const;
type HashType = keyof typeof HASH_LENGTHS;
const HEX = /^[0-9a-fA-F]+$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/i;
const EMAIL_LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;

export function hashTypeOf(value: string): HashType | null {
  if (!HEX.test(value)) return null;
  for (const [type, length] of Object.entries(HASH_LENGTHS) as [HashType, number][]) {
    if (value.length === length) return type;
  }
  return null;
}

export function isValidDomain(value: string): boolean {
  return DOMAIN.test(value);
}

export function isValidEmail(value: string): boolean {
  if (value.length > 254) return false;
  const at = value.lastIndexOf('@');
  if (at < 1) return false;
  const local = value.slice(0, at);
  return local.length <= 64 && EMAIL_LOCAL.test(local) && isValidDomain(value.slice(at + 1));
}

const URL_PROTOCOLS = new Set(['http:', 'https:', 'ftp:']);

export function isValidUrl(value: string): boolean {
  // The URL parser quietly drops surrounding and embedded whitespace; an indicator must not have any.
  if (/\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return URL_PROTOCOLS.has(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Whether `value` has the shape of an indicator of `type` (explicit indicators are checked with this). */
export function isValidIndicator(type: IndicatorType, value: string): boolean {
  if (typeof value !== 'string' || value.length === 0 || value.length > INDICATOR_VALUE_MAX) return false;
  switch (type) {
    case 'ip': return isIP(value) !== 0;
    case 'domain': return isValidDomain(value);
    case 'hash_md5': case 'hash_sha1': case 'hash_sha256': return hashTypeOf(value) === type;
    case 'url': return isValidUrl(value);
    case 'email': return isValidEmail(value);
    case 'account': return value.trim().length > 0;
  }
}

// ---------------------------------------------------------------------------
// Merging

/** IPv6 hex, DNS names, mailbox domains and hex digests are case-insensitive. */
const CASE_INSENSITIVE = new Set<IndicatorType>(['ip', 'domain', 'email', 'hash_md5', 'hash_sha1', 'hash_sha256']);

function mergeKey(type: IndicatorType, value: string): string {
  return `${type}\u0000${CASE_INSENSITIVE.has(type) ? value.toLowerCase() : value}`;
}

/** Merges pass results in order: the first spelling of a value wins, `found_by` is the union in pass order. */
export function mergeIndicators(found: { pass: IndicatorPass; items: IndicatorCandidate[] }[], max = INDICATORS_MAX): Indicator[] {
  const byKey = new Map<string, Indicator>();
  for (const { pass, items } of found) {
    for (const { type, value } of items) {
      const key = mergeKey(type, value);
      const existing = byKey.get(key);
      if (existing) {
        if (!existing.found_by.includes(pass)) {
          existing.found_by.push(pass);
          existing.found_by.sort((a, b) => INDICATOR_PASSES.indexOf(a) - INDICATOR_PASSES.indexOf(b));
        }
      } else if (byKey.size < max) {
        byKey.set(key, { type, value, found_by: [pass] });
      }
    }
  }
  return [...byKey.values()];
}

// ---------------------------------------------------------------------------
// Pass 2: system mappings of well-known field names

type FieldKind = 'ip' | 'domain' | 'url' | 'email' | 'account' | 'hash';

/** Lower-cased field name → what its value should be. */
const SYSTEM_FIELDS = new Map<string, FieldKind>([
  ...['sourceip', 'sourceips', 'destip', 'destips', 'destinationip', 'srcip', 'dstip', 'src_ip', 'dst_ip', 'dest_ip',
    'source_ip', 'destination_ip', 'client_ip', 'clientip', 'remote_addr', 'remote_ip', 'ip', 'ip_address', 'ipaddress']
    .map((k): [string, FieldKind] => [k, 'ip']),
  ...['domain', 'fqdn'].map((k): [string, FieldKind] => [k, 'domain']),
  ...['url', 'uri'].map((k): [string, FieldKind] => [k, 'url']),
  ...['email', 'sender', 'recipient', 'user_email'].map((k): [string, FieldKind] => [k, 'email']),
  ...['username', 'user', 'suser', 'account', 'user_name'].map((k): [string, FieldKind] => [k, 'account']),
  ...['md5', 'sha1', 'sha256', 'hash', 'file_hash'].map((k): [string, FieldKind] => [k, 'hash']),
]);

function classify(kind: FieldKind, value: string): IndicatorCandidate | null {
  if (value.length > INDICATOR_VALUE_MAX) return null;
  if (kind === 'hash') {
    const type = hashTypeOf(value);
    return type ? { type, value } : null;
  }
  return isValidIndicator(kind, value) ? { type: kind, value } : null;
}

/** Strings of a field value: the value itself or the strings of an array. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** Walks the payload in document order (iteratively, bounded in depth and nodes). */
export function systemIndicators(raw: unknown): IndicatorCandidate[] {
  const out: IndicatorCandidate[] = [];
  const stack: { node: unknown; depth: number }[] = [{ node: raw, depth: 1 }];
  let visited = 0;
  while (stack.length > 0 && visited < INDICATOR_WALK_NODES_MAX) {
    const { node, depth } = stack.pop()!;
    visited++;
    if (node === null || typeof node !== 'object' || depth > MAX_JSON_DEPTH) continue;
    // Child objects are pushed in order, then that run of the stack is reversed: the first child is walked next.
    const from = stack.length;
    if (Array.isArray(node)) {
      for (const child of node) if (child !== null && typeof child === 'object') stack.push({ node: child, depth: depth + 1 });
    } else {
      const obj = node as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        const value = obj[key];
        const kind = SYSTEM_FIELDS.get(key.toLowerCase());
        if (kind) {
          for (const s of stringsOf(value)) {
            const found = classify(kind, s);
            if (found) out.push(found);
          }
        }
        if (value !== null && typeof value === 'object') stack.push({ node: value, depth: depth + 1 });
      }
    }
    for (let i = from, j = stack.length - 1; i < j; i++, j--) {
      const t = stack[i];
      stack[i] = stack[j];
      stack[j] = t;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Pass 3: custom mappings (paths into the raw payload)

export type PathStep = { key: string } | { index: number } | { all: true };

const STEP = /\[(\d+)\]|\[\*\]|\["((?:[^"\\]|\\.)*)"\]|(\.)?([^.[\]]+)/y;

/** `a.b[0].c`, `alerts[*].labels.host`, `labels["odd.key"]` → steps; null if malformed. */
export function parsePath(path: string): PathStep[] | null {
  const steps: PathStep[] = [];
  let i = 0;
  while (i < path.length) {
    STEP.lastIndex = i;
    const m = STEP.exec(path);
    if (!m) return null;
    if (m[1] !== undefined) steps.push({ index: Number(m[1]) });
    else if (m[2] !== undefined) steps.push({ key: JSON.parse(`"${m[2]}"`) as string });
    else if (m[0] === '[*]') steps.push({ all: true });
    else {
      // A name needs a dot before it, except at the start.
      if ((i === 0) === (m[3] !== undefined)) return null;
      steps.push({ key: m[4] });
    }
    i = STEP.lastIndex;
  }
  return steps.length > 0 ? steps : null;
}

/** Every value the path reaches (`[*]` fans out over array items and object values). */
export function resolvePath(root: unknown, steps: PathStep[], max = INDICATORS_MAX): unknown[] {
  let nodes: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (node === null || typeof node !== 'object') continue;
      if ('all' in step) next.push(...(Array.isArray(node) ? node : Object.values(node)));
      else if ('index' in step) { if (Array.isArray(node) && step.index < node.length) next.push(node[step.index]); }
      else if (!Array.isArray(node) && Object.prototype.hasOwnProperty.call(node, step.key)) next.push((node as Record<string, unknown>)[step.key]);
    }
    nodes = next.slice(0, max);
  }
  return nodes;
}

export function customIndicators(raw: unknown, mappings: readonly CustomIndicatorMapping[]): IndicatorCandidate[] {
  const out: IndicatorCandidate[] = [];
  for (const mapping of mappings) {
    const steps = parsePath(mapping.path);
    if (!steps) continue;
    for (const value of resolvePath(raw, steps)) {
      // A path ending on an array of strings maps each of them.
      for (const s of stringsOf(value)) {
        if (isValidIndicator(mapping.type, s)) out.push({ type: mapping.type, value: s });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Pass 4: patterns in title and body

/**
 * Top-level domains the domain pattern accepts: common gTLDs and ccTLDs. Left out on purpose:
 * TLDs that are mostly file extensions (sh, py, pl, md, rs, so, zip, mov, in, am, mk, ps, pm,
 * ml, cc) and word-like ones that show up in dotted field names (name, email, host, page, ...).
 * `exe`, `dll`, `log` are no TLDs at all, so `cmd.exe` never looks like a domain.
 */
export const PATTERN_TLDS = new Set(`
com net org edu gov mil int info biz mobi aero coop museum jobs travel tel asia
io co ai app dev cloud tech online site store shop blog news xyz top club live icu buzz cyou sbs cfd bond rest
us uk ca au nz ie de fr es it nl be ch at se no dk fi is pl cz sk hu ro bg gr pt lu li ee lv lt si hr ba me al
ru ua by kz ge az tr il ae sa qa kw om bh jo lb eg ma tn dz za ng ke gh tz ug et
jp cn hk tw kr sg my th vn ph id pk bd lk np mn
br ar cl pe uy ve ec bo mx gt cr pa do cu pr jm tt
eu tv ly fm gg je im to ws nu tk gl vc ag
`.trim().split(/\s+/));

// IPv4: four dotted octets not glued to other dots/digits (so version strings like 1.2.3.4.5 stay out).
const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)/g;
// IPv6: a maximal run of hex, colons and dots; isIP decides.
const IPV6_RUN = /(?<![\w:.%])[0-9A-Fa-f:.]{2,}(?![\w:.%])/g;
const HASH_RUN = /\b[0-9A-Fa-f]{32,64}\b/g;
const URL_RUN = /\bhttps?:\/\/[^\s<>"'`{}|\\^]+/gi;
const EMAIL_RUN = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63}(?![\w-])/g;
const DOMAIN_RUN = /(?<![\w@.\/-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,63})(?![\w-]|\.[\w-])/g;

interface Span { start: number; end: number }

/** Trailing sentence punctuation is not part of a URL; a closing bracket only if it closes one inside. */
function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const c = url[end - 1];
    if ('.,;:!?\'"'.includes(c)) { end--; continue; }
    if (c === ')' || c === ']') {
      const open = c === ')' ? '(' : '[';
      const body = url.slice(0, end);
      if (body.split(open).length <= body.split(c).length - 1) { end--; continue; }
    }
    break;
  }
  return url.slice(0, end);
}

export function patternIndicators(text: string, max = PATTERN_INDICATORS_MAX): IndicatorCandidate[] {
  const out: IndicatorCandidate[] = [];
  const taken: Span[] = []; // URLs and e-mails: domains inside them are not reported again
  const push = (type: IndicatorType, value: string): void => { out.push({ type, value }); };

  // Each pass is skipped when the text lacks a character every one of its matches has: most
  // titles and bodies hold no colon, '@' or URL, and the IPv6 pass matches every short hex run.
  const hasDot = text.includes('.');
  if (hasDot) for (const m of text.matchAll(IPV4)) if (isIPv4(m[0])) push('ip', m[0]);
  if (text.includes(':')) for (const m of text.matchAll(IPV6_RUN)) {
    const candidate = m[0].replace(/[.:]+$/, (tail) => (tail.startsWith('::') ? tail.slice(0, 2) : ''));
    if (candidate.includes(':') && /[0-9A-Fa-f]/.test(candidate) && isIP(candidate) === 6) push('ip', candidate);
  }
  for (const m of text.matchAll(HASH_RUN)) {
    const type = hashTypeOf(m[0]);
    if (type) push(type, m[0]);
  }
  if (text.includes('://')) for (const m of text.matchAll(URL_RUN)) {
    const url = trimUrl(m[0]);
    if (isValidUrl(url)) {
      push('url', url);
      taken.push({ start: m.index, end: m.index + url.length });
    }
  }
  if (text.includes('@')) for (const m of text.matchAll(EMAIL_RUN)) {
    if (isValidEmail(m[0])) {
      push('email', m[0]);
      taken.push({ start: m.index, end: m.index + m[0].length });
    }
  }
  if (hasDot) for (const m of text.matchAll(DOMAIN_RUN)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!PATTERN_TLDS.has(m[1].toLowerCase()) || !isValidDomain(m[0])) continue;
    if (taken.some((s) => start < s.end && end > s.start)) continue;
    push('domain', m[0]);
  }
  // Merge repeats before capping, so the cap counts distinct values.
  return mergeIndicators([{ pass: 'pattern', items: out }], max).map(({ type, value }) => ({ type, value }));
}

// ---------------------------------------------------------------------------

export interface ExtractionInput {
  /** Pass 1: already validated by the dialect. */
  explicit?: IndicatorCandidate[];
  raw: unknown;
  /** Pass 4 reads these (title and body). */
  texts: string[];
  mappings: readonly CustomIndicatorMapping[];
}

export function extractIndicators(input: ExtractionInput): Indicator[] {
  return mergeIndicators([
    { pass: 'explicit', items: input.explicit ?? [] },
    { pass: 'system', items: systemIndicators(input.raw) },
    { pass: 'custom', items: customIndicators(input.raw, input.mappings) },
    { pass: 'pattern', items: patternIndicators(input.texts.filter((t) => t.length > 0).join('\n')) },
  ]);
}
