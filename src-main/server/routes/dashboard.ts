// The dashboard's figures over a recent window (see core/dashboard.ts).
import { buildDashboard } from '../../core/dashboard';
import type { EventSummary } from '../../core/types';
import { attemptSucceeded } from '../../delivery/attempt-outcome';
import type { Attempt, Delivery } from '../../delivery/engine';
import { DASHBOARD_BUCKETS, DASHBOARD_SCAN_MAX, DASHBOARD_WINDOW_MINUTES_MAX, PAGE_SIZE_MAX } from '../../limits';
import type { ServerDeps } from '../deps';
import { HttpError } from '../http-error';
import type { RouteDef } from '../route';
import * as R from '../../schemas/responses';

export function dashboardRoutes(deps: ServerDeps): RouteDef[] {
  return [
    {
      method: 'get', path: '/api/dashboard', summary: 'Figures of the last minutes: events by severity and delivery attempts by outcome per time bucket, failing destinations', tag: 'events', auth: 'admin',
      query: [{ name: 'minutes', description: `window, 1..${DASHBOARD_WINDOW_MINUTES_MAX}, default 60` }],
      responses: { '200': 'the dashboard', '400': 'bad window' }, returns: R.dashboardSchema,
      handler: async (ctx, { principal }) => {
        const minutes = ctx.query.minutes === undefined ? 60 : Number(ctx.query.minutes);
        if (!Number.isInteger(minutes) || minutes < 1 || minutes > DASHBOARD_WINDOW_MINUTES_MAX) throw new HttpError(400, [`minutes: must be an integer from 1 to ${DASHBOARD_WINDOW_MINUTES_MAX}`]);
        const now = deps.now();
        const from = now.getTime() - minutes * 60_000;
        // Newest first, page by page, until the window's start (or the scan limit).
        const events: EventSummary[] = [];
        let cursor: string | undefined;
        let truncated = false;
        for (;;) {
          const page = await deps.store.listEvents({ organization: principal.organization.id, cursor, limit: PAGE_SIZE_MAX });
          const inWindow = page.items.filter((e) => Date.parse(e.received_at) >= from);
          events.push(...inWindow);
          if (inWindow.length < page.items.length || !page.next_cursor) break;
          if (events.length >= DASHBOARD_SCAN_MAX) {
            truncated = true;
            break;
          }
          cursor = page.next_cursor;
        }
        const org = principal.organization.id;
        const deliveries = await deps.deliveries.recent<Delivery>('delivery', org, from, (d) => d.created_at, DASHBOARD_SCAN_MAX);
        const attempts = await deps.deliveries.recent<Attempt>('attempt', org, from, (a) => a.at, DASHBOARD_SCAN_MAX);
        ctx.body = buildDashboard({
          now, windowSeconds: minutes * 60, buckets: DASHBOARD_BUCKETS, events, truncated: truncated || deliveries.truncated || attempts.truncated,
          deliveries: deliveries.items, attempts: attempts.items,
          destinations: deps.store.config().destinations.filter((d) => d.organization === org),
          circuitOf: (id) => deps.deliveries.breakers.snapshot(id).state,
          attemptSucceeded,
        });
      },
    },
  ];
}
