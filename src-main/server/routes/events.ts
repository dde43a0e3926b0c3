// Stored events: list (newest first, filters, cursor), export, one event in full, and replay.
import type { ParsedUrlQuery } from 'node:querystring';
import { DIALECTS, SEVERITIES, STATUSES, type Dialect, type Severity, type Status } from '../../core/types';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../../limits';
import type { EventQuery } from '../../store/types';
import type { Principal } from '../auth';
import type { ServerDeps } from '../deps';
import { EXPORT_CONTENT_TYPES, EXPORT_FORMATS, exportStream, type ExportFormat } from '../event-export';
import { HttpError } from '../http-error';
import { uiRequest } from '../request-meta';
import type { RouteDef } from '../route';
import * as R from '../../schemas/responses';

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], errors: string[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  const match = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
  if (!match) errors.push(`${name}: must be one of ${allowed.join(', ')}`);
  return match;
}

export function parseLimit(value: unknown, errors: string[]): number {
  if (value === undefined || value === '') return PAGE_SIZE_DEFAULT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > PAGE_SIZE_MAX) {
    errors.push(`limit: must be an integer from 1 to ${PAGE_SIZE_MAX}`);
    return PAGE_SIZE_DEFAULT;
  }
  return n;
}

/** The filters of the list and the export (the same query parameters, the same checks). */
function eventFilters(q: ParsedUrlQuery, principal: Principal, errors: string[]): Omit<EventQuery, 'cursor' | 'limit'> {
  return {
    organization: principal.organization.id,
    dialect: oneOf<Dialect>('dialect', q.dialect, DIALECTS, errors),
    severity: oneOf<Severity>('severity', q.severity, SEVERITIES, errors),
    status: oneOf<Status>('status', q.status, STATUSES, errors),
    source: typeof q.source === 'string' && q.source ? q.source : undefined,
    text: typeof q.text === 'string' && q.text ? q.text.slice(0, 200) : undefined,
  };
}

const FILTER_PARAMS = [
  { name: 'dialect', description: DIALECTS.join(' | ') },
  { name: 'source', description: 'source id or dialect name' },
  { name: 'severity', description: SEVERITIES.join(' | ') },
  { name: 'status', description: STATUSES.join(' | ') },
  { name: 'text', description: 'case-insensitive substring of anything in the event: normalized fields, raw payload, request' },
];

export function eventRoutes(deps: ServerDeps): RouteDef[] {
  return [
    {
      method: 'get', path: '/api/events', summary: 'List events, newest first', tag: 'events', auth: 'admin',
      query: [
        ...FILTER_PARAMS,
        { name: 'cursor', description: 'next_cursor of the previous page' },
        { name: 'limit', description: `1..${PAGE_SIZE_MAX}, default ${PAGE_SIZE_DEFAULT}` },
      ],
      responses: { '200': '{items, next_cursor}', '400': 'bad filter' }, returns: R.pageOf(R.eventSummarySchema),
      handler: async (ctx, { principal }) => {
        const q = ctx.query;
        const errors: string[] = [];
        const query = {
          ...eventFilters(q, principal, errors),
          cursor: typeof q.cursor === 'string' && q.cursor ? q.cursor : undefined,
          limit: parseLimit(q.limit, errors),
        };
        if (errors.length) throw new HttpError(400, errors);
        ctx.body = await deps.store.listEvents(query);
      },
    },
    {
      // Before /api/events/:id, which would take "export" for an id.
      method: 'get', path: '/api/events/export', summary: 'Every event the filters select, newest first, streamed as NDJSON (each event in full) or CSV', tag: 'events', auth: 'admin',
      query: [{ name: 'format', description: EXPORT_FORMATS.join(' | ') }, ...FILTER_PARAMS],
      responses: { '200': 'the events (application/x-ndjson or text/csv), streamed', '400': 'bad format or filter' },
      // Lines of text either way (one event each); CSV is the same rows with a header line.
      returns: R.textSchema, returnsType: 'application/x-ndjson',
      handler: (ctx, { principal }) => {
        const errors: string[] = [];
        const format = ctx.query.format === undefined || ctx.query.format === ''
          ? (errors.push(`format: required, one of ${EXPORT_FORMATS.join(', ')}`), undefined)
          : oneOf<ExportFormat>('format', ctx.query.format, EXPORT_FORMATS, errors);
        const filters = eventFilters(ctx.query, principal, errors);
        if (errors.length || !format) throw new HttpError(400, errors);
        ctx.set('Content-Type', EXPORT_CONTENT_TYPES[format]);
        ctx.set('Content-Disposition', `attachment; filename="switchyard-events.${format}"`);
        ctx.set('Cache-Control', 'no-store');
        ctx.body = exportStream(deps.store, filters, format);
      },
    },
    {
      method: 'get', path: '/api/events/:id', summary: 'One event: normalized fields, raw payload and request metadata', tag: 'events', auth: 'admin',
      responses: { '200': 'the event', '404': 'no such event' }, returns: R.eventSchema,
      handler: async (ctx, { principal }) => {
        const event = await deps.store.getEvent(String(ctx.params.id));
        if (!event || event.organization !== principal.organization.id) throw new HttpError(404, [`id: no event "${ctx.params.id}"`]);
        ctx.body = event;
      },
    },
    {
      method: 'post', path: '/api/events/:id/replay', summary: 'Ingest a stored event\'s raw payload again, as a new event (same dialect and source)', tag: 'events', auth: 'admin',
      responses: { '202': '{event_ids, alert_ids}', '404': 'no such event', '400': 'the payload no longer passes (e.g. its custom source changed)', '503': 'store overloaded or failing' }, returns: R.acceptedSchema,
      handler: async (ctx, { principal }) => {
        const event = await deps.store.getEvent(String(ctx.params.id));
        if (!event || event.organization !== principal.organization.id) throw new HttpError(404, [`id: no event "${ctx.params.id}"`]);
        const source = deps.store.config().sources.find((s) => s.organization === event.organization && s.id === event.source) ?? null;
        const accepted = await deps.pipeline.accept({
          dialect: event.dialect, body: event.raw, organization: principal.organization, source,
          request: uiRequest(ctx, principal, event.request.path, Buffer.byteLength(JSON.stringify(event.raw)), event.id), fresh: true,
        });
        ctx.status = 202;
        ctx.body = { event_ids: accepted.ids, alert_ids: accepted.alertIds };
      },
    },
  ];
}
