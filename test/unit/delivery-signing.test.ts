// Standard Webhooks signing, checked against an HMAC computed here and the spec's test vector.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSigningSecret, signHeaders, verify } from '../../src-main/delivery/signing';

/** Computed independently of the module under test: key = base64-decoded secret after whsec_. */
function referenceSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
}

describe('signing secrets', () => {
  it('are whsec_ + base64 of at least 24 random bytes, and differ each time', () => {
    const a = newSigningSecret();
    const b = newSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(a.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(a).not.toBe(b);
  });
});

describe('signHeaders', () => {
  it('reproduces the Standard Webhooks published test vector', () => {
    const headers = signHeaders({
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"test": 2432232314}',
    });
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs with every secret given, in order, space-separated (a rotation\'s grace period)', () => {
    const [current, previous] = [newSigningSecret(), newSigningSecret()];
    const headers = signHeaders({ secrets: [current, previous], id: 'dlv_rot', timestamp: 1_740_000_000, body: '{"a":1}' });
    expect(headers['webhook-signature']).toBe(`${referenceSignature(current, 'dlv_rot', 1_740_000_000, '{"a":1}')} ${referenceSignature(previous, 'dlv_rot', 1_740_000_000, '{"a":1}')}`);
  });

  it('matches an independent HMAC-SHA256 over "id.timestamp.body" for fresh secrets and unicode bodies', () => {
    for (const body of ['{}', '{"title":"Disk full on db-1 — ünïcødé ✓"}', '']) {
      const secret = newSigningSecret();
      const headers = signHeaders({ secrets: [secret], id: 'dlv_01HZY', timestamp: 1_740_000_000, body });
      expect(headers['webhook-signature']).toBe(referenceSignature(secret, 'dlv_01HZY', 1_740_000_000, body));
    }
  });

  it('signs bytes and the same text identically', () => {
    const secret = newSigningSecret();
    const text = '{"a":"é"}';
    const input = { secrets: [secret], id: 'x', timestamp: 1 };
    expect(signHeaders({ ...input, body: new TextEncoder().encode(text) })).toEqual(signHeaders({ ...input, body: text }));
  });

  it('refuses a fractional timestamp and an empty secret', () => {
    expect(() => signHeaders({ secrets: [newSigningSecret()], id: 'x', timestamp: 1.5, body: '' })).toThrow(/timestamp/);
    expect(() => signHeaders({ secrets: ['whsec_'], id: 'x', timestamp: 1, body: '' })).toThrow(/secret/);
    expect(() => signHeaders({ secrets: [], id: 'x', timestamp: 1, body: '' })).toThrow(/secrets/);
  });
});

describe('verify', () => {
  const secret = newSigningSecret();
  const body = '{"type":"alert","action":"created"}';
  const now = 1_740_000_000;
  const headers = signHeaders({ secrets: [secret], id: 'dlv_1', timestamp: now, body });

  it('accepts what signHeaders produced, with header names in any case', () => {
    expect(verify({ secret, headers, body, now })).toBe(true);
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verify({ secret, headers: upper, body, now: now + 299 })).toBe(true);
  });

  it('accepts a header listing several signatures when one matches (secret rotation)', () => {
    const multi = { ...headers, 'webhook-signature': `v1,bm9wZQ== v2,abc ${headers['webhook-signature']}` };
    expect(verify({ secret, headers: multi, body, now })).toBe(true);
  });

  it('rejects a changed body, another secret, a stale timestamp and missing headers', () => {
    expect(verify({ secret, headers, body: body + ' ', now })).toBe(false);
    expect(verify({ secret: newSigningSecret(), headers, body, now })).toBe(false);
    expect(verify({ secret, headers, body, now: now + 301 })).toBe(false);
    expect(verify({ secret, headers: { ...headers, 'webhook-id': 'dlv_2' }, body, now })).toBe(false);
    expect(verify({ secret, headers: { ...headers, 'webhook-signature': undefined }, body, now })).toBe(false);
    expect(verify({ secret, headers: { ...headers, 'webhook-signature': 'v1,bm9wZQ==' }, body, now })).toBe(false);
  });
});
