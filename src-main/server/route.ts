// One table of routes drives both the router and /openapi.json, so the documentation
// cannot list an endpoint that does not exist or miss one that does.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Scope } from '../core/types';
import type { Static, TSchema } from '../schemas/builders';
import { validate } from '../schemas/validate';
import { authenticate, requireScope, type AuthDeps, type Principal } from './auth';
import { readJson } from './body';
import { HttpError } from './http-error';
import { requireSameOrigin } from './middleware/host-origin';

export type JsonSchema = Record<string, unknown>;

/** What a handler receives as the body: the type of the schema the router validated it with. */
export type BodyOf<S extends TSchema | undefined> = S extends TSchema ? Static<S> : undefined;

/**
 * A route; `S` is its body schema. Routes with a body are written with `withBody` so the
 * handler's body is typed from that schema; elsewhere the body is unknown and stays unused.
 */
export interface RouteDef<S extends TSchema | undefined = TSchema | undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa path, `:name` for parameters. */
  path: string;
  summary: string;
  tag: string;
  /**
   * public: no credentials; a scope: API key with that scope (admin routes also take the
   * UI session cookie); custom: the handler authenticates (URL tokens); hec: the handler
   * authenticates a key sent the ways Splunk HEC senders send a token.
   */
  auth: 'public' | Scope | 'custom' | 'hec';
  /** A public route a browser must only reach from the appliance's own pages (the login link). */
  sameOriginOnly?: boolean;
  /** Request body schema: validated before the handler runs, and the type of the handler's body. */
  body?: S;
  /** Documented body the handler validates itself (ingest dialects). */
  documentedBody?: JsonSchema;
  query?: { name: string; description: string; schema?: JsonSchema }[];
  /** Descriptions of path parameters (`:name` → text), for the OpenAPI document. */
  pathParams?: Record<string, string>;
  /** Status code → description, for the OpenAPI document (the errors every route shares are added there). */
  responses: Record<string, string>;
  /** Schema of the 2xx answer's body (schemas/responses.ts). */
  returns?: JsonSchema;
  /** Its media type when not application/json. */
  returnsType?: string;
  handler: (ctx: Context, req: { principal: Principal; body: BodyOf<S> }) => Promise<void> | void;
}

/** A route whose handler receives the Static type of its `body` schema, which the router checked first. */
export function withBody<S extends TSchema>(route: RouteDef<S> & { body: S }): RouteDef {
  // The table holds routes of every schema, so their body types are erased here; mountRoutes
  // passes each handler only a body its own schema accepted. (A handler in the table written
  // without withBody gets `unknown`, and annotating a narrower type there fails to compile.)
  return route as unknown as RouteDef;
}

const NO_PRINCIPAL = null as unknown as Principal;

/**
 * The management API (admin and read routes, with a key or the UI cookie alike) and the
 * login link refuse a foreign Origin. Ingest and public machine endpoints do not look at
 * it: their callers are tools, and their credentials are never sent by a browser on its own.
 */
export function refusesForeignOrigin(route: Pick<RouteDef, 'auth' | 'sameOriginOnly'>): boolean {
  return route.auth === 'admin' || route.auth === 'read' || route.sameOriginOnly === true;
}

/** What answers one route: the Origin check, credentials and body checks its definition asks for, then its handler. */
function routeAnswer(route: RouteDef, deps: AuthDeps): (ctx: Context) => Promise<void> {
  const sameOrigin = refusesForeignOrigin(route);
  return async (ctx) => {
    if (sameOrigin) requireSameOrigin(ctx);
    let principal = NO_PRINCIPAL;
    if (route.auth !== 'public' && route.auth !== 'custom' && route.auth !== 'hec') {
      principal = await authenticate(ctx, deps, { allowSession: route.auth === 'admin' });
      requireScope(principal, route.auth);
    }
    let body: unknown = undefined;
    if (route.body) {
      body = await readJson(ctx);
      const errors = validate(route.body, body);
      if (errors.length) throw new HttpError(400, errors);
    }
    await route.handler(ctx, { principal, body });
  };
}

export function mountRoutes(router: Router, routes: RouteDef[], deps: AuthDeps): void {
  for (const route of routes) router[route.method](route.path, routeAnswer(route, deps));
}

/**
 * The ingest endpoints without path parameters, by exact path: the busiest requests skip
 * the router's matching of every route. Each runs the same checks as through the router;
 * any other spelling of the path (a trailing slash, other case) still goes to the router.
 */
export function ingestByPath(routes: RouteDef[], deps: AuthDeps): Map<string, (ctx: Context) => Promise<void>> {
  const byPath = new Map<string, (ctx: Context) => Promise<void>>();
  for (const route of routes) {
    if (route.tag === 'ingest' && route.method === 'post' && !route.path.includes(':') && !byPath.has(route.path)) byPath.set(route.path, routeAnswer(route, deps));
  }
  return byPath;
}

export function toOpenApiPath(koaPath: string): string {
  return koaPath.replace(/:(\w+)/g, '{$1}');
}
