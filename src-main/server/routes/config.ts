// Organizations, API keys, sources and indicator mappings.
import type { ApiKeyCreated } from '../../../src-shared/settings';
import type { SourceTestResult, SourceWithToken } from '../../../src-shared/sources';
import type { Context } from 'koa';
import * as ops from '../../core/config-ops';
import { checkTransposer, ingest } from '../../core/ingest';
import type { ConfigData } from '../../core/config-data';
import type { Organization, SourceRecord } from '../../core/types';
import * as schemas from '../../schemas/management';
import type { Principal } from '../auth';
import type { ServerDeps } from '../deps';
import { HttpError } from '../http-error';
import { withBody, type RouteDef } from '../route';
import { ingestPath } from '../../core/ingest-endpoints';
import { randomUUID } from 'node:crypto';
import * as R from '../../schemas/responses';

/**
 * The caller's organization and every organization below it (partner → children);
 * the `default` organization administers the whole appliance.
 */
export function visibleOrgs(config: Readonly<ConfigData>, root: Organization): Organization[] {
  if (root.slug === ops.DEFAULT_ORG_SLUG) return [...config.orgs];
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const o of config.orgs) if (o.parent_id === out[i].id) out.push(o);
  return out;
}

function orgInScope(config: Readonly<ConfigData>, principal: Principal, idOrSlug: string): Organization {
  const org = visibleOrgs(config, principal.organization).find((o) => o.id === idOrSlug || o.slug === idOrSlug);
  if (!org) throw new HttpError(404, [`organization: no organization "${idOrSlug}" under yours`]);
  return org;
}

function sourceView(deps: ServerDeps, s: SourceRecord, token: string | null = null): SourceWithToken {
  const base = deps.baseUrl();
  const org = deps.store.config().orgs.find((o) => o.id === s.organization);
  return {
    ...ops.publicSource(s),
    ingest_url: base + ingestPath(s.dialect, org?.slug ?? 'default', s.slug),
    // The token exists in clear only in this one answer.
    ...(token ? { url_token: token, hook_url: `${base}/v1/hooks/${token}` } : {}),
  };
}

export function configRoutes(deps: ServerDeps): RouteDef[] {
  const now = () => deps.now();
  const update = <T>(fn: (d: ConfigData) => T) => deps.store.updateConfig(fn);
  const created = (ctx: Context, body: unknown) => {
    ctx.status = 201;
    ctx.body = body;
  };
  return [
    {
      method: 'get', path: '/api/orgs', summary: 'Organizations visible to the caller (its own and its children)', tag: 'organizations', auth: 'admin',
      responses: { '200': '{items, next_cursor}' }, returns: R.pageOf(R.organizationSchema),
      handler: (ctx, { principal }) => {
        ctx.body = { items: visibleOrgs(deps.store.config(), principal.organization), next_cursor: null };
      },
    },
    withBody({
      method: 'post', path: '/api/orgs', summary: 'Create an organization (a child of the caller\'s unless parent_id says otherwise)', tag: 'organizations', auth: 'admin',
      body: schemas.orgCreateSchema, responses: { '201': 'created', '400': 'invalid', '409': 'slug taken' }, returns: R.organizationSchema,
      handler: async (ctx, { principal, body: input }) => {
        const isRoot = principal.organization.slug === ops.DEFAULT_ORG_SLUG;
        const parent = input.parent_id ? orgInScope(deps.store.config(), principal, input.parent_id).id : isRoot ? null : principal.organization.id;
        created(ctx, await update((d) => ops.createOrg(d, { ...input, parent_id: parent }, now())));
      },
    }),
    {
      method: 'get', path: '/api/keys', summary: 'API keys of the caller\'s organizations (never the secrets)', tag: 'keys', auth: 'admin',
      responses: { '200': '{items, next_cursor}' }, returns: R.pageOf(R.apiKeySchema),
      handler: (ctx, { principal }) => {
        const config = deps.store.config();
        const orgs = new Set(visibleOrgs(config, principal.organization).map((o) => o.id));
        ctx.body = { items: config.keys.filter((k) => orgs.has(k.organization)).map(ops.publicKey).reverse(), next_cursor: null };
      },
    },
    withBody({
      method: 'post', path: '/api/keys', summary: 'Create an API key; the key is in this answer only', tag: 'keys', auth: 'admin',
      body: schemas.keyCreateSchema, responses: { '201': 'created, with `key`', '400': 'invalid' }, returns: R.apiKeyCreatedSchema,
      handler: async (ctx, { principal, body: input }) => {
        const org = input.organization ? orgInScope(deps.store.config(), principal, input.organization) : principal.organization;
        const { record, key } = await update((d) => ops.createKey(d, { name: input.name, scopes: input.scopes, organization: org.id }, now()));
        created(ctx, { ...ops.publicKey(record), key } satisfies ApiKeyCreated);
      },
    }),
    {
      method: 'delete', path: '/api/keys/:id', summary: 'Revoke an API key', tag: 'keys', auth: 'admin',
      responses: { '204': 'revoked', '404': 'no such key' },
      handler: async (ctx, { principal }) => {
        const config = deps.store.config();
        const key = config.keys.find((k) => k.id === ctx.params.id);
        const orgs = new Set(visibleOrgs(config, principal.organization).map((o) => o.id));
        if (!key || !orgs.has(key.organization)) throw new HttpError(404, [`id: no key "${ctx.params.id}"`]);
        await update((d) => ops.deleteKey(d, key.id, key.organization));
        ctx.status = 204;
      },
    },
    {
      method: 'get', path: '/api/sources', summary: 'Configured sources with their ingest URLs', tag: 'sources', auth: 'admin',
      responses: { '200': '{items, next_cursor}' }, returns: R.pageOf(R.sourceSchema),
      handler: (ctx, { principal }) => {
        const items = deps.store.config().sources.filter((s) => s.organization === principal.organization.id).map((s) => sourceView(deps, s)).reverse();
        ctx.body = { items, next_cursor: null };
      },
    },
    withBody({
      method: 'post', path: '/api/sources', summary: 'Create a source (custom ones carry a JSONata transposer); url_token issues a hook URL shown once', tag: 'sources', auth: 'admin',
      body: schemas.sourceCreateSchema, responses: { '201': 'created', '400': 'invalid (transposer compile errors listed)', '409': 'name taken' }, returns: R.sourceSchema,
      handler: async (ctx, { principal, body }) => {
        const { record, token } = await update((d) => ops.createSource(d, principal.organization.id, body, checkTransposer, now()));
        created(ctx, sourceView(deps, record, token));
      },
    }),
    {
      method: 'get', path: '/api/sources/:id', summary: 'One source', tag: 'sources', auth: 'admin',
      responses: { '200': 'the source', '404': 'no such source' }, returns: R.sourceSchema,
      handler: (ctx, { principal }) => {
        ctx.body = sourceView(deps, ops.getSource(deps.store.config(), principal.organization.id, String(ctx.params.id)));
      },
    },
    withBody({
      method: 'patch', path: '/api/sources/:id', summary: 'Rename a source or replace its transposer', tag: 'sources', auth: 'admin',
      body: schemas.sourceUpdateSchema, responses: { '200': 'updated', '400': 'invalid', '404': 'no such source', '409': 'name taken' }, returns: R.sourceSchema,
      handler: async (ctx, { principal, body }) => {
        const record = await update((d) => ops.updateSource(d, principal.organization.id, String(ctx.params.id), body, checkTransposer, now()));
        ctx.body = sourceView(deps, record);
      },
    }),
    {
      method: 'delete', path: '/api/sources/:id', summary: 'Delete a source (its URL token stops working)', tag: 'sources', auth: 'admin',
      responses: { '204': 'deleted', '404': 'no such source' },
      handler: async (ctx, { principal }) => {
        await update((d) => ops.deleteSource(d, principal.organization.id, String(ctx.params.id)));
        ctx.status = 204;
      },
    },
    {
      method: 'post', path: '/api/sources/:id/rotate-token', summary: 'Issue a new URL token (the old one stops working); shown once', tag: 'sources', auth: 'admin',
      responses: { '200': 'the source with url_token and hook_url', '404': 'no such source' }, returns: R.sourceSchema,
      handler: async (ctx, { principal }) => {
        const { record, token } = await update((d) => ops.rotateSourceToken(d, principal.organization.id, String(ctx.params.id), now()));
        ctx.body = sourceView(deps, record, token);
      },
    },
    withBody({
      method: 'post', path: '/api/sources/:id/test', summary: 'Run a sample through the source (a draft transposer may be given) without storing anything', tag: 'sources', auth: 'admin',
      body: schemas.sourceTestSchema, responses: { '200': '{events}: the normalized events the sample would produce', '400': 'what is wrong with the sample or transposer', '404': 'no such source' }, returns: R.sourceTestSchema,
      handler: async (ctx, { principal, body: input }) => {
        const stored = ops.getSource(deps.store.config(), principal.organization.id, String(ctx.params.id));
        if (input.transposer !== undefined && stored.dialect !== 'custom') throw new HttpError(400, [`transposer: only custom sources have a transposer (dialect is ${stored.dialect})`]);
        if (input.transposer !== undefined) {
          const errors = checkTransposer(input.transposer);
          if (errors.length) throw new HttpError(400, errors);
        }
        const source = input.transposer !== undefined ? { ...stored, transposer: input.transposer } : stored;
        const result = await ingest(source.dialect, input.sample, {
          organization: principal.organization,
          source,
          receivedAt: now(),
          request: { method: 'POST', path: `/api/sources/${stored.id}/test`, remote_address: null, user_agent: null, content_length: 0, content_type: 'application/json', auth: 'api_key', key_id: principal.keyId, idempotency_key: null },
          customMappings: deps.store.config().indicator_mappings.filter((m) => m.organization === principal.organization.id),
          newId: randomUUID,
        });
        if (!result.ok) throw new HttpError(400, result.errors);
        ctx.body = { events: result.events } satisfies SourceTestResult;
      },
    }),
    {
      method: 'get', path: '/api/indicator-mappings', summary: 'Custom indicator mappings (pass 3): raw payload paths → indicator types', tag: 'indicators', auth: 'admin',
      responses: { '200': '{items, next_cursor}' }, returns: R.pageOf(R.indicatorMappingSchema),
      handler: (ctx, { principal }) => {
        ctx.body = { items: deps.store.config().indicator_mappings.filter((m) => m.organization === principal.organization.id), next_cursor: null };
      },
    },
    withBody({
      method: 'post', path: '/api/indicator-mappings', summary: 'Add a custom indicator mapping', tag: 'indicators', auth: 'admin',
      body: schemas.indicatorMappingCreateSchema, responses: { '201': 'created', '400': 'invalid' }, returns: R.indicatorMappingSchema,
      handler: async (ctx, { principal, body }) => {
        created(ctx, await update((d) => ops.createIndicatorMapping(d, principal.organization.id, body, now())));
      },
    }),
    {
      method: 'delete', path: '/api/indicator-mappings/:id', summary: 'Remove a custom indicator mapping', tag: 'indicators', auth: 'admin',
      responses: { '204': 'removed', '404': 'no such mapping' },
      handler: async (ctx, { principal }) => {
        await update((d) => ops.deleteIndicatorMapping(d, principal.organization.id, String(ctx.params.id)));
        ctx.status = 204;
      },
    },
  ];
}
