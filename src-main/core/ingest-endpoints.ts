// Where each dialect is posted: the one table the ingest routes mount, source URLs and
// samples are built from, and the UI's "Connect a tool" view lists.
import type { Dialect } from './types';

/** Koa paths (`:name` parameters) of the built-in ingest endpoints. */
export const INGEST_PATHS = {
  generic: '/v1/ingest/generic',
  event: '/v1/ingest/event',
  alertmanager: '/v1/ingest/alertmanager',
  splunk_hec: '/services/collector/event',
  signal_instance: '/api/v1/:organization/signals/instances',
  custom: '/v1/ingest/custom/:slug',
  url_token: '/v1/hooks/:token',
} as const satisfies Record<Dialect | 'url_token', string>;

/** The path a tool posts a dialect to, for an organization (and a custom source's slug; slugs are URL-safe). */
export function ingestPath(dialect: Dialect, orgSlug: string, sourceSlug: string): string {
  return INGEST_PATHS[dialect].replace(':organization', orgSlug).replace(':slug', sourceSlug);
}

/** How a tool authenticates on an endpoint: `Authorization: Bearer <key>`, `Authorization: Splunk <key>`, or the URL token in the path. */
export type IngestAuth = 'bearer' | 'splunk' | 'url_token';

/** One built-in ingest endpoint as the "Connect a tool" view lists it (GET /api/connect). */
export interface IngestEndpoint {
  kind: Dialect | 'url_token';
  label: string;
  /** For this organization; `<slug>` and `<token>` stand for what the user fills in. */
  path: string;
  auth: IngestAuth;
  description: string;
}

export function builtInEndpoints(orgSlug: string): IngestEndpoint[] {
  const at = (dialect: Dialect) => ingestPath(dialect, orgSlug, '<slug>');
  return [
    { kind: 'generic', label: 'Generic webhook', path: at('generic'), auth: 'bearer', description: 'Any tool that can POST JSON with a "title" (severity, description, tags and indicators optional).' },
    { kind: 'event', label: 'Event (FireHydrant event model)', path: at('event'), auth: 'bearer', description: 'summary, body, status OPEN/CLOSED, level, idempotency_key, tags, annotations, links.' },
    { kind: 'signal_instance', label: 'Signal instance (Dispatch)', path: at('signal_instance'), auth: 'bearer', description: 'Dispatch signal instances for this organization: {project, raw}; raw.externalId attaches a definition.' },
    { kind: 'alertmanager', label: 'Prometheus Alertmanager', path: at('alertmanager'), auth: 'bearer', description: 'The Alertmanager webhook (version 4): one event per alert; resolved notifications close what firing ones opened.' },
    { kind: 'splunk_hec', label: 'Splunk HEC', path: at('splunk_hec'), auth: 'splunk', description: 'Splunk HTTP Event Collector envelopes, as any Splunk sender posts them ("Authorization: Splunk <key>").' },
    { kind: 'custom', label: 'Custom source', path: at('custom'), auth: 'bearer', description: 'Any JSON, mapped by the JSONata transposer of a custom source you create under Sources.' },
    { kind: 'url_token', label: 'URL token', path: INGEST_PATHS.url_token.replace(':token', '<token>'), auth: 'url_token', description: 'For tools that cannot set headers: the token of a source, issued under Sources, authenticates.' },
  ];
}
