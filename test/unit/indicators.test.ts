// Indicator extraction: value validators, each of the four passes, merging, and bounds.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  customIndicators, extractIndicators, isValidIndicator, mergeIndicators, parsePath, patternIndicators, resolvePath, systemIndicators,
} from '../../src-main/core/indicators';
import type { CustomIndicatorMapping, IndicatorType } from '../../src-main/core/types';
import { INDICATOR_VALUE_MAX, INDICATOR_WALK_NODES_MAX, MAX_JSON_DEPTH, PATTERN_INDICATORS_MAX } from '../../src-main/limits';

const md5 = createHash('md5').update('x').digest('hex');
const sha1 = createHash('sha1').update('x').digest('hex');
const sha256 = createHash('sha256').update('x').digest('hex');

const mapping = (path: string, type: IndicatorType): CustomIndicatorMapping => ({ id: `m-${path}`, organization: 'org-1', path, type, created_at: '2026-01-01T00:00:00.000Z' });

describe('isValidIndicator', () => {
  const cases: [IndicatorType, string[], string[]][] = [
    ['ip', ['10.0.0.42', '255.255.255.255', '2001:db8::1', '::ffff:10.0.0.1', 'fe80::1'], ['not-an-ip', '256.1.1.1', '10.0.0', '10.0.0.1.2', '2001:db8:::1', ' 10.0.0.1']],
    ['domain', ['example.com', 'a.b.example.co.uk', 'xn--bcher-kva.example', 'EXAMPLE.ORG', 'my-host.corp.io'], ['localhost', 'example', '-bad.com', 'bad-.com', 'ex ample.com', 'example.c', 'example.123', `${'a'.repeat(64)}.com`]],
    ['hash_md5', [md5, md5.toUpperCase()], [sha1, `${md5.slice(0, 31)}g`, md5.slice(1)]],
    ['hash_sha1', [sha1], [md5, sha256, `${sha1.slice(0, 39)}z`]],
    ['hash_sha256', [sha256], [sha1, `${sha256}0`, 'a1b2c3d4e5f6...']],
    ['url', ['https://example.com/x?y=1', 'http://10.0.0.1:8080/', 'ftp://files.example.com/a.zip'], ['example.com', 'javascript:alert(1)', 'file:///etc/passwd', 'https://exa mple.com', 'mailto:a@b.com', 'http://']],
    ['email', ['jsmith@company.com', 'first.last+tag@sub.example.org'], ['jsmith', 'a@b', '@example.com', 'a..b@example.com', 'a@-example.com', 'a b@example.com']],
    ['account', ['jsmith', 'CORP\\jsmith', 'jsmith@company.com'], ['', '   ', 'x'.repeat(INDICATOR_VALUE_MAX + 1)]],
  ];
  for (const [type, good, bad] of cases) {
    it(`${type}: accepts ${good.length} and refuses ${bad.length} values`, () => {
      expect(good.filter((v) => !isValidIndicator(type, v))).toEqual([]);
      expect(bad.filter((v) => isValidIndicator(type, v))).toEqual([]);
    });
  }
  it('refuses values over the length limit for every type', () => {
    expect(isValidIndicator('url', `https://example.com/${'a'.repeat(INDICATOR_VALUE_MAX)}`)).toBe(false);
  });
});

describe('pass 2: system mappings', () => {
  it('maps well-known field names whose value has the right shape, in document order', () => {
    const raw = {
      sourceIp: '10.1.1.1', DESTIP: '10.2.2.2', src_ip: '10.3.3.3', dst_ip: '10.4.4.4', dest_ip: '10.5.5.5', source_ip: '10.6.6.6',
      destination_ip: '2001:db8::6', client_ip: '10.7.7.7', remote_addr: '10.8.8.8', ip: '10.9.9.9', ip_address: '10.10.10.10',
      sourceIps: ['10.11.11.11', 'nope', 7],
      domain: 'example.com', fqdn: 'host.example.org',
      url: 'https://example.com/a', uri: 'http://example.net/b',
      email: 'a@example.com', sender: 'b@example.com', recipient: 'c@example.com', user_email: 'd@example.com',
      username: 'alice', user: 'bob', suser: 'root', account: 'svc-backup', user_name: 'carol',
      md5, sha1, sha256, hash: sha1.toUpperCase(), file_hash: md5.toUpperCase(),
    };
    expect(systemIndicators(raw)).toEqual([
      { type: 'ip', value: '10.1.1.1' }, { type: 'ip', value: '10.2.2.2' }, { type: 'ip', value: '10.3.3.3' }, { type: 'ip', value: '10.4.4.4' },
      { type: 'ip', value: '10.5.5.5' }, { type: 'ip', value: '10.6.6.6' }, { type: 'ip', value: '2001:db8::6' }, { type: 'ip', value: '10.7.7.7' },
      { type: 'ip', value: '10.8.8.8' }, { type: 'ip', value: '10.9.9.9' }, { type: 'ip', value: '10.10.10.10' }, { type: 'ip', value: '10.11.11.11' },
      { type: 'domain', value: 'example.com' }, { type: 'domain', value: 'host.example.org' },
      { type: 'url', value: 'https://example.com/a' }, { type: 'url', value: 'http://example.net/b' },
      { type: 'email', value: 'a@example.com' }, { type: 'email', value: 'b@example.com' }, { type: 'email', value: 'c@example.com' }, { type: 'email', value: 'd@example.com' },
      { type: 'account', value: 'alice' }, { type: 'account', value: 'bob' }, { type: 'account', value: 'root' }, { type: 'account', value: 'svc-backup' }, { type: 'account', value: 'carol' },
      { type: 'hash_md5', value: md5 }, { type: 'hash_sha1', value: sha1 }, { type: 'hash_sha256', value: sha256 },
      { type: 'hash_sha1', value: sha1.toUpperCase() }, { type: 'hash_md5', value: md5.toUpperCase() },
    ]);
  });

  it('skips values of the wrong shape', () => {
    expect(systemIndicators({
      sourceIp: 'web-01', destIp: null, ip: 10, domain: 'CORP', url: 'not a url', email: 'nobody', username: '', user: { name: 'x' }, md5: 'abc', hash: 'z'.repeat(32),
    })).toEqual([]);
  });

  it('walks nested objects and arrays', () => {
    expect(systemIndicators({ event: { network: [{ src_ip: '192.168.0.1' }, { dst_ip: '192.168.0.2' }] }, users: [{ username: 'dave' }] })).toEqual([
      { type: 'ip', value: '192.168.0.1' }, { type: 'ip', value: '192.168.0.2' }, { type: 'account', value: 'dave' },
    ]);
  });

  it('stops at the depth and node bounds', () => {
    let deep: Record<string, unknown> = { ip: '10.0.0.99' };
    for (let i = 0; i < MAX_JSON_DEPTH; i++) deep = { next: deep };
    expect(systemIndicators(deep)).toEqual([]);
    let shallow: Record<string, unknown> = { ip: '10.0.0.98' };
    for (let i = 0; i < MAX_JSON_DEPTH - 2; i++) shallow = { next: shallow };
    expect(systemIndicators(shallow)).toEqual([{ type: 'ip', value: '10.0.0.98' }]);

    const wide = { items: [...Array.from({ length: INDICATOR_WALK_NODES_MAX }, () => ({})), { ip: '10.0.0.97' }] };
    expect(systemIndicators(wide)).toEqual([]);
  });
});

describe('pass 3: custom mappings', () => {
  it('parses dotted paths with [n], [*] and quoted steps', () => {
    expect(parsePath('event.sourceIp')).toEqual([{ key: 'event' }, { key: 'sourceIp' }]);
    expect(parsePath('alerts[*].labels.host')).toEqual([{ key: 'alerts' }, { all: true }, { key: 'labels' }, { key: 'host' }]);
    expect(parsePath('a[2]["odd.key"].b')).toEqual([{ key: 'a' }, { index: 2 }, { key: 'odd.key' }, { key: 'b' }]);
    expect(parsePath('[0].x')).toEqual([{ index: 0 }, { key: 'x' }]);
    for (const bad of ['', '.a', 'a..b', 'a[', 'a[x]', 'a]', 'a[0]b']) expect(parsePath(bad), bad).toBeNull();
  });

  it('resolves paths to every value they reach', () => {
    const raw = { alerts: [{ labels: { host: 'a' } }, { labels: { host: 'b' } }, { labels: {} }], m: { x: 1, y: 2 } };
    expect(resolvePath(raw, parsePath('alerts[*].labels.host')!)).toEqual(['a', 'b']);
    expect(resolvePath(raw, parsePath('alerts[1].labels.host')!)).toEqual(['b']);
    expect(resolvePath(raw, parsePath('alerts[9].labels.host')!)).toEqual([]);
    expect(resolvePath(raw, parsePath('m[*]')!)).toEqual([1, 2]);
    expect(resolvePath(raw, parsePath('alerts.labels')!)).toEqual([]);
  });

  it('maps values of the right shape to the mapping type and skips the rest', () => {
    const raw = {
      event: { sourceIp: '10.128.49.107', attacker: 'evil.example.com', hashes: [sha256, 'short'], who: 'mallory' },
      alerts: [{ labels: { host: '10.0.0.1' } }, { labels: { host: 'web-1' } }],
    };
    expect(customIndicators(raw, [
      mapping('event.sourceIp', 'ip'),
      mapping('event.attacker', 'domain'),
      mapping('event.hashes', 'hash_sha256'),
      mapping('event.who', 'account'),
      mapping('alerts[*].labels.host', 'ip'),
      mapping('event.sourceIp', 'email'),
      mapping('a..broken', 'ip'),
    ])).toEqual([
      { type: 'ip', value: '10.128.49.107' },
      { type: 'domain', value: 'evil.example.com' },
      { type: 'hash_sha256', value: sha256 },
      { type: 'account', value: 'mallory' },
      { type: 'ip', value: '10.0.0.1' },
    ]);
  });
});

describe('pass 4: patterns in title and body', () => {
  const types = (text: string) => patternIndicators(text);

  it('finds IPv4 addresses with valid octets only, not inside version strings', () => {
    expect(types('from 10.0.0.1, to 192.168.1.254. Not 999.1.1.1, 1.2.3, v1.2.3.4.5 or 12.5.613; ok (172.16.0.9)')).toEqual([
      { type: 'ip', value: '10.0.0.1' }, { type: 'ip', value: '192.168.1.254' }, { type: 'ip', value: '172.16.0.9' },
    ]);
  });

  it('finds IPv6 addresses (validated by node:net), not times, MACs or C++ scopes', () => {
    expect(types('src 2001:db8::1 and [fe80::a:b]:443 at 10:28:00 mac aa:bb:cc:dd:ee:ff std::vector foo::bar ::')).toEqual([
      { type: 'ip', value: '2001:db8::1' }, { type: 'ip', value: 'fe80::a:b' },
    ]);
  });

  it('finds md5, sha1 and sha256 by length on word boundaries', () => {
    expect(types(`md5 ${md5} sha1=${sha1} sha256:${sha256} not x${md5} nor ${md5}abc nor ${'a'.repeat(50)}`)).toEqual([
      { type: 'hash_md5', value: md5 }, { type: 'hash_sha1', value: sha1 }, { type: 'hash_sha256', value: sha256 },
    ]);
  });

  it('finds http(s) URLs without trailing punctuation', () => {
    expect(types('see https://example.com/a?b=1. And (http://example.org/x_(y)) or "https://example.net/p", ftp://no.example.com')).toEqual([
      { type: 'url', value: 'https://example.com/a?b=1' }, { type: 'url', value: 'http://example.org/x_(y)' }, { type: 'url', value: 'https://example.net/p' },
    ]);
  });

  it('finds e-mails, and domains with a known TLD that are not part of a URL or e-mail', () => {
    expect(types('mail jsmith@company.com about evil-site.com, https://docs.example.org/x and files.example.net.')).toEqual([
      { type: 'url', value: 'https://docs.example.org/x' },
      { type: 'email', value: 'jsmith@company.com' },
      { type: 'domain', value: 'evil-site.com' },
      { type: 'domain', value: 'files.example.net' },
    ]);
  });

  it('does not take file names for domains', () => {
    expect(types('cmd.exe spawned from Excel.exe on WORKSTATION-42 running setup.py, run.sh, notes.md, a.zip and host.local')).toEqual([]);
  });

  it('reports each value once and stops at the cap', () => {
    expect(types('10.0.0.1 10.0.0.1 Example.com example.COM')).toEqual([{ type: 'ip', value: '10.0.0.1' }, { type: 'domain', value: 'Example.com' }]);
    const many = Array.from({ length: PATTERN_INDICATORS_MAX + 20 }, (_, i) => `10.0.${Math.floor(i / 250)}.${i % 250}`).join(' ');
    expect(types(many)).toHaveLength(PATTERN_INDICATORS_MAX);
  });

  it('stays linear on hostile input', () => {
    const started = Date.now();
    for (const text of ['a'.repeat(65_536), 'a.'.repeat(32_768), ':'.repeat(65_536), '1'.repeat(65_536), `${'a'.repeat(65_536)}@`, 'a-'.repeat(32_768)]) {
      patternIndicators(text);
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('merging', () => {
  it('merges the same type and value (case-insensitive for domains, e-mails, hashes) and unions passes in pass order', () => {
    expect(mergeIndicators([
      { pass: 'explicit', items: [{ type: 'domain', value: 'Example.com' }, { type: 'account', value: 'Bob' }] },
      { pass: 'pattern', items: [{ type: 'domain', value: 'example.COM' }, { type: 'account', value: 'bob' }] },
      { pass: 'system', items: [{ type: 'domain', value: 'EXAMPLE.com' }, { type: 'hash_md5', value: md5.toUpperCase() }] },
      { pass: 'custom', items: [{ type: 'hash_md5', value: md5 }, { type: 'email', value: 'A@x.com' }, { type: 'email', value: 'a@X.com' }] },
    ])).toEqual([
      { type: 'domain', value: 'Example.com', found_by: ['explicit', 'system', 'pattern'] },
      { type: 'account', value: 'Bob', found_by: ['explicit'] },
      { type: 'account', value: 'bob', found_by: ['pattern'] },
      { type: 'hash_md5', value: md5.toUpperCase(), found_by: ['system', 'custom'] },
      { type: 'email', value: 'A@x.com', found_by: ['custom'] },
    ]);
  });
});

describe('extractIndicators: all four passes', () => {
  it('tags each indicator with every pass that found it', () => {
    const raw = { title: 'Beacon to evil.example.com from 10.0.0.5', sourceIp: '10.0.0.5', event: { peer: 'evil.example.com' } };
    expect(extractIndicators({
      explicit: [{ type: 'ip', value: '10.0.0.5' }],
      raw,
      texts: ['Beacon to evil.example.com from 10.0.0.5', 'hash ' + sha1],
      mappings: [mapping('event.peer', 'domain')],
    })).toEqual([
      { type: 'ip', value: '10.0.0.5', found_by: ['explicit', 'system', 'pattern'] },
      { type: 'domain', value: 'evil.example.com', found_by: ['custom', 'pattern'] },
      { type: 'hash_sha1', value: sha1, found_by: ['pattern'] },
    ]);
  });
});
