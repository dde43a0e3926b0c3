// Export of the events a filter selects, as NDJSON (each stored event in full, one per line)
// or CSV (the fields an analyst sorts by). Read page by page and pulled by the response
// stream, so memory stays bounded however many events match and however slow the reader.
import { Readable } from 'node:stream';
import { csvRow } from '../core/csv';
import type { NormalizedEvent } from '../core/types';
import { EXPORT_PAGE_SIZE, EXPORT_READS_AT_ONCE } from '../limits';
import type { EventQuery, Store } from '../store/types';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CSV_COLUMNS = [
  'id', 'received_at', 'occurred_at', 'dialect', 'source', 'source_name', 'severity', 'status', 'priority', 'level',
  'event_type', 'title', 'body', 'tags', 'idempotency_key', 'alert_id',
] as const satisfies readonly (keyof NormalizedEvent)[];

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/**
 * Every event the query selects, newest first: listed EXPORT_PAGE_SIZE at a time, read
 * EXPORT_READS_AT_ONCE at a time (reads overlap, and at most that many events are held).
 */
async function* matchingEvents(store: Store, query: Omit<EventQuery, 'cursor' | 'limit'>): AsyncGenerator<NormalizedEvent> {
  let cursor: string | undefined;
  do {
    const page = await store.listEvents({ ...query, cursor, limit: EXPORT_PAGE_SIZE });
    for (let i = 0; i < page.items.length; i += EXPORT_READS_AT_ONCE) {
      const events = await Promise.all(page.items.slice(i, i + EXPORT_READS_AT_ONCE).map((e) => store.getEvent(e.id)));
      for (const event of events) if (event) yield event; // gone since it was listed (retention): skipped
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}

async function* lines(store: Store, query: Omit<EventQuery, 'cursor' | 'limit'>, format: ExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield csvRow(CSV_COLUMNS);
  for await (const event of matchingEvents(store, query)) {
    yield format === 'csv' ? csvRow(CSV_COLUMNS.map((c) => event[c])) : `${JSON.stringify(event)}\n`;
  }
}

export function exportStream(store: Store, query: Omit<EventQuery, 'cursor' | 'limit'>, format: ExportFormat): Readable {
  return Readable.from(lines(store, query, format), { objectMode: false, highWaterMark: 64 * 1024 });
}
