// Rules: conditions over events → actions (destinations, the bell, e-mail), with a dry run
// over the last stored events that says what would have fired and where it would have gone.
import * as rules from '../../core/rules';
import { ruleCreateSchema, ruleDryRunSchema, ruleUpdateSchema } from '../../schemas/rules';
import type { ServerDeps } from '../deps';
import { withBody, type RouteDef } from '../route';
import type { NormalizedEvent } from '../../core/types';
import * as R from '../../schemas/responses';

const DRY_RUN_DEFAULT = 100;

export function ruleRoutes(deps: ServerDeps): RouteDef[] {
  const now = () => deps.now();
  const destinationIds = (org: string) => ({ destinationIds: deps.store.config().destinations.filter((d) => d.organization === org).map((d) => d.id) });
  return [
    {
      method: 'get', path: '/api/rules', summary: 'Rules, in evaluation order', tag: 'rules', auth: 'admin',
      responses: { '200': '{items, next_cursor}' }, returns: R.pageOf(R.ruleSchema),
      handler: (ctx, { principal }) => {
        ctx.body = { items: rules.listRules(deps.store.config(), principal.organization.id), next_cursor: null };
      },
    },
    withBody({
      method: 'post', path: '/api/rules', summary: 'Create a rule: conditions (all must hold; any value of a list) → actions', tag: 'rules', auth: 'admin',
      body: ruleCreateSchema, responses: { '201': 'created', '400': 'invalid (unknown destinations named)' }, returns: R.ruleSchema,
      handler: async (ctx, { principal, body }) => {
        const org = principal.organization.id;
        ctx.status = 201;
        ctx.body = await deps.store.updateConfig((d) => rules.createRule(d, org, body, destinationIds(org), now()));
      },
    }),
    withBody({
      method: 'patch', path: '/api/rules/:id', summary: 'Change a rule', tag: 'rules', auth: 'admin',
      body: ruleUpdateSchema, responses: { '200': 'updated', '400': 'invalid', '404': 'no such rule' }, returns: R.ruleSchema,
      handler: async (ctx, { principal, body }) => {
        const org = principal.organization.id;
        ctx.body = await deps.store.updateConfig((d) => rules.updateRule(d, org, String(ctx.params.id), body, destinationIds(org), now()));
      },
    }),
    {
      method: 'delete', path: '/api/rules/:id', summary: 'Delete a rule', tag: 'rules', auth: 'admin',
      responses: { '204': 'deleted', '404': 'no such rule' },
      handler: async (ctx, { principal }) => {
        await deps.store.updateConfig((d) => rules.deleteRule(d, principal.organization.id, String(ctx.params.id)));
        ctx.status = 204;
      },
    },
    withBody({
      method: 'post', path: '/api/rules/dry-run', summary: 'Replay a draft rule over the last N stored events: which would have fired and where they would have gone', tag: 'rules', auth: 'admin',
      body: ruleDryRunSchema, responses: { '200': '{evaluated, matched}', '400': 'invalid draft' }, returns: R.dryRunSchema,
      handler: async (ctx, { principal, body: input }) => {
        const org = principal.organization.id;
        const config = deps.store.config();
        const names = Object.fromEntries(config.destinations.filter((d) => d.organization === org).map((d) => [d.id, d.name]));
        const page = await deps.store.listEvents({ organization: org, limit: input.last ?? DRY_RUN_DEFAULT });
        const events = (await Promise.all(page.items.map((e) => deps.store.getEvent(e.id)))).filter((e): e is NormalizedEvent => e !== undefined);
        ctx.body = rules.dryRun(input.rule, events, names);
      },
    }),
  ];
}
