// Splunk HTTP Event Collector endpoints, answering as Splunk documents HEC so that every
// Splunk sender works unchanged: its paths, HTTP 200 {"text":"Success","code":0}, failures
// as {"text","code"} (plus our `errors`), any Content-Type, gzip bodies, and the token as
// "Splunk <t>", "Bearer <t>" or Basic with the token as password. The dialect (envelopes,
// raw lines, which code a bad event gets) lives in core/dialects/splunk-hec.ts.
import type { Context, Middleware } from 'koa';
import { checkHecEnvelopes, hecEventBody, hecRawBody, type HecEnvelopes, type HecProblem, type HecRawMeta } from '../core/dialects/splunk-hec';
import { HEC_CODES, hecAnswer, type HecCode } from '../core/splunk-hec-codes';
import { splunkHecSchema } from '../schemas/ingest';
import { authenticateKey, hasScope, type Principal } from './auth';
import { readRawBody } from './body';
import type { ServerDeps } from './deps';
import { HttpError } from './http-error';
import { acceptRequest } from './ingest-request';
import { errorAnswer } from './middleware/errors';
import type { RouteDef } from './route';
import { hecAnswerSchema } from '../schemas/responses';

/** A refusal with Splunk's code; the HTTP status is the code's unless a shared part chose one (413, 415, 429). */
class HecFailure extends HttpError {
  constructor(readonly code: HecCode, errors: string[], readonly invalidEventNumber?: number, status: number = HEC_CODES[code].status, headers: Record<string, string> = {}) {
    super(status, errors, headers);
  }
}

const fromProblem = (p: HecProblem): HecFailure => new HecFailure(p.code, p.errors, p.invalidEventNumber);

/**
 * Splunk's code for a failure raised by the parts HEC shares with every endpoint (Host check,
 * body, rate limit, store): the code Splunk gives that HTTP status.
 */
function codeForStatus(status: number): HecCode {
  if (status === 429 || status === 503) return 9;
  if (status >= 500) return 8;
  if (status === 401) return 3;
  if (status === 403) return 4; // a refused Host; `errors` says which
  return 6; // 400 (a broken body), 413 (too large), 415 (an encoding other than gzip)
}

function asFailure(err: unknown, deps: ServerDeps, ctx: Context): HecFailure {
  if (err instanceof HecFailure) return err;
  const known = errorAnswer(err);
  if (!known) {
    deps.logger.error('request failed', { method: ctx.method, path: ctx.path, err });
    return new HecFailure(8, ['server: internal error; see the appliance log']);
  }
  return new HecFailure(codeForStatus(known.status), known.errors, undefined, known.status, known.headers);
}

function answerFailure(ctx: Context, failure: HecFailure): void {
  ctx.status = failure.status;
  ctx.set(failure.headers);
  ctx.body = { ...hecAnswer(failure.code, failure.invalidEventNumber), errors: failure.errors };
}

/** Runs `fn`, answering whatever fails in Splunk's shape. */
export async function answeringAsHec(ctx: Context, deps: ServerDeps, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    answerFailure(ctx, asFailure(err, deps, ctx));
  }
}

const isHecPath = (path: string): boolean => path === '/services/collector' || path.startsWith('/services/collector/');

/**
 * Everything under /services/collector answers in Splunk's shape, also what fails before a
 * route runs (a refused Host) and a path or method that does not exist: a sender that only
 * reads `code` would take a bare {"errors"} for success and lose its events.
 */
export function hecAnswers(deps: ServerDeps): Middleware {
  return (ctx, next) => {
    if (!isHecPath(ctx.path)) return next();
    return answeringAsHec(ctx, deps, async () => {
      await next();
      if ((ctx.status === 404 || ctx.status === 405) && ctx.body == null) {
        const allowed = ctx.response.get('Allow');
        throw new HecFailure(404, [allowed ? `method: ${ctx.method} is not allowed on ${ctx.path}; allowed: ${allowed}` : `path: no endpoint ${ctx.method} ${ctx.path}; see /openapi.json`], undefined, ctx.status, allowed ? { Allow: allowed } : {});
      }
    });
  };
}

const TOKEN_FORMS = '"Authorization: Splunk <key>", "Bearer <key>", or Basic auth with the key as password';

/** The token as Splunk takes it: `Splunk <t>`, `Bearer <t>`, or Basic with the token as password. */
function presentedToken(ctx: Context): string {
  const header = ctx.get('authorization');
  if (!header) {
    if (ctx.query.token !== undefined) throw new HecFailure(16, [`token: a key in the query string is not accepted; send ${TOKEN_FORMS}`]);
    throw new HecFailure(2, [`authorization: missing; send ${TOKEN_FORMS}`]);
  }
  const m = /^(Splunk|Bearer|Basic)\s+(\S+)\s*$/i.exec(header);
  if (m && m[1].toLowerCase() !== 'basic') return m[2];
  if (m) {
    const decoded = Buffer.from(m[2], 'base64').toString('utf8');
    const password = decoded.slice(decoded.indexOf(':') + 1);
    if (decoded.includes(':') && password) return password;
  }
  throw new HecFailure(3, [`authorization: expected ${TOKEN_FORMS}`]);
}

function hecPrincipal(ctx: Context, deps: ServerDeps): Principal {
  const token = presentedToken(ctx);
  let principal: Principal;
  try {
    principal = authenticateKey(deps, token);
  } catch {
    throw new HecFailure(4, ['authorization: unknown key']);
  }
  if (!hasScope(principal, 'ingest')) throw new HecFailure(4, ['authorization: this key lacks the "ingest" scope']);
  return principal;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function firstQuery(ctx: Context, name: string): string | undefined {
  const v = ctx.query[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A data channel is optional here (no indexer acknowledgement), but when given it must be a GUID, as in Splunk. */
function checkChannel(ctx: Context): void {
  const channel = ctx.get('x-splunk-request-channel') || firstQuery(ctx, 'channel');
  if (channel && !GUID.test(channel)) throw new HecFailure(11, [`channel: "${channel.slice(0, 64)}" is not a GUID`]);
}

export type HecKind = 'event' | 'raw';

async function envelopesOf(ctx: Context, kind: HecKind): Promise<unknown[]> {
  const bytes = await readRawBody(ctx, { anyType: true, gzip: true });
  const meta: HecRawMeta = { host: firstQuery(ctx, 'host'), source: firstQuery(ctx, 'source'), sourcetype: firstQuery(ctx, 'sourcetype'), index: firstQuery(ctx, 'index') };
  const read: HecEnvelopes = kind === 'raw' ? hecRawBody(bytes, meta) : hecEventBody(bytes);
  if (!read.ok) throw fromProblem(read.problem);
  const problem = checkHecEnvelopes(read.envelopes);
  if (problem) throw fromProblem(problem);
  return read.envelopes;
}

/** One HEC request; `principal` is given when a source's URL token already authenticated it. Failures are thrown, for answeringAsHec. */
export async function hecEndpoint(ctx: Context, deps: ServerDeps, kind: HecKind, path: string, principal?: Principal): Promise<void> {
  const caller = principal ?? hecPrincipal(ctx, deps);
  checkChannel(ctx);
  const { duplicate } = await acceptRequest(ctx, deps, 'splunk_hec', caller, path, () => envelopesOf(ctx, kind));
  ctx.status = 200;
  ctx.body = { ...hecAnswer(0), ...(duplicate ? { duplicate: true } : {}) };
}

/** Indexer acknowledgement is not offered: a 200 already means the events are on disk. */
function refuseAck(ctx: Context, deps: ServerDeps): never {
  hecPrincipal(ctx, deps);
  throw new HecFailure(14, ['ack: indexer acknowledgement is not offered; a 200 already means the events are on disk']);
}

const HEC_RESPONSES = {
  '200': '{"text":"Success","code":0}: stored durably (with "duplicate": true for an exact retry)',
  '400': 'code 5 no data, 6 invalid data format (with invalid-event-number), 11 invalid data channel, 12 event field is required, 13 event field cannot be blank, 16 key in the query string',
  '401': 'code 2 token is required, 3 invalid authorization',
  '403': 'code 4 invalid token (an unknown key, a key without the ingest scope, or a Host the appliance does not answer to)',
  '413': 'code 6: body (or its decompressed form) over the limit',
  '415': 'code 6: a Content-Encoding other than gzip',
  '429': 'code 9: over the per-key rate limit (see Retry-After)',
  '503': 'code 9: write queue saturated or disk failing (see Retry-After)',
};

export function hecRoutes(deps: ServerDeps): RouteDef[] {
  const post = (path: string, kind: HecKind, summary: string): RouteDef => ({
    method: 'post', path, summary, tag: 'ingest', auth: 'hec', responses: HEC_RESPONSES, returns: hecAnswerSchema,
    ...(kind === 'event' ? { documentedBody: splunkHecSchema as Record<string, unknown> } : {}),
    handler: (ctx) => hecEndpoint(ctx, deps, kind, path),
  });
  const health = (path: string): RouteDef => ({
    method: 'get', path, summary: 'Splunk HEC health: {"text":"HEC is healthy","code":17}', tag: 'ingest', auth: 'public',
    responses: { '200': '{"text":"HEC is healthy","code":17}', '503': '{"text":"HEC is unhealthy, queues are full","code":18}: the store cannot write' }, returns: hecAnswerSchema,
    handler: (ctx) => {
      const writable = deps.health.appliance().store.writable;
      ctx.status = writable ? 200 : 503;
      ctx.body = hecAnswer(writable ? 17 : 18);
    },
  });
  const events = 'Splunk HEC events: JSON envelopes back to back (Splunk\'s batch form), one, or an array; any Content-Type, gzip accepted';
  const raw = 'Splunk HEC raw: each line of the body is one event; host, source, sourcetype and index from the query string';
  return [
    post('/services/collector', 'event', events),
    post('/services/collector/event', 'event', events),
    post('/services/collector/event/1.0', 'event', events),
    post('/services/collector/raw', 'raw', raw),
    post('/services/collector/raw/1.0', 'raw', raw),
    {
      method: 'post', path: '/services/collector/ack', summary: 'Splunk HEC indexer acknowledgement: not offered (code 14, ACK is disabled)', tag: 'ingest', auth: 'hec',
      responses: { '400': 'code 14: ACK is disabled; a 200 from the event paths already means the events are on disk', '401': HEC_RESPONSES['401'], '403': HEC_RESPONSES['403'] },
      handler: (ctx) => refuseAck(ctx, deps),
    },
    health('/services/collector/health'),
    health('/services/collector/health/1.0'),
  ];
}
