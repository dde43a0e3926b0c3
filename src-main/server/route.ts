// One table of routes drives both the router and /openapi.json, so the documentation
// cannot list an endpoint that does not exist or miss one that does.
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Scope } from '../core/types';
import { validate } from '../schemas/validate';
import { authenticate, requireScope, type AuthDeps, type Principal } from './auth';
import { readJson } from './body';
import { HttpError } from './http-error';

export type JsonSchema = Record<string, unknown>;

export interface RouteDef {
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
  /** Request body schema: validated before the handler runs. */
  body?: JsonSchema;
  /** Documented body the handler validates itself (ingest dialects). */
  documentedBody?: JsonSchema;
  query?: { name: string; description: string; schema?: JsonSchema }[];
  /** Status code → description, for the OpenAPI document. */
  responses: Record<string, string>;
  handler: (ctx: Context, req: { principal: Principal; body: unknown }) => Promise<void> | void;
}

const NO_PRINCIPAL = null as unknown as Principal;

export function mountRoutes(router: Router, routes: RouteDef[], deps: AuthDeps): void {
  for (const route of routes) {
    router[route.method](route.path, async (ctx) => {
      let principal = NO_PRINCIPAL;
      if (route.auth !== 'public' && route.auth !== 'custom' && route.auth !== 'hec') {
        principal = authenticate(ctx, deps, { allowSession: route.auth === 'admin' });
        requireScope(principal, route.auth);
      }
      let body: unknown = undefined;
      if (route.body) {
        body = await readJson(ctx);
        const errors = validate(route.body, body);
        if (errors.length) throw new HttpError(400, errors);
      }
      await route.handler(ctx, { principal, body });
    });
  }
}

export function toOpenApiPath(koaPath: string): string {
  return koaPath.replace(/:(\w+)/g, '{$1}');
}
