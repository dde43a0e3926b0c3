// Signing-secret rotation without downtime, checked the way receivers check it: real
// deliveries to a local receiver, verified by the npm `standardwebhooks` and `svix`
// libraries with the old and the new secret, before, during and after the grace period.
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SIGNING_SECRET_GRACE_DEFAULT_S, SIGNING_SECRET_GRACE_MAX_S } from '../../src-main/limits';
import type { Harness } from '../helpers/harness';
import { useDeliveryApps } from '../helpers/delivery-apps';
import type { Received } from '../helpers/receiver';
import { until } from '../helpers/wait';

const { app, receiver } = useDeliveryApps();
afterEach(() => void vi.useRealTimers());

/** Which libraries accept the request with this secret (each throws on a bad signature). */
function verifiedBy(secret: string, r: Received): string[] {
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)]));
  const ok: string[] = [];
  for (const [name, lib] of [['standardwebhooks', new StandardWebhook(secret)], ['svix', new SvixWebhook(secret)]] as const) {
    try {
      lib.verify(r.body, headers);
      ok.push(name);
    } catch {
      // not verified with this secret
    }
  }
  return ok;
}
const BOTH = ['standardwebhooks', 'svix'];
const signatureCount = (r: Received) => String(r.headers['webhook-signature']).split(' ').length;

async function webhook(h: Harness, uri: string): Promise<{ id: string; signing_secret: string }> {
  const res = await h.http('POST', '/api/destinations', { body: { name: 'rotating hook', kind: 'webhook', uri, event_type: ['security_event'] } });
  expect(res.status).toBe(201);
  return res.json;
}
const ingest = async (h: Harness, title: string) => expect((await h.http('POST', '/v1/ingest/generic', { body: { title } })).status).toBe(202);

describe('signing-secret rotation', () => {
  it('a retry owed from before the rotation and new deliveries carry both signatures during the grace, then the new one alone', async () => {
    // The first attempt fails; its retry comes 1.5 s later, after the rotation.
    const h = await app({ delivery: { retrySchedule: [0, 1.5, 1.5], jitter: 0, timeoutMs: 1000 } });
    const r = await receiver([{ status: 500 }], { status: 200 });
    const { id, signing_secret: oldSecret } = await webhook(h, `${r.url}/hook`);

    await ingest(h, 'sent before the rotation');
    const [before] = await r.waitFor(1);
    expect(signatureCount(before)).toBe(1);
    expect(verifiedBy(oldSecret, before)).toEqual(BOTH);

    const rotated = await h.http('POST', `/api/destinations/${id}/rotate-secret`, { body: { grace_s: 4 } });
    expect(rotated.status).toBe(200);
    const newSecret: string = rotated.json.signing_secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.json.previous_signing_secret).toEqual({ secret: 'whsec_***', expires_at: expect.any(String) });
    const graceEnds = Date.parse(rotated.json.previous_signing_secret.expires_at);
    expect(before.body).toBe(r.received[0].body);
    expect(verifiedBy(newSecret, before)).toEqual([]);

    // The retry of the delivery owed from before: same id and body, signed at send time with both secrets.
    const [, retry] = await r.waitFor(2, 5000);
    expect(retry.headers['webhook-id']).toBe(before.headers['webhook-id']);
    expect(retry.body).toBe(before.body);
    expect(signatureCount(retry)).toBe(2);
    expect(verifiedBy(newSecret, retry)).toEqual(BOTH);
    expect(verifiedBy(oldSecret, retry)).toEqual(BOTH);
    // The new secret's signature comes first.
    expect(String(retry.headers['webhook-signature']).split(' ')[0]).toBe(new StandardWebhook(newSecret).sign(String(retry.headers['webhook-id']), new Date(Number(retry.headers['webhook-timestamp']) * 1000), retry.body));

    await ingest(h, 'sent during the grace');
    const [, , during] = await r.waitFor(3);
    expect(Date.now()).toBeLessThan(graceEnds);
    expect(verifiedBy(newSecret, during)).toEqual(BOTH);
    expect(verifiedBy(oldSecret, during)).toEqual(BOTH);
    expect((await h.http('GET', `/api/destinations/${id}`)).json.previous_signing_secret).toMatchObject({ expires_at: new Date(graceEnds).toISOString() });

    await until(() => (Date.now() > graceEnds + 50 ? true : undefined), 6000, 'the grace period to end');
    await ingest(h, 'sent after the grace');
    const [, , , after] = await r.waitFor(4);
    expect(signatureCount(after)).toBe(1);
    expect(verifiedBy(newSecret, after)).toEqual(BOTH);
    expect(verifiedBy(oldSecret, after)).toEqual([]);
    expect((await h.http('GET', `/api/destinations/${id}`)).json.previous_signing_secret).toBeNull();
  });

  it('grace_s 0 switches at once: the old secret verifies nothing sent after the rotation', async () => {
    const h = await app();
    const r = await receiver();
    const { id, signing_secret: oldSecret } = await webhook(h, r.url);
    const rotated = await h.http('POST', `/api/destinations/${id}/rotate-secret`, { body: { grace_s: 0 } });
    expect(rotated.json.previous_signing_secret).toBeNull();
    await ingest(h, 'after an immediate switch');
    const [got] = await r.waitFor(1);
    expect(signatureCount(got)).toBe(1);
    expect(verifiedBy(rotated.json.signing_secret, got)).toEqual(BOTH);
    expect(verifiedBy(oldSecret, got)).toEqual([]);
  });

  it('without a body the grace is 24 h: both secrets verify just before it ends, only the new one just after (clock moved forward)', async () => {
    // Only Date is faked (timers stay real), so the appliance and the libraries read the same moved clock.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    const h = await app();
    const r = await receiver();
    const { id, signing_secret: oldSecret } = await webhook(h, r.url);
    const rotatedAt = Date.now();
    const rotated = await h.http('POST', `/api/destinations/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const newSecret: string = rotated.json.signing_secret;
    const graceEnds = Date.parse(rotated.json.previous_signing_secret.expires_at);
    expect(graceEnds - rotatedAt).toBeGreaterThanOrEqual(SIGNING_SECRET_GRACE_DEFAULT_S * 1000);
    expect(graceEnds - rotatedAt).toBeLessThan(SIGNING_SECRET_GRACE_DEFAULT_S * 1000 + 5000);

    vi.setSystemTime(graceEnds - 60_000);
    await ingest(h, 'a minute before the grace ends');
    const [late] = await r.waitFor(1);
    expect(verifiedBy(newSecret, late)).toEqual(BOTH);
    expect(verifiedBy(oldSecret, late)).toEqual(BOTH);

    vi.setSystemTime(graceEnds + 1000);
    await ingest(h, 'a second after the grace ended');
    const [, over] = await r.waitFor(2);
    expect(signatureCount(over)).toBe(1);
    expect(verifiedBy(newSecret, over)).toEqual(BOTH);
    expect(verifiedBy(oldSecret, over)).toEqual([]);
  });

  it('refuses a grace that is negative, fractional, too long or not a number, and unknown fields', async () => {
    const h = await app();
    const { id } = await webhook(h, 'http://127.0.0.1:9/hook');
    for (const [body, error] of [
      [{ grace_s: -1 }, 'grace_s: must be >= 0'],
      [{ grace_s: 1.5 }, 'grace_s: must be an integer'],
      [{ grace_s: SIGNING_SECRET_GRACE_MAX_S + 1 }, `grace_s: must be <= ${SIGNING_SECRET_GRACE_MAX_S}`],
      [{ grace_s: '60' }, 'grace_s: must be an integer'],
      [{ grace: 60 }, 'grace: is not a known field'],
    ] as const) {
      const res = await h.http('POST', `/api/destinations/${id}/rotate-secret`, { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.errors).toEqual([error]);
    }
    expect((await h.http('POST', '/api/destinations/nope/rotate-secret', { body: { grace_s: 5 } })).status).toBe(404);
  });
});
