// One ingest request, whichever endpoint answers it: rate limit, read the body, accept the
// events, count the outcome. The endpoints shape their own answers (ours, or Splunk's).
import type { Context } from 'koa';
import type { Dialect, RequestMeta } from '../core/types';
import { StoreOverloadedError, StoreUnavailableError } from '../store/types';
import { acceptEvents, type Accepted } from './accept-events';
import type { Principal } from './auth';
import type { ServerDeps } from './deps';
import { HttpError } from './http-error';

function requestMeta(ctx: Context, principal: Principal, path: string): RequestMeta {
  return {
    method: ctx.method,
    path,
    remote_address: ctx.req.socket.remoteAddress ?? null,
    user_agent: ctx.get('user-agent') || null,
    content_length: Number(ctx.get('content-length')) || 0,
    content_type: ctx.get('content-type') || null,
    auth: principal.via === 'url_token' ? 'url_token' : 'api_key',
    key_id: principal.keyId,
    idempotency_key: ctx.get('idempotency-key') || null,
  };
}

function outcomeOf(err: unknown): string {
  if (err instanceof HttpError) return err.status === 429 ? 'rate_limited' : 'rejected';
  if (err instanceof StoreOverloadedError || err instanceof StoreUnavailableError) return 'overloaded';
  return 'failed';
}

/** `readBody` runs after the rate limit, so a refused request costs no parsing. */
export async function acceptRequest(
  ctx: Context, deps: ServerDeps, dialect: Dialect, principal: Principal, path: string, readBody: () => Promise<unknown>,
): Promise<Accepted> {
  try {
    const wait = deps.limiter.take(principal.rateKey);
    if (wait) throw new HttpError(429, [`rate: over this key's limit of ${deps.limiter.perSecond} requests/s; retry after ${wait}s`], { 'Retry-After': String(wait) });
    const body = await readBody();
    return await acceptEvents(deps, {
      dialect, body, organization: principal.organization, source: principal.source, request: requestMeta(ctx, principal, path),
    });
  } catch (err) {
    deps.metrics.events.inc({ dialect, outcome: outcomeOf(err) });
    throw err;
  }
}
