// Connect-time address policy: the table of ranges and the guarded lookup (no network here).
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AddressRefusedError, checkAddress, checkHost, describePolicy, guardedLookup, type AddressPolicy } from '../../src-main/delivery/address-check';

const STRICT: AddressPolicy = { allowPrivate: false, allowLoopback: false };
const OPEN: AddressPolicy = { allowPrivate: true, allowLoopback: true };
const ALL_POLICIES: AddressPolicy[] = [STRICT, OPEN, { allowPrivate: true, allowLoopback: false }, { allowPrivate: false, allowLoopback: true }];

const METADATA = [
  '169.254.169.254', '169.254.0.1', '169.254.255.255', '100.100.100.200', 'fd00:ec2::254', '168.63.129.16',
  'fe80::1', 'fe80::a9fe:a9fe', 'febf:ffff::1', 'FE80::1', 'fe80::1%eth0',
  // IPv4-mapped IPv6, dotted and hex, and NAT64 forms of the same hosts.
  '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '::FFFF:A9FE:A9FE', '0:0:0:0:0:ffff:a9fe:a9fe', '::ffff:100.100.100.200',
  '::ffff:6464:64c8', '64:ff9b::a9fe:a9fe', '64:ff9b::169.254.169.254',
];
const NON_UNICAST = ['0.0.0.0', '0.1.2.3', '::', '::0', '::ffff:0.0.0.0', '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1', 'ff02::1'];
const LOOPBACK = ['127.0.0.1', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::7f00:1'];
const PRIVATE = [
  '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.0.1', '192.168.255.255', '100.64.0.1', '100.127.255.255',
  'fc00::1', 'fd12:3456::1', 'fdff:ffff::1', 'fec0::1', '::ffff:10.0.0.1', '::ffff:c0a8:101', '64:ff9b::a00:1',
];
const PUBLIC = [
  '8.8.8.8', '1.1.1.1', '93.184.216.34', '11.0.0.1', '172.15.255.255', '172.32.0.0', '192.167.255.255', '192.169.0.0',
  '100.63.255.255', '100.128.0.0', '169.253.255.255', '169.255.0.0', '126.255.255.255', '128.0.0.1', '223.255.255.255',
  '2606:4700:4700::1111', '2001:db8::1', '::ffff:8.8.8.8', 'fbff::1', 'fe7f::1', '64:ff9b::808:808',
];

describe('checkAddress', () => {
  it.each(METADATA)('always refuses the metadata/link-local address %s', (ip) => {
    for (const policy of ALL_POLICIES) expect(checkAddress(ip, policy)).toMatch(/is a cloud metadata or link-local address$/);
  });

  it.each(NON_UNICAST)('always refuses the unspecified/multicast/reserved address %s', (ip) => {
    for (const policy of ALL_POLICIES) expect(checkAddress(ip, policy)).toMatch(/is an unspecified, multicast or reserved address$/);
  });

  it.each(LOOPBACK)('allows the loopback address %s only when loopback is allowed', (ip) => {
    expect(checkAddress(ip, STRICT)).toMatch(/is a loopback address and loopback destinations are not allowed$/);
    expect(checkAddress(ip, { allowPrivate: true, allowLoopback: false })).toMatch(/loopback/);
    expect(checkAddress(ip, { allowPrivate: false, allowLoopback: true })).toBeNull();
  });

  it.each(PRIVATE)('allows the private address %s only when private is allowed', (ip) => {
    expect(checkAddress(ip, STRICT)).toMatch(/is a private address and private destinations are not allowed$/);
    expect(checkAddress(ip, { allowPrivate: false, allowLoopback: true })).toMatch(/private/);
    expect(checkAddress(ip, { allowPrivate: true, allowLoopback: false })).toBeNull();
  });

  it.each(PUBLIC)('allows the public address %s under the strictest policy', (ip) => {
    expect(checkAddress(ip, STRICT)).toBeNull();
  });

  it('names the address in the reason and refuses what is not an IP address', () => {
    expect(checkAddress('169.254.169.254', OPEN)).toBe('169.254.169.254 is a cloud metadata or link-local address');
    expect(checkAddress('fe80::1%eth0', OPEN)).toBe('fe80::1 is a cloud metadata or link-local address');
    for (const bad of ['', 'metadata.google.internal', '999.1.1.1', '169.254.169.254.nip.io', '[::1]']) {
      expect(checkAddress(bad, OPEN)).toBe(`${bad} is not an IP address`);
    }
  });
});

type Answer = string | LookupAddress[] | Error;

/** A stub dns.lookup: records its calls and answers as told, honouring `all` like the real one. */
function stubLookup(answer: Answer) {
  const calls: { hostname: string; options: LookupOptions }[] = [];
  const lookup: LookupFunction = (hostname, options, callback) => {
    calls.push({ hostname, options });
    if (answer instanceof Error) return callback(answer, '', 0);
    if (Array.isArray(answer)) return options.all ? callback(null, answer) : callback(null, answer[0].address, answer[0].family);
    return options.all ? callback(null, [{ address: answer, family: answer.includes(':') ? 6 : 4 }]) : callback(null, answer, answer.includes(':') ? 6 : 4);
  };
  return { lookup, calls };
}

function run(lookup: LookupFunction, hostname: string, options: LookupOptions) {
  const results: { err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }[] = [];
  lookup(hostname, options, (err, address, family) => results.push({ err, address, family }));
  expect(results).toHaveLength(1); // the stub answers synchronously, so exactly one callback by now
  return results[0];
}

describe('guardedLookup', () => {
  it.each(['169.254.169.254', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', 'fd00:ec2::254'])(
    'refuses a name resolving to %s with AddressRefusedError', (ip) => {
      const { lookup, calls } = stubLookup(ip);
      const { err } = run(guardedLookup(lookup, OPEN), 'metadata.test', {});
      expect(err).toBeInstanceOf(AddressRefusedError);
      expect(err).toMatchObject({ name: 'AddressRefusedError', code: 'ERR_ADDRESS_REFUSED', hostname: 'metadata.test', address: ip });
      expect(err?.message).toBe(`address refused: metadata.test resolved to ${ip}, which is a cloud metadata or link-local address`);
      expect(calls).toEqual([{ hostname: 'metadata.test', options: {} }]);
    });

  it('passes an allowed single answer through unchanged', () => {
    const { lookup } = stubLookup('93.184.216.34');
    expect(run(guardedLookup(lookup, STRICT), 'example.test', { family: 4 })).toEqual({ err: null, address: '93.184.216.34', family: 4 });
  });

  it('applies the loopback and private switches', () => {
    expect(run(guardedLookup(stubLookup('127.0.0.1').lookup, STRICT), 'localhost', {}).err).toBeInstanceOf(AddressRefusedError);
    expect(run(guardedLookup(stubLookup('127.0.0.1').lookup, { allowPrivate: false, allowLoopback: true }), 'localhost', {}).err).toBeNull();
    expect(run(guardedLookup(stubLookup('10.1.2.3').lookup, STRICT), 'nas.lan', {}).err).toBeInstanceOf(AddressRefusedError);
    expect(run(guardedLookup(stubLookup('10.1.2.3').lookup, { allowPrivate: true, allowLoopback: false }), 'nas.lan', {}).err).toBeNull();
  });

  it('with all: true drops refused addresses and keeps the allowed ones (Node happy-eyeballs path)', () => {
    const answers: LookupAddress[] = [{ address: '169.254.169.254', family: 4 }, { address: '93.184.216.34', family: 4 }, { address: 'fe80::1', family: 6 }];
    const { lookup, calls } = stubLookup(answers);
    const result = run(guardedLookup(lookup, STRICT), 'mixed.test', { all: true, hints: 32 });
    expect(result.err).toBeNull();
    expect(result.address).toEqual([{ address: '93.184.216.34', family: 4 }]);
    expect(calls[0].options).toEqual({ all: true, hints: 32 });
  });

  it('with all: true refuses when every address is refused', () => {
    const { lookup } = stubLookup([{ address: '169.254.169.254', family: 4 }, { address: '::ffff:a9fe:a9fe', family: 6 }]);
    const result = run(guardedLookup(lookup, OPEN), 'metadata.test', { all: true });
    expect(result.err).toBeInstanceOf(AddressRefusedError);
    expect(result.address).toEqual([]);
  });

  it('passes resolver errors through untouched', () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    expect(run(guardedLookup(stubLookup(notFound).lookup, STRICT), 'nowhere.test', {}).err).toBe(notFound);
  });
});

describe('checkHost (the address check when a destination is saved)', () => {
  const answering = (answers: Record<string, string[]>): LookupFunction & { asked: string[] } => {
    const asked: string[] = [];
    const fn = ((hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
      asked.push(hostname);
      const found = answers[hostname];
      if (!found) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 4);
      const all = found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      if (options.all) callback(null, all);
      else callback(null, all[0].address, all[0].family);
    }) as unknown as LookupFunction & { asked: string[] };
    fn.asked = asked;
    return fn;
  };

  it('judges literals without a lookup, bracketed IPv6 too', async () => {
    const lookup = answering({});
    expect(await checkHost('169.254.169.254', OPEN, lookup, 100)).toBe('169.254.169.254 is a cloud metadata or link-local address');
    expect(await checkHost('[fd00:ec2::254]', OPEN, lookup, 100)).toBe('fd00:ec2::254 is a cloud metadata or link-local address');
    expect(await checkHost('10.0.0.1', STRICT, lookup, 100)).toBe('10.0.0.1 is a private address and private destinations are not allowed');
    expect(await checkHost('10.0.0.1', OPEN, lookup, 100)).toBeNull();
    expect(lookup.asked).toEqual([]);
  });

  it('resolves a name (stubbed to 169.254.169.254) and refuses it with the address it resolves to', async () => {
    const lookup = answering({ 'metadata.example': ['169.254.169.254'], 'both.example': ['169.254.169.254', '8.8.8.8'], 'lan.example': ['192.168.1.10'] });
    expect(await checkHost('metadata.example', OPEN, lookup, 100)).toBe('metadata.example resolves to 169.254.169.254, which is a cloud metadata or link-local address');
    // One allowed address is enough: the connect-time check drops the others.
    expect(await checkHost('both.example', OPEN, lookup, 100)).toBeNull();
    expect(await checkHost('lan.example', STRICT, lookup, 100)).toBe('lan.example resolves to 192.168.1.10, which is a private address and private destinations are not allowed');
    expect(lookup.asked).toEqual(['metadata.example', 'both.example', 'lan.example']);
  });

  it('says so when a name does not resolve, or not in time', async () => {
    expect(await checkHost('nowhere.example', OPEN, answering({}), 100)).toBe('the host name nowhere.example does not resolve to an address (ENOTFOUND); check its spelling');
    const silent: LookupFunction = () => undefined;
    const t0 = Date.now();
    expect(await checkHost('slow.example', OPEN, silent, 50)).toBe('the host name slow.example could not be resolved within 50 ms; check it, or try again');
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('describePolicy', () => {
  it('shows the very ranges the check refuses, each with why', () => {
    const view = describePolicy(OPEN);
    expect(view).toMatchObject({ allow_loopback: true, allow_private: true, loopback_ranges: ['127.0.0.0/8', '::1/128'] });
    expect(view.private_ranges).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']));
    expect(view.always_refused).toContainEqual({ range: '169.254.0.0/16', why: 'cloud metadata or link-local address' });
    // Every range shown as refused is refused by checkAddress under every policy, and every private range only when not allowed.
    for (const { range } of view.always_refused) for (const p of ALL_POLICIES) expect(checkAddress(range.split('/')[0], p), range).not.toBeNull();
    for (const range of view.private_ranges) {
      expect(checkAddress(range.split('/')[0], OPEN), range).toBeNull();
      expect(checkAddress(range.split('/')[0], STRICT), range).not.toBeNull();
    }
  });
});
