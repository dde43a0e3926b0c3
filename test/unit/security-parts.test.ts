// Host/Origin guard, rate limiter, sessions and secrets as plain functions.
import { describe, expect, it } from 'vitest';
import { digestsEqual, newSecret, sha256Hex } from '../../src-main/core/secrets';
import { allowedHostnames, checkHost, checkOrigin, hostnameOf } from '../../src-main/server/middleware/host-origin';
import { refusesForeignOrigin } from '../../src-main/server/route';
import { RateLimiter } from '../../src-main/server/rate-limit';
import { SessionManager, type Session } from '../../src-main/server/sessions';
import { LOGIN_TOKEN_TTL_MS } from '../../src-main/limits';
import { maskSecrets } from '../../src-main/logger';

describe('host and origin check', () => {
  const allowed = allowedHostnames('127.0.0.1');
  const origin = (origin?: string, secFetchSite?: string, host = '127.0.0.1:8080') => checkOrigin({ host, origin, secFetchSite });

  it('parses host names with ports and IPv6 brackets', () => {
    expect(hostnameOf('LOCALHOST:8080')).toBe('localhost');
    expect(hostnameOf('[::1]:8080')).toBe('[::1]');
    expect(hostnameOf('127.0.0.1')).toBe('127.0.0.1');
  });
  it('accepts loopback names and the configured host', () => {
    expect(checkHost('localhost:8080', allowed)).toBeNull();
    expect(checkHost('127.0.0.1:8080', allowed)).toBeNull();
    expect(checkHost('[::1]:8080', allowed)).toBeNull();
    expect(checkHost('hub.lan:8080', allowedHostnames('hub.lan'))).toBeNull();
    expect(checkHost('extra.lan', allowedHostnames('0.0.0.0', ['extra.lan']))).toBeNull();
  });
  it('refuses a rebound name and a missing Host', () => {
    expect(checkHost('evil.example:8080', allowed)).toMatch(/^host: "evil.example" is not an allowed host/);
    expect(checkHost(undefined, allowed)).toBe('host: the Host header is required');
    expect(allowedHostnames('0.0.0.0').has('0.0.0.0')).toBe(false);
  });
  it('refuses foreign, opaque, invalid and cross-site origins, allows the same origin and none', () => {
    expect(origin('http://127.0.0.1:8080')).toBeNull();
    expect(origin(undefined)).toBeNull();
    expect(origin(undefined, 'same-origin')).toBeNull();
    expect(origin('http://evil.example')).toBe('origin: "http://evil.example" is not this appliance\'s origin');
    expect(origin('http://127.0.0.1:9999')).toMatch(/^origin:/);
    expect(origin('null')).toBe('origin: opaque origins are refused');
    expect(origin('not a url')).toBe('origin: "not a url" is not a valid origin');
    expect(origin(undefined, 'cross-site')).toBe('origin: cross-site requests are refused');
  });
  it('guards the management API and the login link by their route, whatever their path; not ingest or public machine endpoints', () => {
    expect(refusesForeignOrigin({ auth: 'admin' })).toBe(true);
    expect(refusesForeignOrigin({ auth: 'read' })).toBe(true);
    expect(refusesForeignOrigin({ auth: 'public', sameOriginOnly: true })).toBe(true);
    expect(refusesForeignOrigin({ auth: 'ingest' })).toBe(false);
    expect(refusesForeignOrigin({ auth: 'custom' })).toBe(false);
    expect(refusesForeignOrigin({ auth: 'public' })).toBe(false);
  });
});

describe('rate limiter', () => {
  it('allows a burst, then answers the seconds to wait, and refills over time', () => {
    let t = 0;
    const rl = new RateLimiter({ perSecond: 2, burst: 3, now: () => t });
    expect([rl.take('k'), rl.take('k'), rl.take('k')]).toEqual([0, 0, 0]);
    expect(rl.take('k')).toBe(1);
    expect(rl.take('other')).toBe(0);
    t = 500;
    expect(rl.take('k')).toBe(0);
    expect(rl.take('k')).toBe(1);
  });
});

describe('sessions', () => {
  it('redeems a login token once, within its lifetime, and says why it refuses one', () => {
    let t = 1_000;
    const sm = new SessionManager(() => t);
    const token = sm.mintLoginToken('org');
    const s = sm.redeemLoginToken(token) as Session;
    expect(s.organization).toBe('org');
    expect(sm.get(s.id)?.csrf).toBe(s.csrf);
    expect(sm.redeemLoginToken(token)).toEqual({ refused: 'used' });
    expect(sm.redeemLoginToken('never-issued')).toEqual({ refused: 'unknown' });
    const late = sm.mintLoginToken('org');
    t += LOGIN_TOKEN_TTL_MS + 1;
    expect(sm.redeemLoginToken(late)).toEqual({ refused: 'expired' });
    expect(sm.redeemLoginToken(late)).toEqual({ refused: 'expired' });
    // Remembered for one more lifetime, then forgotten.
    t += LOGIN_TOKEN_TTL_MS + 1;
    sm.mintLoginToken('org');
    expect(sm.redeemLoginToken(token)).toEqual({ refused: 'unknown' });
  });

  it('takes a token issued outside the process (switchyard login-link) by its hash, once', () => {
    const t = 5_000;
    const outside = new Map([[sha256Hex('from-cli'), { organization: 'org', expires: t + 1 }], [sha256Hex('stale'), { organization: 'org', expires: t - 1 }]]);
    const asked: string[] = [];
    const sm = new SessionManager(() => t, (hash) => {
      asked.push(hash);
      const found = outside.get(hash) ?? null;
      outside.delete(hash);
      return found;
    });
    expect((sm.redeemLoginToken('from-cli') as Session).organization).toBe('org');
    expect(sm.redeemLoginToken('from-cli')).toEqual({ refused: 'used' });
    expect(sm.redeemLoginToken('stale')).toEqual({ refused: 'expired' });
    // Only hashes leave the manager.
    expect(asked).toEqual([sha256Hex('from-cli'), sha256Hex('stale')]);
  });
});

describe('secrets', () => {
  it('makes 32-byte keys, hashes them, compares digests', () => {
    const a = newSecret('sy_');
    expect(a).toMatch(/^sy_[A-Za-z0-9_-]{43}$/);
    expect(digestsEqual(sha256Hex(a), sha256Hex(a))).toBe(true);
    expect(digestsEqual(sha256Hex(a), sha256Hex(a + 'x'))).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
  });
  it('masks secret-looking fields in logs', () => {
    expect(maskSecrets({ authorization: 'Bearer x', nested: { password: 'p', ok: 1 }, list: [{ token: 't' }] })).toEqual({
      authorization: '***', nested: { password: '***', ok: 1 }, list: [{ token: '***' }],
    });
  });
});
