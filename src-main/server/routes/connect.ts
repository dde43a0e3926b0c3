// "Connect a tool": the built-in ingest endpoints of the caller's organization, for the UI
// view that shows where to point a tool (the UI adds the origin it is served on).
import { builtInEndpoints } from '../../core/ingest-endpoints';
import * as R from '../../schemas/responses';
import type { ServerDeps } from '../deps';
import type { RouteDef } from '../route';
import type { ConnectView } from '../../../src-shared/sources';

export function connectRoutes(_deps: ServerDeps): RouteDef[] {
  return [
    {
      method: 'get', path: '/api/connect', summary: 'Every built-in ingest endpoint of the caller\'s organization: path, how to authenticate, what it takes', tag: 'sources', auth: 'admin',
      responses: { '200': '{organization, items: [{kind, label, path, auth, description}]}' }, returns: R.connectSchema,
      handler: (ctx, { principal }) => {
        ctx.body = { organization: principal.organization.slug, items: builtInEndpoints(principal.organization.slug) } satisfies ConnectView;
      },
    },
  ];
}
