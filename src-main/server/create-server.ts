// Koa app factory: middleware order is the security order — errors shape every
// answer (Splunk HEC paths in Splunk's shape), then the Host check, then the static UI and
// the routes (each management route checks Origin before its credentials: route.ts).
import Router from '@koa/router';
import Koa from 'koa';
import type { ServerDeps } from './deps';
import { hecAnswers } from './hec';
import { errorHandler } from './middleware/errors';
import { hostGuard, hostnameOf } from './middleware/host-origin';
import { buildOpenApi } from './openapi';
import { ingestByPath, mountRoutes, type RouteDef } from './route';
import { configRoutes } from './routes/config';
import { connectRoutes } from './routes/connect';
import { dashboardRoutes } from './routes/dashboard';
import { eventRoutes } from './routes/events';
import { ingestRoutes } from './routes/ingest';
import { sampleRoutes } from './routes/samples';
import { signalRoutes } from './routes/signals';
import { transformRoutes } from './routes/transform';
import { destinationRoutes } from './routes/destinations';
import { ruleRoutes } from './routes/rules';
import { settingsRoutes } from './routes/settings';
import { systemRoutes } from './routes/system';
import { securityHeaders, staticUi } from './static-ui';

export function allRoutes(deps: ServerDeps): RouteDef[] {
  const routes: RouteDef[] = [];
  let openapi: unknown = null;
  routes.push(
    ...systemRoutes(deps, () => (openapi ??= buildOpenApi(routes, deps.version))),
    ...ingestRoutes(deps),
    ...eventRoutes(deps),
    ...dashboardRoutes(deps),
    ...configRoutes(deps),
    ...signalRoutes(deps),
    ...transformRoutes(deps),
    ...destinationRoutes(deps),
    ...ruleRoutes(deps),
    ...settingsRoutes(deps),
    ...sampleRoutes(deps),
    ...connectRoutes(deps),
  );
  return routes;
}

export function createKoaApp(deps: ServerDeps): Koa {
  const app = new Koa();
  // Nothing sits in front of the appliance: never trust X-Forwarded-*.
  app.proxy = false;
  app.silent = true;
  const router = new Router();
  const routes = allRoutes(deps);
  mountRoutes(router, routes, deps);
  const ingest = ingestByPath(routes, deps);
  app.use(errorHandler(deps.logger));
  app.use(hecAnswers(deps));
  app.use(securityHeaders);
  // The public URL's host is a name the appliance is reached by (a proxy that keeps the Host header).
  const publicHost = () => hostnameOf(new URL(deps.baseUrl()).host);
  app.use(hostGuard({ has: (name) => deps.allowedHosts.has(name) || name === publicHost() }));
  // Ingest answers straight after the checks every request gets (errors, HEC shape, headers, Host).
  app.use((ctx, next) => {
    const answer = ctx.method === 'POST' ? ingest.get(ctx.path) : undefined;
    return answer ? answer(ctx) : next();
  });
  app.use(staticUi(deps.uiDir));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
