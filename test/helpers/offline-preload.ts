// Loaded into a third-party CLI (node --import tsx --import this) to prove it works offline:
// every name lookup other than loopback fails at once without leaving the machine, every
// connection off loopback is cut (egress-guard), and each attempt is written to $EGRESS_LOG.
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import { guardEgress } from './egress-guard';

const log = process.env.EGRESS_LOG;
if (!log) throw new Error('offline-preload: set EGRESS_LOG to the file that lists attempts');
const note = (line: string) => appendFileSync(log, `${line}\n`);
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);
const notFound = (host: string) => Object.assign(new Error(`getaddrinfo ENOTFOUND ${host} (offline)`), { code: 'ENOTFOUND', hostname: host });

const lookup = dns.lookup;
(dns as unknown as { lookup: unknown }).lookup = function offlineLookup(this: unknown, host: string, ...rest: unknown[]) {
  if (LOOPBACK_NAMES.has(host)) return (lookup as (...args: unknown[]) => unknown).call(this, host, ...rest);
  note(`lookup ${host}`);
  const callback = rest[rest.length - 1] as (err: Error) => void;
  process.nextTick(callback, notFound(host));
};
const promisesLookup = dns.promises.lookup;
(dns.promises as unknown as { lookup: unknown }).lookup = async (host: string, ...rest: unknown[]) => {
  if (LOOPBACK_NAMES.has(host)) return (promisesLookup as (...args: unknown[]) => unknown)(host, ...rest);
  note(`lookup ${host}`);
  throw notFound(host);
};

const guard = guardEgress();
process.on('exit', () => {
  for (const address of guard.offMachine()) note(`connect ${address}`);
});
