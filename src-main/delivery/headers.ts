// Destination header rules (checked when a destination is saved, so a bad header is a 400
// rather than a delivery failing forever) and masking for the attempt history.
import { DESTINATION_HEADERS_MAX, DESTINATION_HEADER_VALUE_MAX } from '../limits';

/** One configured header, as in Armor's `{type: "header", key, value}` properties. */
export interface HeaderEntry {
  key: string;
  value: string;
}

/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What undici accepts in a value: tab, visible ASCII, space and Latin-1 (CR/LF reported separately). */
const VALUE_CHAR = /^[\t\x20-\x7e\x80-\xff]*$/;
/**
 * Set by the HTTP client or by signing: framing and connection headers would corrupt or
 * be refused by the request, and webhook-* would forge or break the signature.
 */
const RESERVED = new Set([
  'host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect', 'te', 'trailer',
  'webhook-id', 'webhook-timestamp', 'webhook-signature',
]);

/** Errors as `path[i].key: ...` / `path[i].value: ...`; empty when the headers are acceptable. */
export function validateHeaders(headers: readonly HeaderEntry[], path = 'headers'): string[] {
  const errors: string[] = [];
  if (headers.length > DESTINATION_HEADERS_MAX) errors.push(`${path}: at most ${DESTINATION_HEADERS_MAX} headers`);
  headers.forEach((h, i) => {
    const at = `${path}[${i}]`;
    if (typeof h.key !== 'string') errors.push(`${at}.key: must be a string`);
    else if (/[\r\n]/.test(h.key)) errors.push(`${at}.key: must not contain CR or LF`);
    else if (!TOKEN.test(h.key)) errors.push(`${at}.key: must be a valid header name (letters, digits and !#$%&'*+.^_\`|~-)`);
    else if (RESERVED.has(h.key.toLowerCase())) errors.push(`${at}.key: ${h.key} is set by Switchyard and cannot be configured`);
    if (typeof h.value !== 'string') errors.push(`${at}.value: must be a string`);
    else if (/[\r\n]/.test(h.value)) errors.push(`${at}.value: must not contain CR or LF`);
    else if (!VALUE_CHAR.test(h.value)) errors.push(`${at}.value: must not contain control characters or characters beyond Latin-1`);
    else if (h.value.length > DESTINATION_HEADER_VALUE_MAX) errors.push(`${at}.value: must be at most ${DESTINATION_HEADER_VALUE_MAX} characters`);
  });
  return errors;
}

/** Validated entries as a request header record; repeated names are joined with ", " (RFC 9110 §5.3). */
export function toHeaderRecord(headers: readonly HeaderEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  const seen = new Map<string, string>(); // lower-cased name → first spelling used
  for (const { key, value } of headers) {
    const name = seen.get(key.toLowerCase());
    if (name === undefined) {
      seen.set(key.toLowerCase(), key);
      out[key] = value;
    } else {
      out[name] = `${out[name]}, ${value}`;
    }
  }
  return out;
}

const SECRET_NAME = /auth|token|secret|key|passw|pwd|cookie|credential|session/i;
/** Authentication schemes whose name may stay visible in front of the masked credentials. */
const SCHEMES = new Set(['basic', 'bearer', 'digest', 'splunk', 'token', 'apikey', 'api-key', 'geniekey', 'ssws', 'hmac', 'negotiate', 'ntlm', 'key']);

/** A header value as shown in the attempt history. */
export function maskHeaderValue(name: string, value: string): string {
  const trimmed = value.trim();
  // One word has no scheme in front of it (most headers: checked on every header of every ingest request).
  if (!/\s/.test(trimmed)) return value === '' || !SECRET_NAME.test(name) ? value : '***';
  const [first, ...rest] = trimmed.split(/\s+/);
  const isAuthorization = /^(proxy-)?authorization$/i.test(name);
  // In Authorization the first word is the scheme, never the secret; elsewhere only known schemes count.
  const hasScheme = rest.length > 0 && (SCHEMES.has(first.toLowerCase()) || (isAuthorization && first.length <= 20 && TOKEN.test(first)));
  if (hasScheme) return `${first} ***`; // "Bearer x" is a credential whatever the header is called
  if (value === '' || !SECRET_NAME.test(name)) return value;
  return '***';
}

export function maskHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = maskHeaderValue(name, value);
  return out;
}
