// Connect-time address policy (SSRF defence). Checked on the resolved address, inside the
// lookup the socket uses, so a name cannot resolve to one address when checked and another
// when connected (DNS rebinding). Node's BlockList also matches IPv4-mapped IPv6 forms
// (::ffff:169.254.169.254, ::ffff:a9fe:a9fe) against IPv4 rules.
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { AddressPolicyView } from '../../src-shared/outgoing';

export interface AddressPolicy {
  /** 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7 (a LAN receiver). */
  allowPrivate: boolean;
  /** 127/8, ::1 (a receiver on this machine). */
  allowLoopback: boolean;
}

type Range = readonly [address: string, prefix: number];

/**
 * The policy this appliance sends with. A workstation product: receivers on this machine and
 * the LAN are legitimate; cloud metadata and non-unicast addresses are refused whatever the policy.
 */
export const APPLIANCE_ADDRESS_POLICY: AddressPolicy = { allowPrivate: true, allowLoopback: true };

/** Never a valid destination: unspecified ("this host"), multicast, reserved, broadcast. */
const NON_UNICAST: Range[] = [['0.0.0.0', 8], ['224.0.0.0', 4], ['240.0.0.0', 4], ['::', 128], ['ff00::', 8]];
/** Cloud instance metadata and link-local (where metadata services live); always refused. */
const METADATA: Range[] = [
  ['169.254.0.0', 16], // link-local; AWS, GCP, Azure, Oracle metadata at 169.254.169.254
  ['fe80::', 10], // IPv6 link-local
  ['fd00:ec2::254', 128], // AWS IMDS over IPv6 (inside fc00::/7, so checked before private)
  ['100.100.100.200', 32], // Alibaba Cloud metadata (inside 100.64/10)
  ['168.63.129.16', 32], // Azure WireServer (hands out VM extension settings)
];
const LOOPBACK: Range[] = [['127.0.0.0', 8], ['::1', 128]];
const PRIVATE: Range[] = [
  ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10],
  ['fc00::', 7], ['fec0::', 10], // unique local; deprecated site-local
];

interface Category {
  ranges: Range[];
  list: BlockList;
  refused: (policy: AddressPolicy) => boolean;
  reason: string;
}

const CATEGORIES: Category[] = [
  category(NON_UNICAST, () => true, 'is an unspecified, multicast or reserved address'),
  category(METADATA, () => true, 'is a cloud metadata or link-local address'),
  category(LOOPBACK, (p) => !p.allowLoopback, 'is a loopback address and loopback destinations are not allowed'),
  category(PRIVATE, (p) => !p.allowPrivate, 'is a private address and private destinations are not allowed'),
];

function category(ranges: Range[], refused: Category['refused'], reason: string): Category {
  return { ranges, list: blockList(ranges), refused, reason };
}

/** The policy as the API shows it (GET /api/settings), read from the tables the check uses. */
export function describePolicy(policy: AddressPolicy): AddressPolicyView {
  const cidrs = (ranges: Range[]) => ranges.map(([address, prefix]) => `${address}/${prefix}`);
  return {
    allow_loopback: policy.allowLoopback,
    allow_private: policy.allowPrivate,
    loopback_ranges: cidrs(LOOPBACK),
    private_ranges: cidrs(PRIVATE),
    always_refused: [NON_UNICAST, METADATA].flatMap((ranges) => {
      const why = CATEGORIES.find((c) => c.ranges === ranges)!.reason.replace(/^is an? /, '');
      return cidrs(ranges).map((range) => ({ range, why }));
    }),
  };
}

function blockList(ranges: Range[]): BlockList {
  const list = new BlockList();
  for (const [address, prefix] of ranges) {
    const v4 = isIP(address) === 4;
    list.addSubnet(address, prefix, v4 ? 'ipv4' : 'ipv6');
    // NAT64 (64:ff9b::/96) embeds an IPv4 address the gateway connects to on our behalf.
    if (v4) list.addSubnet(nat64(address), 96 + prefix, 'ipv6');
  }
  return list;
}

function nat64(ipv4: string): string {
  const [a, b, c, d] = ipv4.split('.').map(Number);
  return `64:ff9b::${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** null when a connection to `ip` is allowed, else the reason it is refused. */
export function checkAddress(ip: string, opts: AddressPolicy): string | null {
  const refused = refusal(ip, opts);
  return refused && `${refused.address} ${refused.why}`;
}

function refusal(ip: string, opts: AddressPolicy): { address: string; why: string } | null {
  const address = ip.replace(/%.*$/, ''); // an IPv6 zone id says which interface, not which host
  const family = isIP(address);
  if (family === 0) return { address: ip, why: 'is not an IP address' };
  const category = categoryOf(address, family === 4 ? 'ipv4' : 'ipv6');
  return category && category.refused(opts) ? { address, why: category.reason } : null;
}

/** The category of recently checked addresses: each BlockList check builds a SocketAddress, and a destination's address repeats on every attempt. */
const recentCategories = new Map<string, Category | null>();
const RECENT_CATEGORIES_MAX = 1024;

function categoryOf(address: string, type: 'ipv4' | 'ipv6'): Category | null {
  let found = recentCategories.get(address);
  if (found === undefined) {
    found = CATEGORIES.find((c) => c.list.check(address, type)) ?? null;
    if (recentCategories.size >= RECENT_CATEGORIES_MAX) recentCategories.clear();
    recentCategories.set(address, found);
  }
  return found;
}

/** A connection refused by the address policy; raised before any socket connects. */
export class AddressRefusedError extends Error {
  override readonly name = 'AddressRefusedError';
  readonly code = 'ERR_ADDRESS_REFUSED';
  /** The checkAddress() reason. */
  readonly reason: string;
  constructor(readonly hostname: string, readonly address: string, policy: AddressPolicy) {
    const refused = refusal(address, policy);
    const why = refused?.why ?? 'is refused';
    super(hostname === address ? `address refused: ${address} ${why}` : `address refused: ${hostname} resolved to ${address}, which ${why}`);
    this.reason = `${address} ${why}`;
  }
}

/**
 * Wraps a lookup (dns.lookup or a stub) so that disallowed answers become an
 * AddressRefusedError. Pass it as net/tls/undici `connect.lookup`: the socket only ever
 * connects to addresses this function returned. With `all: true` (Node's happy-eyeballs
 * path) refused addresses are dropped and the rest kept; none left is a refusal.
 */
export function guardedLookup(lookup: LookupFunction, policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (err, address, family) => {
      if (err) {
        callback(err, address, family);
        return;
      }
      if (Array.isArray(address)) {
        const allowed = address.filter((a) => checkAddress(a.address, policy) === null);
        if (allowed.length > 0 || address.length === 0) {
          callback(null, allowed);
          return;
        }
        callback(new AddressRefusedError(hostname, address[0].address, policy), []);
        return;
      }
      if (checkAddress(address, policy) !== null) callback(new AddressRefusedError(hostname, address, policy), '', family);
      else callback(null, address, family);
    });
  };
}

/**
 * Why a destination's host can never be connected to, or null. Run when a destination is
 * saved, so it is refused then with the reason instead of failing every delivery: a literal
 * address is checked directly; a name is resolved (all its addresses) and refused when none
 * is allowed, as the connect-time check would; a name that does not resolve is refused too.
 * The connect-time check still runs on every request (what a name resolves to can change).
 */
export async function checkHost(hostname: string, policy: AddressPolicy, lookup: LookupFunction, timeoutMs: number): Promise<string | null> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host.replace(/%.*$/, '')) !== 0) return checkAddress(host, policy);
  let addresses: string[];
  try {
    addresses = await resolveAll(host, lookup, timeoutMs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ETIMEOUT') return `the host name ${host} could not be resolved within ${timeoutMs} ms; check it, or try again`;
    return `the host name ${host} does not resolve to an address${code ? ` (${code})` : ''}; check its spelling`;
  }
  if (addresses.length === 0) return `the host name ${host} does not resolve to an address; check its spelling`;
  const refused = addresses.map((a) => refusal(a, policy));
  if (refused.some((r) => r === null)) return null;
  const { address, why } = refused[0]!;
  return `${host} resolves to ${address}, which ${why}`;
}

function resolveAll(hostname: string, lookup: LookupFunction, timeoutMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`lookup of ${hostname} timed out`), { code: 'ETIMEOUT' })), timeoutMs);
    lookup(hostname, { all: true }, (err, address) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(Array.isArray(address) ? address.map((a) => a.address) : [address]);
    });
  });
}
