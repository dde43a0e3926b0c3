// Signal definitions and their filters, the service catalog, alerts and cases, and the
// read-scoped alert lookup a webhook receiver uses (PRODUCT.md §3).
import type { Context } from 'koa';
import * as sig from '../../core/signals/config-ops';
import { ALERT_ACTIONS, type AlertAction } from '../../core/signals/engine';
import { ALERT_STATUSES, CASE_STATUSES, CATALOG_KINDS, type AlertStatus, type CaseStatus, type CatalogKind, type FlapSettings } from '../../core/signals/types';
import * as schemas from '../../schemas/signals';
import type { Principal } from '../auth';
import type { ServerDeps } from '../deps';
import { HttpError } from '../http-error';
import { withBody, type RouteDef } from '../route';
import { parseLimit } from './events';
import { SEVERITIES, type Severity } from '../../core/types';
import type { AlertEventView, CaseDetail } from '../../../src-shared/alerts';
import type { FlapView } from '../../../src-shared/settings';
import * as R from '../../schemas/responses';

/** Pages an in-memory list (newest first); the cursor is the id of the last item shown; `total` counts every match. */
function page<T extends { id: string }>(items: T[], ctx: Context) {
  const errors: string[] = [];
  const limit = parseLimit(ctx.query.limit, errors);
  let start = 0;
  if (typeof ctx.query.cursor === 'string' && ctx.query.cursor) {
    const at = items.findIndex((i) => i.id === ctx.query.cursor);
    if (at < 0) errors.push('cursor: not a cursor from this list');
    start = at + 1;
  }
  if (errors.length) throw new HttpError(400, errors);
  const slice = items.slice(start, start + limit);
  return { items: slice, next_cursor: start + limit < items.length ? slice[slice.length - 1].id : null, total: items.length };
}

function enumQuery<T extends string>(ctx: Context, name: string, allowed: readonly T[]): T | undefined {
  const v = ctx.query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new HttpError(400, [`${name}: must be one of ${allowed.join(', ')}`]);
}

/** Who a timeline names for a person's action: the UI, or the key that made the call. */
const actorOf = (p: Principal) => (p.via === 'session' ? 'ui' : p.keyId ? `key:${p.keyId}` : p.via);

const text = (ctx: Context) => (typeof ctx.query.text === 'string' && ctx.query.text ? ctx.query.text : undefined);

export function signalRoutes(deps: ServerDeps): RouteDef[] {
  const now = () => deps.now();
  const update = <T>(fn: (d: Parameters<Parameters<typeof deps.store.updateConfig>[0]>[0]) => T) => deps.store.updateConfig(fn);
  const listQuery = [
    { name: 'status', description: 'filter by status' },
    { name: 'definition_id', description: 'filter by definition' },
    { name: 'severity', description: 'alerts only: filter by severity' },
    { name: 'text', description: 'substring of title, short id, id, key or tag' },
    { name: 'cursor', description: 'next_cursor of the previous page' },
    { name: 'limit', description: 'page size' },
  ];
  return [
    {
      method: 'get', path: '/api/definitions', summary: 'Signal definitions', tag: 'definitions', auth: 'admin',
      responses: { '200': '{items, next_cursor, total}' }, returns: R.pageOf(R.definitionSchema, { total: R.countSchema }),
      handler: (ctx, { principal }) => {
        ctx.body = page([...sig.listDefinitions(deps.store.config(), principal.organization.id)].reverse(), ctx);
      },
    },
    withBody({
      method: 'post', path: '/api/definitions', summary: 'Create a signal definition (external_id unique: a clash is a 409 naming it)', tag: 'definitions', auth: 'admin',
      body: schemas.definitionCreateSchema, responses: { '201': 'created', '400': 'invalid', '409': 'external_id already used' }, returns: R.definitionSchema,
      handler: async (ctx, { principal, body }) => {
        ctx.status = 201;
        ctx.body = await update((d) => sig.createDefinition(d, principal.organization.id, body, now()));
      },
    }),
    {
      method: 'get', path: '/api/definitions/:id', summary: 'One definition with its filters', tag: 'definitions', auth: 'admin',
      responses: { '200': 'the definition', '404': 'no such definition' }, returns: R.definitionWithFiltersSchema,
      handler: (ctx, { principal }) => {
        const config = deps.store.config();
        const def = sig.getDefinition(config, principal.organization.id, String(ctx.params.id));
        ctx.body = { ...def, filters: sig.listFilters(config, principal.organization.id, { definition_id: def.id, include_expired: true }) };
      },
    },
    withBody({
      method: 'patch', path: '/api/definitions/:id', summary: 'Change a definition', tag: 'definitions', auth: 'admin',
      body: schemas.definitionUpdateSchema, responses: { '200': 'updated', '400': 'invalid', '404': 'no such definition', '409': 'external_id already used' }, returns: R.definitionSchema,
      handler: async (ctx, { principal, body }) => {
        ctx.body = await update((d) => sig.updateDefinition(d, principal.organization.id, String(ctx.params.id), body, now()));
      },
    }),
    {
      method: 'delete', path: '/api/definitions/:id', summary: 'Delete a definition and its filters', tag: 'definitions', auth: 'admin',
      responses: { '204': 'deleted', '404': 'no such definition' },
      handler: async (ctx, { principal }) => {
        await update((d) => sig.deleteDefinition(d, principal.organization.id, String(ctx.params.id)));
        ctx.status = 204;
      },
    },
    {
      method: 'get', path: '/api/definitions/:id/filters', summary: "A definition's deduplicate and snooze filters (expired ones too)", tag: 'definitions', auth: 'admin',
      responses: { '200': '{items, next_cursor}', '404': 'no such definition' }, returns: R.pageOf(R.filterSchema),
      handler: (ctx, { principal }) => {
        const config = deps.store.config();
        const def = sig.getDefinition(config, principal.organization.id, String(ctx.params.id));
        ctx.body = { items: sig.listFilters(config, principal.organization.id, { definition_id: def.id, include_expired: true }), next_cursor: null };
      },
    },
    withBody({
      method: 'post', path: '/api/definitions/:id/filters', summary: 'Add a deduplicate (expression + window) or snooze (expression + until) filter', tag: 'definitions', auth: 'admin',
      body: schemas.filterCreateSchema, responses: { '201': 'created', '400': 'invalid', '404': 'no such definition' }, returns: R.filterSchema,
      handler: async (ctx, { principal, body }) => {
        ctx.status = 201;
        ctx.body = await update((d) => sig.createFilter(d, principal.organization.id, String(ctx.params.id), body, now()));
      },
    }),
    {
      method: 'post', path: '/api/filters/:id/expire', summary: 'Expire a filter now (kept for history, never applies again)', tag: 'definitions', auth: 'admin',
      responses: { '200': 'the expired filter', '404': 'no such filter' }, returns: R.filterSchema,
      handler: async (ctx, { principal }) => {
        ctx.body = await update((d) => sig.expireFilter(d, principal.organization.id, String(ctx.params.id), now()));
      },
    },
    {
      method: 'get', path: '/api/catalog', summary: 'Service catalog: services, environments, functionalities', tag: 'catalog', auth: 'admin',
      query: [{ name: 'kind', description: CATALOG_KINDS.join(' | ') }],
      responses: { '200': '{items, next_cursor}' }, returns: R.pageOf(R.catalogComponentSchema),
      handler: (ctx, { principal }) => {
        ctx.body = { items: sig.listCatalog(deps.store.config(), principal.organization.id, enumQuery<CatalogKind>(ctx, 'kind', CATALOG_KINDS)), next_cursor: null };
      },
    },
    withBody({
      method: 'post', path: '/api/catalog', summary: 'Add a catalog component; tags <kind>:<slug> link to it', tag: 'catalog', auth: 'admin',
      body: schemas.catalogCreateSchema, responses: { '201': 'created', '400': 'invalid', '409': 'slug taken' }, returns: R.catalogComponentSchema,
      handler: async (ctx, { principal, body }) => {
        ctx.status = 201;
        ctx.body = await update((d) => sig.createCatalogComponent(d, principal.organization.id, body, now()));
      },
    }),
    {
      method: 'delete', path: '/api/catalog/:id', summary: 'Remove a catalog component', tag: 'catalog', auth: 'admin',
      responses: { '204': 'removed', '404': 'no such component' },
      handler: async (ctx, { principal }) => {
        await update((d) => sig.deleteCatalogComponent(d, principal.organization.id, String(ctx.params.id)));
        ctx.status = 204;
      },
    },
    {
      method: 'get', path: '/api/signals/settings', summary: 'Flap detection settings', tag: 'alerts', auth: 'admin',
      responses: { '200': '{flap}' }, returns: R.flapSchema,
      handler: (ctx) => {
        ctx.body = { flap: deps.store.config().flap } satisfies FlapView;
      },
    },
    withBody({
      method: 'put', path: '/api/signals/settings/flap', summary: 'Set flap detection: more than max_transitions open/resolve transitions within window_s marks an alert flapping', tag: 'alerts', auth: 'admin',
      body: schemas.flapSettingsSchema, responses: { '200': 'the settings', '400': 'invalid' }, returns: R.flapSchema,
      handler: async (ctx, { body }) => {
        ctx.body = { flap: await update((d) => sig.setFlapSettings(d, body)) } satisfies FlapView;
      },
    }),
    {
      method: 'get', path: '/api/alerts', summary: 'Alerts, newest first, with the total that match the filters', tag: 'alerts', auth: 'admin',
      query: listQuery, responses: { '200': '{items, next_cursor, total}', '400': 'bad filter' }, returns: R.pageOf(R.alertSchema, { total: R.countSchema }),
      handler: async (ctx, { principal }) => {
        const filter = { status: enumQuery<AlertStatus>(ctx, 'status', ALERT_STATUSES), severity: enumQuery<Severity>(ctx, 'severity', SEVERITIES), definition_id: (ctx.query.definition_id as string) || undefined, text: text(ctx) };
        const errors: string[] = [];
        const limit = parseLimit(ctx.query.limit, errors);
        if (errors.length) throw new HttpError(400, errors);
        const cursor = typeof ctx.query.cursor === 'string' && ctx.query.cursor ? ctx.query.cursor : undefined;
        const found = await deps.signals.listAlerts(principal.organization.id, filter, { cursor, limit });
        if (!found) throw new HttpError(400, ['cursor: not a cursor from this list']);
        ctx.body = found;
      },
    },
    {
      method: 'get', path: '/api/alerts/:id', summary: 'One alert (UUID or short id) with its timeline', tag: 'alerts', auth: 'admin',
      responses: { '200': 'the alert', '404': 'no such alert' }, returns: R.alertSchema,
      handler: async (ctx, { principal }) => {
        const alert = await deps.signals.getAlert(principal.organization.id, String(ctx.params.id));
        if (!alert) throw new HttpError(404, [`id: no alert "${ctx.params.id}"`]);
        ctx.body = alert;
      },
    },
    {
      method: 'get', path: '/api/alerts/:id/events', summary: "The events an alert's timeline names, by title and time, oldest first (events gone by retention are left out)", tag: 'alerts', auth: 'admin',
      responses: { '200': '{items: [{id, title, received_at, severity, source_name}], next_cursor}', '404': 'no such alert' }, returns: R.pageOf(R.alertEventSchema),
      handler: async (ctx, { principal }) => {
        const alert = await deps.signals.getAlert(principal.organization.id, String(ctx.params.id));
        if (!alert) throw new HttpError(404, [`id: no alert "${ctx.params.id}"`]);
        const ids = [...new Set(alert.timeline.flatMap((t) => (t.event_id ? [t.event_id] : [])))];
        const events = await Promise.all(ids.map((id) => deps.store.getEvent(id)));
        const items: AlertEventView[] = events.flatMap((e) => (e && e.organization === principal.organization.id
          ? [{ id: e.id, title: e.title, received_at: e.received_at, severity: e.severity, source_name: e.source_name }] : []));
        ctx.body = { items, next_cursor: null };
      },
    },
    ...ALERT_ACTIONS.map((action): RouteDef => ({
      method: 'post', path: `/api/alerts/:id/${action}`, summary: `${action === 'ack' ? 'Acknowledge' : action === 'resolve' ? 'Resolve' : 'Dismiss'} an alert`, tag: 'alerts', auth: 'admin',
      responses: { '200': 'the alert after the change', '400': 'not possible from its status', '404': 'no such alert' }, returns: R.alertSchema,
      handler: async (ctx, { principal }) => {
        await deps.signals.act(principal.organization.id, String(ctx.params.id), action as AlertAction, actorOf(principal));
        ctx.body = await deps.signals.getAlert(principal.organization.id, String(ctx.params.id));
      },
    })),
    {
      method: 'get', path: '/api/cases', summary: 'Cases, newest first', tag: 'cases', auth: 'admin',
      query: listQuery, responses: { '200': '{items, next_cursor, total}', '400': 'bad filter' }, returns: R.pageOf(R.caseSchema, { total: R.countSchema }),
      handler: (ctx, { principal }) => {
        const filter = { status: enumQuery<CaseStatus>(ctx, 'status', CASE_STATUSES), definition_id: (ctx.query.definition_id as string) || undefined, text: text(ctx) };
        ctx.body = page(deps.signals.listCases(principal.organization.id, filter), ctx);
      },
    },
    {
      method: 'get', path: '/api/cases/:id', summary: 'One case with its alerts', tag: 'cases', auth: 'admin',
      responses: { '200': 'the case', '404': 'no such case' }, returns: R.caseWithAlertsSchema,
      handler: async (ctx, { principal }) => {
        const found = deps.signals.getCase(principal.organization.id, String(ctx.params.id));
        if (!found) throw new HttpError(404, [`id: no case "${ctx.params.id}"`]);
        const alerts = await Promise.all(found.alert_ids.map((id) => deps.signals.getAlert(principal.organization.id, id)));
        ctx.body = { ...found, alerts: alerts.filter((a) => a !== undefined) } satisfies CaseDetail;
      },
    },
    withBody({
      method: 'post', path: '/api/cases/:id/status', summary: 'Move a case: new → triage → closed', tag: 'cases', auth: 'admin',
      body: schemas.caseStatusSchema, responses: { '200': 'the case', '400': 'not possible from its status', '404': 'no such case' }, returns: R.caseSchema,
      handler: async (ctx, { principal, body }) => {
        await deps.signals.setCaseStatus(principal.organization.id, String(ctx.params.id), body.status, actorOf(principal));
        ctx.body = deps.signals.getCase(principal.organization.id, String(ctx.params.id));
      },
    }),
    {
      method: 'get', path: '/v1/alerts/:id', summary: 'One alert by UUID or short id, for a webhook receiver holding a read key', tag: 'alerts', auth: 'read',
      responses: { '200': 'the alert', '401': 'no or unknown key', '403': 'key without the read scope', '404': "no such alert in the key's organization" }, returns: R.alertSchema,
      handler: async (ctx, { principal }) => {
        const alert = await deps.signals.getAlert(principal.organization.id, String(ctx.params.id));
        if (!alert) throw new HttpError(404, [`id: no alert "${ctx.params.id}"`]);
        ctx.body = alert;
      },
    },
  ];
}
