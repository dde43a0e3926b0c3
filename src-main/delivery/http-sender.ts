// Outgoing HTTP for deliveries: one undici Agent (keep-alive pool per origin), the address
// policy enforced at connect time, no redirects, one deadline per attempt. send() never
// throws for network trouble: every outcome is a result the attempt history can record.
import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { DELIVERY_RESPONSE_BODY_MAX, DELIVERY_TIMEOUT_MS, DESTINATION_LOOKUP_TIMEOUT_MS } from '../limits';
import type { SendErrorClass } from '../../src-shared/outgoing';
import { AddressRefusedError, checkAddress, checkHost, guardedLookup, type AddressPolicy } from './address-check';

export interface SenderOptions {
  policy: AddressPolicy;
  /** Deadline for the whole attempt: connect, response headers and body. */
  timeoutMs?: number;
  /** Name resolution (tests inject a stub); defaults to dns.lookup. Always wrapped by the policy. */
  lookup?: LookupFunction;
}

export interface SendRequest {
  url: string;
  method?: 'POST' | 'PUT';
  headers?: Readonly<Record<string, string>>;
  body?: string | Uint8Array;
}

export type { SendErrorClass };

export interface SendResult {
  /** A complete 2xx response. */
  ok: boolean;
  status?: number;
  headers?: Record<string, string>;
  /** The first DELIVERY_RESPONSE_BODY_MAX bytes as UTF-8 text. */
  body?: string;
  body_truncated?: boolean;
  duration_ms: number;
  /** Set when no complete response arrived. */
  error_class?: SendErrorClass;
  error?: string;
}

export interface Sender {
  send(req: SendRequest): Promise<SendResult>;
  /** Why `hostname` can never be connected to under this sender's policy and lookup, or null (address-check.ts checkHost). */
  checkHost(hostname: string): Promise<string | null>;
  /**
   * Waits for in-flight sends, closes pooled connections; later sends fail with error_class
   * 'other'. With `abort`, in-flight sends are cut off at once instead (they fail too).
   */
  close(opts?: { abort?: boolean }): Promise<void>;
}

class DeadlineError extends Error {
  override readonly name = 'TimeoutError';
  constructor(ms: number) {
    super(`no complete response within ${ms} ms`);
  }
}

export function createSender({ policy, timeoutMs = DELIVERY_TIMEOUT_MS, lookup = dnsLookup }: SenderOptions): Sender {
  // undici 7 follows no redirects unless the redirect interceptor is composed in (and it
  // rejects a non-zero maxRedirections), so this plain Agent never follows a 3xx.
  const agent = new Agent({
    connect: { lookup: guardedLookup(lookup, policy), timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  async function send(req: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const finish = (r: Omit<SendResult, 'duration_ms'>): SendResult => ({ ...r, duration_ms: Math.round(performance.now() - started) });

    const target = checkTarget(req.url, policy);
    if (!(target instanceof URL)) return finish({ ok: false, ...target });

    // Idle timeouts alone would let a receiver trickle one byte at a time forever.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DeadlineError(timeoutMs)), timeoutMs);
    let status: number | undefined;
    let headers: Record<string, string> | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    try {
      const res = await request(target, {
        dispatcher: agent,
        method: req.method ?? 'POST',
        headers: req.headers,
        body: req.body,
        signal: deadline.signal,
      });
      status = res.statusCode;
      headers = flattenHeaders(res.headers);
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        size += chunk.length;
        if (size > DELIVERY_RESPONSE_BODY_MAX) {
          truncated = true;
          break; // leaving the loop destroys the body: the rest is never downloaded
        }
      }
      const body = textPrefix(chunks);
      const redirect = status >= 300 && status <= 399 ? { error: `redirect not followed${headers.location ? ` (Location: ${headers.location})` : ''}` } : {};
      return finish({ ok: status >= 200 && status <= 299, status, headers, body, body_truncated: truncated, ...redirect });
    } catch (err) {
      // A failure after the status line still records what arrived: the attempt is a failure.
      const partial = status === undefined ? {} : { status, headers, body: textPrefix(chunks), body_truncated: false };
      return finish({ ok: false, ...partial, error_class: classifyError(err), error: describe(err) });
    } finally {
      clearTimeout(timer);
    }
  }

  // Idempotent: shutdown paths may close twice. In-flight sends finish (bounded by the deadline)
  // unless the caller gave up on them.
  let closed: Promise<void> | null = null;
  return {
    send,
    checkHost: (hostname) => checkHost(hostname, policy, lookup, DESTINATION_LOOKUP_TIMEOUT_MS),
    close: (opts = {}) => (closed ??= opts.abort ? agent.destroy() : agent.close()),
  };
}

/** The URL to request, or why it cannot be requested. */
function checkTarget(raw: string, policy: AddressPolicy): URL | { error_class: SendErrorClass; error: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error_class: 'other', error: 'url: not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { error_class: 'other', error: `url: scheme must be http or https, not ${url.protocol.slice(0, -1)}` };
  }
  if (url.username || url.password) {
    return { error_class: 'other', error: 'url: credentials in the URL are not supported; use an Authorization header' };
  }
  // Sockets skip the lookup for IP literals, so the guarded lookup never sees them: check here.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0 && checkAddress(host, policy) !== null) {
    return { error_class: 'refused_address', error: new AddressRefusedError(host, host, policy).message };
  }
  return url;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

/** UTF-8 text of the first bytes; a character cut in half at the limit is dropped, not mangled. */
function textPrefix(chunks: Buffer[]): string {
  const bytes = Buffer.concat(chunks).subarray(0, DELIVERY_RESPONSE_BODY_MAX);
  return new TextDecoder().decode(bytes, { stream: true });
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const CONNECTION_CODES = new Set([
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL',
]);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED_CERT|HOSTNAME_MISMATCH)/;

/** The error class of a failed attempt, looking through wrapped causes. */
export function classifyError(err: unknown): SendErrorClass {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (e instanceof AddressRefusedError || code === 'ERR_ADDRESS_REFUSED') return 'refused_address';
    if (e.name === 'TimeoutError' || TIMEOUT_CODES.has(code)) return 'timeout';
    if (TLS_CODE.test(code) || /\b(SSL|TLS)\b/.test(e.message)) return 'tls';
    if (CONNECTION_CODES.has(code)) return 'connection';
  }
  return 'other';
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err instanceof AddressRefusedError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
}
