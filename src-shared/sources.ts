// Sources as the API answers them (src-main/server/routes/config.ts), what creating one
// takes, the sample packs and the demo setup (routes/samples.ts). Types only.
import type { IngestEndpoint } from '../src-main/core/ingest-endpoints';
import type { CustomIndicatorMapping, Dialect, SourceRecord } from '../src-main/core/types';

/** A source without its token hash, with the URL tools post to (built from the server's base URL). */
export type SourceView = Omit<SourceRecord, 'token_hash'> & { has_token: boolean; ingest_url: string };

/** Create and rotate-token answers carry the URL token in clear, this once. */
export type SourceWithToken = SourceView & { url_token?: string; hook_url?: string };

/** POST /api/sources. */
export interface SourceInput {
  name: string;
  dialect: Dialect;
  transposer?: string | null;
  url_token?: boolean;
  auto_resolve_after_s?: number | null;
}

export type IndicatorMappingView = CustomIndicatorMapping;

/** A sample payload of a dialect (GET /api/samples), with the endpoint it is sent to. */
export interface SampleView {
  name: string;
  dialect: Dialect;
  title: string;
  description: string;
  endpoint: string;
  body: unknown;
}

/** POST /api/demo: the webhook destination that posts to the built-in request bin. */
export interface DemoSetup {
  destination_id: string;
  /** The bin's name (GET /api/bins/{bin} lists what it received). */
  bin: string;
  bin_url: string;
}

/** POST /api/samples/{name}/send and event replay: what was accepted. */
export interface SentView {
  event_ids: string[];
  alert_ids: (string | null)[];
}

/** What testing a source with a sample answers: the events it would give. */
export interface SourceTestResult { events: unknown[] }

/** What "Connect a tool" reads: the built-in ingest endpoints of the caller's organization. */
export interface ConnectView { organization: string; items: IngestEndpoint[] }
