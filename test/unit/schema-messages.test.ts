// Field messages a person can act on: every pattern in a request schema carries words
// (x-message) instead of its regex, and the messages people meet most say what to type.
import { describe, expect, it } from 'vitest';
import * as destinations from '../../src-main/schemas/destinations';
import * as ingest from '../../src-main/schemas/ingest';
import * as management from '../../src-main/schemas/management';
import * as rules from '../../src-main/schemas/rules';
import * as settings from '../../src-main/schemas/settings';
import * as signals from '../../src-main/schemas/signals';
import * as transform from '../../src-main/schemas/transform';
import { PATTERN_MESSAGE, validate } from '../../src-main/schemas/validate';

/** Every `{pattern}` node under a value, with where it is. */
function patterns(node: unknown, at: string, out: [string, Record<string, unknown>][] = [], seen = new Set<unknown>()): [string, Record<string, unknown>][] {
  if (node === null || typeof node !== 'object' || seen.has(node)) return out;
  seen.add(node);
  const o = node as Record<string, unknown>;
  if (typeof o.pattern === 'string') out.push([at, o]);
  for (const [k, v] of Object.entries(o)) patterns(v, `${at}.${k}`, out, seen);
  return out;
}

describe('schema messages', () => {
  const modules = { destinations, ingest, management, rules, settings, signals, transform };
  const all = Object.entries(modules).flatMap(([name, m]) => patterns(m, name));

  it('every pattern of every request schema says in words what it wants', () => {
    expect(all.length).toBeGreaterThan(5);
    const bare = all.filter(([, s]) => typeof s[PATTERN_MESSAGE] !== 'string' || !(s[PATTERN_MESSAGE] as string).trim()).map(([at]) => at);
    expect(bare).toEqual([]);
  });

  it('answers a pattern or URL failure with those words, never a regex', () => {
    const schema = {
      type: 'object',
      properties: {
        template: { type: 'string', pattern: '^https?://', [PATTERN_MESSAGE]: 'must start with http:// or https://' },
        link: { type: 'string', format: 'uri' },
        bare: { type: 'string', pattern: '^[a-z]+$' },
      },
    };
    const errors = validate(schema, { template: 'ftp://x', link: 'not a link', bare: 'UPPER' });
    expect(errors).toEqual([
      'template: must start with http:// or https://',
      'link: must be a full web address such as https://example.com/path',
      'bare: is not in the expected form',
    ]);
    for (const e of errors) expect(e).not.toMatch(/[\^$\\]/);
  });

  it('the real schemas speak these words (search URL template, catalog slug)', () => {
    expect(validate(settings.searchUrlSchema, { template: 'kibana.local/?q=x' })).toEqual(['template: must start with http:// or https:// and contain {{value}} where the searched value goes']);
    expect(validate(signals.catalogCreateSchema, { kind: 'service', name: 'API', slug: 'Not A Slug' })).toEqual(['slug: may contain only lowercase letters, digits and - (starting with a letter or digit, at most 63)']);
  });
});
