// Standard Webhooks signatures (https://www.standardwebhooks.com): receivers verify with any
// of the spec's libraries. HMAC-SHA256 over "id.timestamp.body", keyed with the secret's bytes.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SIGNATURE_TOLERANCE_S, SIGNING_SECRET_BYTES } from '../limits';

const PREFIX = 'whsec_';

export function newSigningSecret(): string {
  return PREFIX + randomBytes(SIGNING_SECRET_BYTES).toString('base64');
}

export interface SignInput {
  /**
   * `whsec_` + base64 keys (a bare base64 key is accepted too, as the spec's libraries do):
   * one signature each, space-separated, so a receiver holding any of them verifies (rotation).
   */
  secrets: readonly string[];
  /** Stable across retries of one delivery, so receivers can deduplicate. */
  id: string;
  /** Unix seconds of this attempt. */
  timestamp: number;
  /** The exact bytes sent. */
  body: string | Uint8Array;
}

export type SignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export function signHeaders(input: SignInput): SignatureHeaders {
  if (!Number.isInteger(input.timestamp) || input.timestamp < 0) throw new RangeError('timestamp: must be whole Unix seconds');
  if (input.secrets.length === 0) throw new RangeError('secrets: at least one is needed');
  const timestamp = String(input.timestamp);
  return {
    'webhook-id': input.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': input.secrets.map((secret) => `v1,${sign(secret, input.id, timestamp, input.body)}`).join(' '),
  };
}

export interface VerifyInput {
  secret: string;
  /** Request headers; names are matched case-insensitively. */
  headers: Readonly<Record<string, string | undefined>>;
  body: string | Uint8Array;
  /** Unix seconds; defaults to the clock. */
  now?: number;
  toleranceS?: number;
}

/** True when one of the `v1,` signatures matches and the timestamp is recent enough (replay defence). */
export function verify(input: VerifyInput): boolean {
  const header = (name: string) => Object.entries(input.headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceS ?? SIGNATURE_TOLERANCE_S)) return false;
  const expected = Buffer.from(sign(input.secret, id, timestamp, input.body), 'base64');
  // The header may carry several space-separated signatures (secret rotation).
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

function sign(secret: string, id: string, timestamp: string, body: string | Uint8Array): string {
  return createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestamp}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest('base64');
}

function secretKey(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  if (key.length === 0) throw new RangeError('secret: must be whsec_ followed by a base64 key');
  return key;
}
