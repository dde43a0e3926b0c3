// Ingest endpoints of every dialect (PRODUCT.md §2). Thin: authenticate, rate-limit,
// read the body, hand it to core, store durably, answer.
import type { Context } from 'koa';
import { findOrg, getSource } from '../../core/config-ops';
import type { Dialect, RequestMeta } from '../../core/types';
import { StoreOverloadedError, StoreUnavailableError } from '../../store/types';
import * as schemas from '../../schemas/ingest';
import { authenticateToken, requireScope, type Principal } from '../auth';
import { readJson } from '../body';
import { acceptEvents } from '../accept-events';
import type { ServerDeps } from '../deps';
import { HttpError } from '../http-error';
import type { RouteDef } from '../route';
import { INGEST_PATHS } from '../../core/ingest-endpoints';

type Answer = 'single' | 'batch' | 'hec';

const INGEST_RESPONSES = {
  '202': 'accepted and durably stored',
  '200': 'an exact retry (same instance id or Idempotency-Key): nothing new stored',
  '400': 'invalid JSON (with position) or fields; every problem listed',
  '401': 'no or unknown key',
  '403': 'key of another organization or without the ingest scope',
  '413': 'body over the limit',
  '415': 'not JSON',
  '429': 'over the per-key rate limit (see Retry-After)',
  '503': 'write queue saturated or disk failing (see Retry-After)',
};

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

async function accept(ctx: Context, deps: ServerDeps, dialect: Dialect, principal: Principal, answer: Answer, path: string): Promise<void> {
  try {
    const wait = deps.limiter.take(principal.rateKey);
    if (wait) throw new HttpError(429, [`rate: over this key's limit of ${deps.limiter.perSecond} requests/s; retry after ${wait}s`], { 'Retry-After': String(wait) });
    const body = await readJson(ctx, { anyType: dialect === 'splunk_hec', concatenated: dialect === 'splunk_hec' });
    const { status, ids, alertIds, duplicate } = await acceptEvents(deps, {
      dialect, body, organization: principal.organization, source: principal.source, request: requestMeta(ctx, principal, path),
    });
    ctx.status = status;
    if (answer === 'hec') ctx.body = { text: 'Success', code: 0, ...(duplicate ? { duplicate: true } : {}) };
    else if (answer === 'batch') ctx.body = { success: true, event_ids: ids, alert_ids: alertIds, ...(duplicate ? { duplicate: true } : {}) };
    else ctx.body = { success: true, event_id: ids[0], alert_id: alertIds[0], ...(duplicate ? { duplicate: true } : {}) };
  } catch (err) {
    deps.metrics.events.inc({ dialect, outcome: outcomeOf(err) });
    throw err;
  }
}

/** HEC answers one object for one envelope; arrays and concatenated envelopes are batches. */
export function ingestRoutes(deps: ServerDeps): RouteDef[] {
  const keyed = (dialect: Dialect, path: string, summary: string, documentedBody: object, answer: Answer): RouteDef => ({
    method: 'post', path, summary, tag: 'ingest', auth: 'ingest', documentedBody: documentedBody as Record<string, unknown>, responses: INGEST_RESPONSES,
    handler: (ctx, { principal }) => accept(ctx, deps, dialect, principal, answer, path),
  });
  return [
    keyed('generic', INGEST_PATHS.generic, 'Ingest a generic alert (Calseta generic webhook)', schemas.genericSchema, 'single'),
    keyed('event', INGEST_PATHS.event, 'Ingest a FireHydrant-model event', schemas.eventSchema, 'single'),
    keyed('alertmanager', INGEST_PATHS.alertmanager, 'Ingest a Prometheus Alertmanager v4 webhook (one event per alert)', schemas.alertmanagerSchema, 'batch'),
    keyed('splunk_hec', INGEST_PATHS.splunk_hec, 'Ingest Splunk HEC envelopes (one, an array, or back to back); also "Authorization: Splunk <key>"', schemas.splunkHecSchema, 'hec'),
    {
      method: 'post', path: INGEST_PATHS.signal_instance, summary: 'Ingest a Dispatch signal instance', tag: 'ingest', auth: 'ingest',
      documentedBody: schemas.signalInstanceSchema as Record<string, unknown>, responses: INGEST_RESPONSES,
      handler: async (ctx, { principal }) => {
        const wanted = String(ctx.params.organization);
        const org = findOrg(deps.store.config(), wanted);
        if (!org || org.id !== principal.organization.id) {
          throw new HttpError(403, [`organization: this key belongs to organization "${principal.organization.slug}", not "${wanted}"`]);
        }
        await accept(ctx, deps, 'signal_instance', principal, 'single', ctx.path);
      },
    },
    {
      method: 'post', path: INGEST_PATHS.custom, summary: "Ingest any JSON through a custom source's JSONata transposer", tag: 'ingest', auth: 'ingest',
      responses: { ...INGEST_RESPONSES, '404': 'no custom source with that slug' },
      handler: async (ctx, { principal }) => {
        const source = getSource(deps.store.config(), principal.organization.id, String(ctx.params.slug));
        if (source.dialect !== 'custom') throw new HttpError(404, [`slug: "${source.slug}" is not a custom source (dialect ${source.dialect})`]);
        await accept(ctx, deps, 'custom', { ...principal, source }, 'single', ctx.path);
      },
    },
    {
      method: 'post', path: INGEST_PATHS.url_token, summary: "Ingest through a source's URL token (for tools that cannot set headers); the source's dialect applies", tag: 'ingest', auth: 'custom',
      responses: INGEST_RESPONSES,
      handler: async (ctx) => {
        const principal = authenticateToken(deps, String(ctx.params.token));
        requireScope(principal, 'ingest');
        const dialect = principal.source!.dialect;
        const answer: Answer = dialect === 'splunk_hec' ? 'hec' : dialect === 'alertmanager' ? 'batch' : 'single';
        await accept(ctx, deps, dialect, principal, answer, '/v1/hooks/{token}');
      },
    },
  ];
}
