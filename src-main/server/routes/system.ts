// Health, metrics, the OpenAPI document, UI login and the live stream.
import type { SessionView } from '../../../src-shared/session';
import type { ServerDeps } from '../deps';
import { loginRefusedPage } from '../login-page';
import type { RouteDef } from '../route';
import { SESSION_COOKIE } from '../sessions';
import { SESSION_TTL_MS } from '../../limits';
import * as R from '../../schemas/responses';

export function systemRoutes(deps: ServerDeps, openapi: () => unknown): RouteDef[] {
  return [
    {
      method: 'get', path: '/healthz', summary: 'Liveness and store status', tag: 'system', auth: 'public',
      responses: { '200': '{status: "ok", version, uptime_s, store: {events, queue_depth, segments, bytes, backend: "file"|"postgres", writable: true, error: null, since: null}}', '503': 'the store cannot write (disk, or the database unreachable): {status: "store_unwritable", errors, …, store: {…, writable: false, error, since}}' }, returns: R.healthSchema,
      handler: async (ctx) => {
        await deps.health.check();
        const s = deps.store.stats();
        const { store: w, version, uptime_s } = deps.health.appliance();
        const base = { version, uptime_s, store: { events: s.events, queue_depth: s.queue_depth, segments: s.segments, bytes: s.bytes, ...w } };
        ctx.set('Cache-Control', 'no-store');
        if (w.writable) {
          ctx.body = { status: 'ok', ...base };
        } else {
          ctx.status = 503;
          const where = w.backend === 'postgres' ? 'the database' : 'the data directory';
          ctx.body = { status: 'store_unwritable', errors: [`store: cannot write to ${where} since ${w.since}: ${w.error}`], ...base };
        }
      },
    },
    {
      method: 'get', path: '/api/status', summary: 'Appliance conditions the UI shows (the store cannot write: disk full, data directory not writable); changes also arrive as `status.changed` on /api/stream', tag: 'system', auth: 'admin',
      responses: { '200': '{store: {writable, error, since}, version, uptime_s}' }, returns: R.statusSchema,
      handler: (ctx) => {
        ctx.set('Cache-Control', 'no-store');
        ctx.body = deps.health.appliance();
      },
    },
    {
      method: 'get', path: '/metrics', summary: 'Prometheus metrics (text exposition format)', tag: 'system', auth: 'public',
      responses: { '200': 'text/plain metrics' }, returns: R.textSchema, returnsType: 'text/plain; version=0.0.4',
      handler: async (ctx) => {
        ctx.type = deps.metrics.registry.contentType;
        ctx.body = await deps.metrics.text();
      },
    },
    {
      method: 'get', path: '/openapi.json', summary: 'This document', tag: 'system', auth: 'public',
      responses: { '200': 'OpenAPI 3.1 document' }, returns: R.openApiDocumentSchema,
      handler: (ctx) => {
        // Where tools send the documented requests: the public URL when one is set (it can change at run time).
        ctx.body = { ...(openapi() as Record<string, unknown>), servers: [{ url: deps.baseUrl(), description: 'this appliance' }] };
      },
    },
    {
      method: 'get', path: '/login', summary: 'Redeem a one-time login link: sets the UI session cookie and opens the UI', tag: 'session', auth: 'public', sameOriginOnly: true,
      query: [{ name: 'token', description: 'the one-time token printed at start' }],
      responses: { '302': 'to the UI, with the session cookie', '401': 'an HTML page saying the link is used, expired or unknown, and how to get a new one' },
      handler: async (ctx) => {
        const session = typeof ctx.query.token === 'string' ? await deps.sessions.redeemLoginToken(ctx.query.token) : { refused: 'unknown' as const };
        if ('refused' in session) {
          ctx.status = 401;
          ctx.set('Cache-Control', 'no-store');
          ctx.type = 'html';
          ctx.body = loginRefusedPage(session.refused, deps.baseUrl(), (await deps.sessions.get(ctx.cookies.get(SESSION_COOKIE))) !== null);
          return;
        }
        ctx.cookies.set(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'strict', path: '/', maxAge: SESSION_TTL_MS, overwrite: true });
        ctx.redirect('/');
      },
    },
    {
      method: 'get', path: '/api/session', summary: 'The caller\'s organization and, for the UI session, its CSRF token', tag: 'session', auth: 'admin',
      responses: { '200': '{organization, via, csrf_token}' }, returns: R.sessionSchema,
      handler: (ctx, { principal }) => {
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { organization: principal.organization, via: principal.via, csrf_token: principal.session?.csrf ?? null } satisfies SessionView;
      },
    },
    {
      method: 'post', path: '/api/session/logout', summary: 'End the UI session', tag: 'session', auth: 'admin',
      responses: { '204': 'ended' },
      handler: async (ctx, { principal }) => {
        if (principal.session) await deps.sessions.end(principal.session.id);
        ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', maxAge: 0 });
        ctx.status = 204;
      },
    },
    {
      method: 'post', path: '/api/login-links', summary: 'Mint a one-time UI login link (for scripts holding an admin key)', tag: 'session', auth: 'admin',
      responses: { '201': '{url}' }, returns: R.loginLinkSchema,
      handler: async (ctx, { principal }) => {
        const token = await deps.sessions.mintLoginToken(principal.organization.id);
        ctx.status = 201;
        ctx.body = { url: `${deps.baseUrl()}/login?token=${token}` };
      },
    },
    {
      method: 'get', path: '/api/stream', summary: 'Server-sent events of everything new (event.created, …; status.changed when the store stops or resumes writing)', tag: 'stream', auth: 'admin',
      responses: { '200': 'text/event-stream', '503': 'too many live clients' }, returns: R.textSchema, returnsType: 'text/event-stream',
      handler: (ctx, { principal }) => {
        deps.hub.attach(ctx, principal.organization.id);
      },
    },
  ];
}
