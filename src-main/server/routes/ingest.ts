// Ingest endpoints of every dialect (PRODUCT.md §2). Thin: authenticate, rate-limit,
// read the body, hand it to the pipeline (which stores it durably), answer.
import type { Context } from 'koa';
import { findOrg, getSource } from '../../core/config-ops';
import type { Dialect } from '../../core/types';
import * as schemas from '../../schemas/ingest';
import { authenticateToken, requireScope, type Principal } from '../auth';
import { readJson } from '../body';
import type { ServerDeps } from '../deps';
import { answeringAsHec, hecEndpoint, hecRoutes } from '../hec';
import { HttpError } from '../http-error';
import { acceptRequest } from '../ingest-request';
import type { RouteDef } from '../route';
import { INGEST_PATHS } from '../../core/ingest-endpoints';
import * as R from '../../schemas/responses';

type Answer = 'single' | 'batch';

const ANSWER_SCHEMA: Record<Answer, Record<string, unknown>> = { single: R.ingestedSchema, batch: R.ingestedBatchSchema };

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

async function accept(ctx: Context, deps: ServerDeps, dialect: Dialect, principal: Principal, answer: Answer, path: string): Promise<void> {
  // A group is one request and Alertmanager drops it on a 413: its endpoint has its own, larger limit.
  const limit = dialect === 'alertmanager' ? deps.alertmanagerBodyLimit : undefined;
  const { ids, alertIds, duplicate } = await acceptRequest(ctx, deps, dialect, principal, path, () => readJson(ctx, { limit }));
  // 200 when every event was an exact retry: nothing new was stored.
  ctx.status = duplicate ? 200 : 202;
  if (answer === 'batch') ctx.body = { success: true, event_ids: ids, alert_ids: alertIds, ...(duplicate ? { duplicate: true } : {}) };
  else ctx.body = { success: true, event_id: ids[0], alert_id: alertIds[0], ...(duplicate ? { duplicate: true } : {}) };
}

export function ingestRoutes(deps: ServerDeps): RouteDef[] {
  const keyed = (dialect: Dialect, path: string, summary: string, documentedBody: object, answer: Answer): RouteDef => ({
    method: 'post', path, summary, tag: 'ingest', auth: 'ingest', documentedBody: documentedBody as Record<string, unknown>, responses: INGEST_RESPONSES, returns: ANSWER_SCHEMA[answer],
    handler: (ctx, { principal }) => accept(ctx, deps, dialect, principal, answer, path),
  });
  return [
    keyed('generic', INGEST_PATHS.generic, 'Ingest a generic alert (Calseta generic webhook)', schemas.genericSchema, 'single'),
    keyed('event', INGEST_PATHS.event, 'Ingest a FireHydrant-model event', schemas.eventSchema, 'single'),
    keyed('alertmanager', INGEST_PATHS.alertmanager, 'Ingest a Prometheus Alertmanager v4 webhook (one event per alert)', schemas.alertmanagerSchema, 'batch'),
    ...hecRoutes(deps),
    {
      method: 'post', path: INGEST_PATHS.signal_instance, summary: 'Ingest a Dispatch signal instance', tag: 'ingest', auth: 'ingest',
      documentedBody: schemas.signalInstanceSchema as Record<string, unknown>, responses: INGEST_RESPONSES, returns: R.ingestedSchema,
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
      responses: { ...INGEST_RESPONSES, '404': 'no custom source with that slug' }, returns: R.ingestedSchema,
      handler: async (ctx, { principal }) => {
        const source = getSource(deps.store.config(), principal.organization.id, String(ctx.params.slug));
        if (source.dialect !== 'custom') throw new HttpError(404, [`slug: "${source.slug}" is not a custom source (dialect ${source.dialect})`]);
        await accept(ctx, deps, 'custom', { ...principal, source }, 'single', ctx.path);
      },
    },
    {
      method: 'post', path: INGEST_PATHS.url_token, summary: "Ingest through a source's URL token (for tools that cannot set headers); the source's dialect applies", tag: 'ingest', auth: 'custom',
      pathParams: { token: "the source's URL token (shown once when issued): it is the credential, no Authorization header is needed" },
      responses: INGEST_RESPONSES, returns: { anyOf: [R.ingestedSchema, R.ingestedBatchSchema, R.hecAnswerSchema], description: "as the source's dialect answers" },
      handler: async (ctx) => {
        const principal = authenticateToken(deps, String(ctx.params.token));
        requireScope(principal, 'ingest');
        const dialect = principal.source!.dialect;
        // A Splunk sender pointed at a token URL gets Splunk's answers, as on /services/collector.
        if (dialect === 'splunk_hec') return answeringAsHec(ctx, deps, () => hecEndpoint(ctx, deps, 'event', '/v1/hooks/{token}', principal));
        await accept(ctx, deps, dialect, principal, dialect === 'alertmanager' ? 'batch' : 'single', '/v1/hooks/{token}');
      },
    },
  ];
}
