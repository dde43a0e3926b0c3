// What an event records of the HTTP request that brought it (never the key or the token).
import type { Context } from 'koa';
import type { RequestMeta } from '../core/types';
import type { Principal } from './auth';
import { receivedHeaders, receivedQuery } from './received-request';

/** A request to an ingest endpoint, authenticated by an API key or a source's URL token. */
export function ingestRequest(ctx: Context, principal: Principal, path: string): RequestMeta {
  // Headers and query as received, secrets masked: the inspector shows what exactly was sent.
  const { headers, omitted } = receivedHeaders(ctx.req.rawHeaders);
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
    headers,
    ...(omitted > 0 ? { headers_omitted: omitted } : {}),
    query: receivedQuery(ctx.querystring),
  };
}

/** An event sent from the UI (a sample, a replay): who, by which route, and that no key was used. */
export function uiRequest(ctx: Context, principal: Principal, path: string, bytes: number, replayOf?: string): RequestMeta {
  return {
    method: 'POST', path, remote_address: ctx.req.socket.remoteAddress ?? null, user_agent: ctx.get('user-agent') || null,
    content_length: bytes, content_type: 'application/json', auth: 'session', key_id: principal.keyId, idempotency_key: null,
    ...(replayOf ? { replay_of: replayOf } : {}),
  };
}
