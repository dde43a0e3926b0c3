// What every dialect's normalizer is given and gives back (a module of its own, so the
// dialects, normalize and ingest can all import it without importing each other).
import type { CustomIndicatorMapping, NormalizedEvent, Organization, RequestMeta, SourceRecord } from '../types';

export interface IngestContext {
  organization: Organization;
  /** The configured source (custom source or URL token), else null. */
  source: SourceRecord | null;
  receivedAt: Date;
  /** request.idempotency_key is the Idempotency-Key header, if any. */
  request: RequestMeta;
  customMappings: CustomIndicatorMapping[];
  /** Event id generator. */
  newId(): string;
}

export type IngestOutcome = { ok: true; events: NormalizedEvent[] } | { ok: false; errors: string[] };
