// Destinations (ours and Armor's notification config), deliveries with their attempt
// history, redelivery, test sends, and the built-in request bin.
import type { DeliverySummary, DeliveryView } from '../../../src-shared/deliveries';
import type { DestinationDetailView, DestinationView, WithSecret } from '../../../src-shared/destinations';
import type { NotificationList, NotificationsMarked } from '../../../src-shared/notifications';
import type { Context } from 'koa';
import { HTTP_KINDS, type Destination, type DestinationInput } from '../../core/destination-types';
import * as dst from '../../core/destinations';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../delivery/engine';
import { maskHeaderValue, validateHeaders } from '../../delivery/headers';
import { newSigningSecret } from '../../delivery/signing';
import { sendTestNow } from '../../delivery/test-send';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, SIGNING_SECRET_GRACE_DEFAULT_S } from '../../limits';
import { armorNotificationSchema, destinationCreateSchema, destinationUpdateSchema, notificationsReadSchema, rotateSecretSchema } from '../../schemas/destinations';
import { parse } from '../../schemas/validate';
import { readOptionalJson, readRawBody } from '../body';
import type { ServerDeps } from '../deps';
import { HttpError } from '../http-error';
import { withBody, type RouteDef } from '../route';
import { visibleOrgs } from './config';
import { parseLimit } from './events';
import * as R from '../../schemas/responses';

const BIN_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function destinationRoutes(deps: ServerDeps): RouteDef[] {
  const now = () => deps.now();
  const opsDeps = { validateHeaders, newSecret: newSigningSecret };
  const view = (d: Destination): DestinationView => ({ ...dst.publicDestination(d, maskHeaderValue, now()), circuit: deps.deliveries.breakers.snapshot(d.id) });
  // The address check at save time: a host that can never be connected to is refused now, with the reason.
  const hostRefusal = async (kind: DestinationInput['kind'] | undefined, uri: string | null | undefined) => {
    const host = kind && HTTP_KINDS.includes(kind) ? dst.uriHost(uri) : null;
    return host === null ? null : deps.deliveries.sender.checkHost(host);
  };
  const create = async (ctx: Context, organization: string, input: DestinationInput, ops: typeof opsDeps = opsDeps) => {
    const refusal = await hostRefusal(input.kind, input.uri);
    const d = await deps.store.updateConfig((draft) => dst.createDestination(draft, organization, input, { ...ops, hostRefusal: refusal }, now()));
    ctx.status = 201;
    // The signing secret is shown in this answer only (receivers need it to verify).
    ctx.body = { ...view(d), signing_secret: d.signing_secret } satisfies WithSecret<DestinationView>;
  };
  return [
    {
      method: 'get', path: '/api/destinations', summary: 'Destinations with their circuit state (secrets masked)', tag: 'destinations', auth: 'admin',
      responses: { '200': '{items, next_cursor}' }, returns: R.pageOf(R.destinationSchema),
      handler: (ctx, { principal }) => {
        ctx.body = { items: deps.store.config().destinations.filter((d) => d.organization === principal.organization.id).map(view).reverse(), next_cursor: null };
      },
    },
    withBody({
      method: 'post', path: '/api/destinations', summary: 'Create a destination (at most 25; headers without CR/LF); its whsec_ signing secret is shown once', tag: 'destinations', auth: 'admin',
      body: destinationCreateSchema, responses: { '201': 'created', '400': 'invalid or over the limit' }, returns: R.destinationSchema,
      handler: (ctx, { principal, body }) => create(ctx, principal.organization.id, body),
    }),
    withBody({
      method: 'post', path: '/v1/accounts/:org/notifications', summary: "Armor-shaped notification config: one uri and up to 25 headers → a webhook destination", tag: 'destinations', auth: 'admin',
      body: armorNotificationSchema, responses: { '201': 'created', '400': 'invalid or over the limit', '404': 'no such organization' }, returns: R.destinationSchema,
      handler: async (ctx, { principal, body }) => {
        const wanted = String(ctx.params.org);
        const org = visibleOrgs(deps.store.config(), principal.organization).find((o) => o.id === wanted || o.slug === wanted);
        if (!org) throw new HttpError(404, [`org: no organization "${wanted}" under yours`]);
        const input = dst.fromArmorNotification(body);
        // Header problems name the field the caller sent (properties[i]), not the destination's headers[j].
        const headerAt = body.properties.flatMap((p, i) => (p.type === 'header' ? [i] : []));
        const armorOps = { ...opsDeps, validateHeaders: (h: Parameters<typeof validateHeaders>[0]) => validateHeaders(h).map((e) => e.replace(/^headers\[(\d+)\]/, (_, j: string) => `properties[${headerAt[Number(j)]}]`)) };
        // Armor semantics: the destination follows its organization's transform config (format 'transform').
        await create(ctx, org.id, input, armorOps);
      },
    }),
    {
      method: 'get', path: '/api/destinations/:id', summary: 'One destination with its circuit state and recent deliveries', tag: 'destinations', auth: 'admin',
      responses: { '200': 'the destination', '404': 'no such destination' }, returns: R.destinationDetailSchema,
      handler: async (ctx, { principal }) => {
        const d = dst.getDestination(deps.store.config(), principal.organization.id, String(ctx.params.id));
        const recent = await deps.deliveries.deliveries(principal.organization.id, { destination_id: d.id }, { limit: 20 });
        ctx.body = { ...view(d), recent_deliveries: (recent?.items ?? []).map(summary) } satisfies DestinationDetailView;
      },
    },
    withBody({
      method: 'patch', path: '/api/destinations/:id',
      summary: 'Change a destination: any field create takes except kind; checked like a create; a masked secret sent back as shown (token "***", header "Bearer ***") keeps the saved one; a new URI resets the circuit',
      tag: 'destinations', auth: 'admin',
      body: destinationUpdateSchema, responses: { '200': 'the destination (secrets masked)', '400': 'invalid, or kind changed', '404': 'no such destination' }, returns: R.destinationSchema,
      handler: async (ctx, { principal, body: patch }) => {
        const id = String(ctx.params.id);
        const refusal = patch.uri === undefined ? null : await hostRefusal(dst.getDestination(deps.store.config(), principal.organization.id, id).kind, patch.uri);
        const { destination, uri_changed } = await deps.store.updateConfig((draft) =>
          dst.updateDestination(draft, principal.organization.id, id, patch, { validateHeaders, maskHeader: maskHeaderValue, hostRefusal: refusal }, now()));
        if (uri_changed) {
          // The failures were the old receiver's: the new one starts with a closed circuit.
          deps.deliveries.receiverChanged(destination.id);
        }
        ctx.body = view(destination);
      },
    }),
    {
      method: 'delete', path: '/api/destinations/:id', summary: 'Delete a destination', tag: 'destinations', auth: 'admin',
      responses: { '204': 'deleted', '404': 'no such destination' },
      handler: async (ctx, { principal }) => {
        await deps.store.updateConfig((d) => dst.deleteDestination(d, principal.organization.id, String(ctx.params.id)));
        deps.deliveries.breakers.delete(String(ctx.params.id));
        ctx.status = 204;
      },
    },
    {
      method: 'post', path: '/api/destinations/:id/rotate-secret',
      summary: 'Issue a new whsec_ signing secret (shown once). For grace_s (default 24 h, 0 = at once) every request, retries included, is signed with both: "v1,<new> v1,<old>"',
      tag: 'destinations', auth: 'admin',
      // The body is optional (no body: the default grace), so it is read and checked here.
      documentedBody: rotateSecretSchema,
      responses: { '200': 'the destination with its new signing_secret and previous_signing_secret.expires_at', '400': 'invalid grace_s', '404': 'no such destination' }, returns: R.destinationSchema,
      handler: async (ctx, { principal }) => {
        const graceS = parse(rotateSecretSchema, (await readOptionalJson(ctx)) ?? {}).grace_s ?? SIGNING_SECRET_GRACE_DEFAULT_S;
        const d = await deps.store.updateConfig((draft) => dst.rotateSigningSecret(draft, principal.organization.id, String(ctx.params.id), newSigningSecret, graceS, now()));
        ctx.body = { ...view(d), signing_secret: d.signing_secret } satisfies WithSecret<DestinationView>;
      },
    },
    {
      method: 'post', path: '/api/destinations/:id/test',
      summary: 'Send a test payload now, one attempt outside the delivery queue (not recorded, not retried); answers its outcome within the request timeout',
      tag: 'destinations', auth: 'admin',
      responses: { '200': '{ok, status, duration_ms, response_excerpt, error_class, error, request}: refused_address when the address check refused it', '400': 'an in_app destination (nothing to send)', '404': 'no such destination' },
      returns: R.testSendResultSchema,
      handler: async (ctx, { principal }) => {
        const d = dst.getDestination(deps.store.config(), principal.organization.id, String(ctx.params.id));
        ctx.body = await sendTestNow(d, { sender: deps.deliveries.sender, mailer: () => deps.deliveries.mailer(), now, baseUrl: () => deps.baseUrl() });
      },
    },
    {
      method: 'get', path: '/api/deliveries', summary: 'Deliveries, newest first, a page at a time (cursor)', tag: 'deliveries', auth: 'admin',
      query: [
        { name: 'destination', description: 'destination id' },
        { name: 'status', description: DELIVERY_STATUSES.join(' | ') },
        { name: 'alert', description: 'alert id' },
        { name: 'event', description: 'event id' },
        { name: 'cursor', description: 'next_cursor of the previous page' },
        { name: 'limit', description: `1..${PAGE_SIZE_MAX}, default ${PAGE_SIZE_DEFAULT}` },
      ],
      responses: { '200': '{items, next_cursor}', '400': 'bad filter' }, returns: R.pageOf(R.deliverySummarySchema),
      handler: async (ctx, { principal }) => {
        const q = ctx.query;
        const errors: string[] = [];
        const status = typeof q.status === 'string' && q.status ? q.status : undefined;
        if (status && !(DELIVERY_STATUSES as readonly string[]).includes(status)) errors.push(`status: must be one of ${DELIVERY_STATUSES.join(', ')}`);
        const limit = parseLimit(q.limit, errors);
        if (errors.length) throw new HttpError(400, errors);
        const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
        const filter = { destination_id: str(q.destination), status: status as DeliveryStatus | undefined, alert_id: str(q.alert), event_id: str(q.event) };
        const page = await deps.deliveries.deliveries(principal.organization.id, filter, { cursor: str(q.cursor), limit });
        if (!page) throw new HttpError(400, ['cursor: not a cursor from this list']);
        ctx.body = { items: page.items.map(summary), next_cursor: page.next_cursor };
      },
    },
    {
      method: 'get', path: '/api/deliveries/:id', summary: 'One delivery with every attempt (request with secrets masked, response, duration, error class)', tag: 'deliveries', auth: 'admin',
      responses: { '200': 'the delivery', '404': 'no such delivery' }, returns: R.deliverySchema,
      handler: async (ctx, { principal }) => {
        const d = await deps.deliveries.delivery(principal.organization.id, String(ctx.params.id));
        if (!d) throw new HttpError(404, [`id: no delivery "${ctx.params.id}"`]);
        ctx.body = d satisfies DeliveryView;
      },
    },
    {
      method: 'post', path: '/api/deliveries/:id/redeliver', summary: 'Send the same payload again as a new delivery', tag: 'deliveries', auth: 'admin',
      responses: { '202': 'the new delivery', '404': 'no such delivery or destination' }, returns: R.deliverySummarySchema,
      handler: async (ctx, { principal }) => {
        const original = await deps.deliveries.delivery(principal.organization.id, String(ctx.params.id));
        if (!original) throw new HttpError(404, [`id: no delivery "${ctx.params.id}"`]);
        const d = dst.getDestination(deps.store.config(), principal.organization.id, original.destination_id);
        const again = await deps.deliveries.send(d, original.body, 'redeliver', { event_id: original.event_id, alert_id: original.alert_id, redelivery_of: original.id });
        ctx.status = 202;
        ctx.body = summary(again);
      },
    },
    {
      method: 'get', path: '/api/notifications', summary: 'In-app notifications, newest first, with the unread count', tag: 'notifications', auth: 'admin',
      query: [{ name: 'unread', description: 'true: only unread ones' }],
      responses: { '200': '{items, unread, next_cursor}' }, returns: R.pageOf(R.notificationSchema, { unread: { type: 'integer' } }),
      handler: async (ctx, { principal }) => {
        const center = deps.deliveries.notifications;
        ctx.body = { items: await center.list(principal.organization.id, ctx.query.unread === 'true', 200), unread: center.unread(principal.organization.id), next_cursor: null } satisfies NotificationList;
      },
    },
    withBody({
      method: 'post', path: '/api/notifications/read', summary: 'Mark notifications read: {"ids": [...]} or {"all": true}', tag: 'notifications', auth: 'admin',
      body: notificationsReadSchema, responses: { '200': '{marked, unread}', '400': 'invalid' }, returns: R.notificationsReadAnswerSchema,
      handler: async (ctx, { principal, body: input }) => {
        if (!input.all && !input.ids?.length) throw new HttpError(400, ['ids: give ids or "all": true']);
        const center = deps.deliveries.notifications;
        const marked = await center.markRead(principal.organization.id, input.all ? 'all' : input.ids!);
        ctx.body = { marked, unread: center.unread(principal.organization.id) } satisfies NotificationsMarked;
      },
    }),
    {
      method: 'post', path: '/bin/:name', summary: 'Built-in request bin: stores the request (for demos without an outside service)', tag: 'bins', auth: 'public',
      responses: { '200': 'stored', '400': 'bad bin name or too many bins', '413': 'body over the limit' }, returns: R.binReceivedSchema,
      handler: async (ctx) => {
        const name = String(ctx.params.name);
        if (!BIN_NAME.test(name)) throw new HttpError(400, ['name: letters, digits, _ and - only (at most 64)']);
        const raw = await readRawBody(ctx, { anyType: true });
        const headers = Object.fromEntries(Object.entries(ctx.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]));
        const entry = deps.bins.record(name, { received_at: now().toISOString(), method: ctx.method, path: ctx.path, headers, body: raw.toString('utf8') });
        ctx.body = { received: entry.id };
      },
    },
    {
      method: 'get', path: '/api/bins', summary: 'Request bins and how many requests each holds', tag: 'bins', auth: 'admin',
      responses: { '200': '{items}' }, returns: R.pageOf(R.binSchema),
      handler: (ctx) => {
        ctx.body = { items: deps.bins.names(), next_cursor: null };
      },
    },
    {
      method: 'get', path: '/api/bins/:name', summary: "A request bin's requests, newest first", tag: 'bins', auth: 'admin',
      responses: { '200': '{items}' }, returns: R.pageOf(R.binRequestSchema),
      handler: (ctx) => {
        ctx.body = { items: deps.bins.list(String(ctx.params.name)), next_cursor: null };
      },
    },
  ];
}

function summary(d: DeliverySummary): DeliverySummary {
  const { id, destination_id, event_id, alert_id, status, attempt_count, next_attempt_at, origin, created_at, updated_at } = d;
  return { id, destination_id, event_id, alert_id, status, attempt_count, next_attempt_at, origin, created_at, updated_at };
}

