// What an event keeps of the HTTP request that carried it, for the inspector: the headers
// and the query string as received, with secrets masked and sizes bounded.
import { maskHeaderValue } from '../delivery/headers';
import { RECEIVED_HEADERS_MAX, RECEIVED_HEADER_VALUE_MAX, RECEIVED_QUERY_MAX } from '../limits';

/** Senders sign bodies with a shared secret (X-Hub-Signature-256, X-Signature…); the HMAC is masked too. */
const SIGNATURE_NAME = /signature/i;
/** Named like a key but not a secret: it is stored as the event's idempotency_key anyway. */
const NOT_SECRET = new Set(['idempotency-key']);

function cut(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

/** A header or query parameter value as an event keeps it. */
export function maskReceived(name: string, value: string): string {
  if (NOT_SECRET.has(name.toLowerCase())) return value;
  if (SIGNATURE_NAME.test(name) && value !== '') return '***';
  return maskHeaderValue(name, value);
}

/** Node's rawHeaders (name, value, name, value…) as pairs in the order sent, bounded. */
export function receivedHeaders(rawHeaders: readonly string[]): { headers: [string, string][]; omitted: number } {
  const total = Math.floor(rawHeaders.length / 2);
  const headers: [string, string][] = [];
  for (let i = 0; i < Math.min(total, RECEIVED_HEADERS_MAX); i++) {
    const name = rawHeaders[2 * i];
    headers.push([name, cut(maskReceived(name, rawHeaders[2 * i + 1]), RECEIVED_HEADER_VALUE_MAX)]);
  }
  return { headers, omitted: total - headers.length };
}

/** The query string as sent (without "?"), each secret-named parameter's value masked. */
export function receivedQuery(querystring: string): string {
  if (querystring === '') return '';
  const masked = querystring.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    let name: string;
    try {
      name = decodeURIComponent(pair.slice(0, eq).replace(/\+/g, ' '));
    } catch {
      name = pair.slice(0, eq);
    }
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      value = pair.slice(eq + 1);
    }
    const shown = maskReceived(name, value);
    return shown === value ? pair : `${pair.slice(0, eq)}=${encodeURIComponent(shown).replace(/%2A/g, '*')}`;
  });
  return cut(masked.join('&'), RECEIVED_QUERY_MAX);
}
