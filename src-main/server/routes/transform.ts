// The organization's transform config (Armor shape), its versions and preview, the
// tag store it resolves {{names}} from, and the search URL template for log links.
import type { Context } from 'koa';
import * as tx from '../../core/transform/config-ops';
import { recordOf, render } from '../../core/transform/render';
import type { TransformBody, TransformConfig } from '../../core/transform/types';
import type { ConfigData } from '../../core/config-data';
import type { SearchUrlSaved } from '../../../src-shared/settings';
import type { TransformDiff, TransformPreview } from '../../../src-shared/transform';
import type { Organization } from '../../core/types';
import { searchUrlSchema, rollbackSchema, tagValueSchema, transformPreviewSchema } from '../../schemas/settings';
import { transformBodySchema } from '../../schemas/transform';
import type { Principal } from '../auth';
import type { ServerDeps } from '../deps';
import { HttpError } from '../http-error';
import { withBody, type RouteDef } from '../route';
import { visibleOrgs } from './config';
import { readJson } from '../body';
import * as R from '../../schemas/responses';

/** Armor bodies get their key paths checked beyond the schema; every problem listed. */
async function readTransformBody(ctx: Context): Promise<TransformBody> {
  return tx.parseTransformBody(await readJson(ctx));
}

export function transformRoutes(deps: ServerDeps): RouteDef[] {
  const now = () => deps.now();
  const update = <T>(fn: (d: ConfigData) => T) => deps.store.updateConfig(fn);
  const create = async (ctx: Context, org: Organization) => {
    const body = await readTransformBody(ctx);
    ctx.status = 201;
    ctx.body = await update((d) => tx.createTransform(d, org.id, body, now()));
  };
  const armorOrg = (ctx: Context, principal: Principal) => {
    const wanted = String(ctx.params.org);
    const org = visibleOrgs(deps.store.config(), principal.organization).find((o) => o.id === wanted || o.slug === wanted);
    if (!org) throw new HttpError(404, [`org: no organization "${wanted}" under yours`]);
    return org;
  };
  return [
    {
      method: 'get', path: '/api/transform', summary: "The organization's transform config", tag: 'transform', auth: 'admin',
      responses: { '200': 'the config', '404': 'none yet' }, returns: R.transformSchema,
      handler: (ctx, { principal }) => {
        ctx.body = tx.getTransform(deps.store.config(), principal.organization.id);
      },
    },
    {
      method: 'post', path: '/api/transform', summary: 'Create the transform config (one per organization: a second create is a 409)', tag: 'transform', auth: 'admin',
      documentedBody: transformBodySchema, responses: { '201': 'created', '400': 'invalid', '409': 'already exists' }, returns: R.transformSchema,
      handler: (ctx, { principal }) => create(ctx, principal.organization),
    },
    {
      method: 'post', path: '/v1/accounts/:org/transform', summary: 'Armor-shaped create of an organization\'s transform config', tag: 'transform', auth: 'admin',
      documentedBody: transformBodySchema, responses: { '201': 'created', '400': 'invalid', '404': 'no such organization', '409': 'already exists' }, returns: R.transformSchema,
      handler: (ctx, { principal }) => create(ctx, armorOrg(ctx, principal)),
    },
    {
      method: 'put', path: '/api/transform', summary: 'Replace the transform config; the previous one is kept as a version', tag: 'transform', auth: 'admin',
      documentedBody: transformBodySchema, responses: { '200': 'replaced', '400': 'invalid', '404': 'none yet' }, returns: R.transformSchema,
      handler: async (ctx, { principal }) => {
        const body = await readTransformBody(ctx);
        ctx.body = await update((d) => tx.replaceTransform(d, principal.organization.id, body, now()));
      },
    },
    {
      method: 'get', path: '/api/transform/versions', summary: 'Every saved version, oldest first, the current one last', tag: 'transform', auth: 'admin',
      responses: { '200': '{items}' }, returns: R.pageOf(R.transformVersionSchema),
      handler: (ctx, { principal }) => {
        ctx.body = { items: tx.listVersions(deps.store.config(), principal.organization.id), next_cursor: null };
      },
    },
    {
      method: 'get', path: '/api/transform/diff', summary: 'What changed between two versions (?a=1&b=2)', tag: 'transform', auth: 'admin',
      query: [{ name: 'a', description: 'older version' }, { name: 'b', description: 'newer version' }],
      responses: { '200': '{changes: [{path, before, after}]}', '400': 'bad version numbers', '404': 'no such version' }, returns: R.transformDiffSchema,
      handler: (ctx, { principal }) => {
        const [a, b] = [Number(ctx.query.a), Number(ctx.query.b)];
        const errors = [...(Number.isInteger(a) && a > 0 ? [] : ['a: must be a version number']), ...(Number.isInteger(b) && b > 0 ? [] : ['b: must be a version number'])];
        if (errors.length) throw new HttpError(400, errors);
        const config = deps.store.config();
        ctx.body = { changes: tx.diffVersions(tx.getVersion(config, principal.organization.id, a), tx.getVersion(config, principal.organization.id, b)) } satisfies TransformDiff;
      },
    },
    withBody({
      method: 'post', path: '/api/transform/rollback', summary: 'Restore an earlier version (saved as a new version)', tag: 'transform', auth: 'admin',
      body: rollbackSchema, responses: { '200': 'the restored config', '400': 'invalid', '404': 'no such version' }, returns: R.transformSchema,
      handler: async (ctx, { principal, body }) => {
        ctx.body = await update((d) => tx.rollbackTransform(d, principal.organization.id, body.version, now()));
      },
    }),
    withBody({
      method: 'post', path: '/api/transform/preview', summary: 'Render a stored event (or a sample record) through the saved or a draft config; lists unresolved names', tag: 'transform', auth: 'admin',
      body: transformPreviewSchema, responses: { '200': '{payload, unresolved, notes}', '400': 'invalid draft', '404': 'no such event or no config' }, returns: R.transformPreviewSchema,
      handler: async (ctx, { principal, body: input }) => {
        const org = principal.organization.id;
        const config = deps.store.config();
        let records: Record<string, unknown>[];
        if (input.event_id) {
          const event = await deps.store.getEvent(input.event_id);
          if (!event || event.organization !== org) throw new HttpError(404, [`event_id: no event "${input.event_id}"`]);
          records = [recordOf(event)];
        } else if (input.sample) {
          records = [input.sample];
        } else {
          throw new HttpError(400, ['event_id: give a stored event_id or a sample record']);
        }
        let draft: TransformConfig;
        if (input.config) {
          const errors = tx.transformBodyErrors(input.config);
          if (errors.length) throw new HttpError(400, errors.map((e) => `config.${e}`));
          // Rendered on a scratch copy: a preview never saves anything.
          const scratch = tx.emptyTransformsConfig();
          draft = tx.createTransform(scratch, org, input.config, now());
        } else {
          draft = tx.getTransform(config, org);
        }
        const chain = tx.orgChainOf(config.orgs, org);
        const parents = tx.effectiveTransforms(config, chain).filter((t) => t.organization !== org);
        ctx.body = render(draft, { records }, { tags: tx.tagMap(config, chain), searchUrlTemplate: tx.searchUrlTemplate(config.settings, org), parents }) satisfies TransformPreview;
      },
    }),
    {
      method: 'get', path: '/api/tags', summary: "The organization's tag store ({{name}} values for transforms)", tag: 'transform', auth: 'admin',
      responses: { '200': '{items}' }, returns: R.pageOf(R.tagSchema),
      handler: (ctx, { principal }) => {
        ctx.body = { items: tx.listTags(deps.store.config(), principal.organization.id), next_cursor: null };
      },
    },
    withBody({
      method: 'put', path: '/api/tags/:key', summary: 'Set a tag store value', tag: 'transform', auth: 'admin',
      body: tagValueSchema, responses: { '200': 'the entry', '400': 'invalid' }, returns: R.tagSchema,
      handler: async (ctx, { principal, body }) => {
        ctx.body = await update((d) => tx.setTag(d, principal.organization.id, { key: String(ctx.params.key), value: body.value }));
      },
    }),
    {
      method: 'delete', path: '/api/tags/:key', summary: 'Remove a tag store value', tag: 'transform', auth: 'admin',
      responses: { '204': 'removed', '404': 'no such tag' },
      handler: async (ctx, { principal }) => {
        await update((d) => tx.deleteTag(d, principal.organization.id, String(ctx.params.key)));
        ctx.status = 204;
      },
    },
    withBody({
      method: 'put', path: '/api/settings/search-url-template', summary: 'The search link template add_log_search_url uses ({{value}} is replaced)', tag: 'transform', auth: 'admin',
      body: searchUrlSchema, responses: { '200': '{template}', '400': 'invalid' }, returns: R.searchUrlTemplateSchema,
      handler: async (ctx, { principal, body }) => {
        const { template } = body;
        await update((d) => {
          const all = { ...((d.settings.search_url_templates as Record<string, string>) ?? {}) };
          if (template === null) delete all[principal.organization.id];
          else all[principal.organization.id] = template;
          d.settings.search_url_templates = all;
        });
        ctx.body = { template } satisfies SearchUrlSaved;
      },
    }),
  ];
}
