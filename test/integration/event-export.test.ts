// GET /api/events/export: every event the Live events filters select, streamed as NDJSON or
// CSV (read back with csv-parse), paged through the store, bad input as {"errors": [...]}.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXPORT_PAGE_SIZE } from '../../src-main/limits';
import { FileStore } from '../../src-main/store/file-store';
import { allEventIds } from '../helpers/event-ids';
import { startHarness, type Harness } from '../helpers/harness';

// Spied before the app opens its store, so every call the export makes is seen.
const listEvents = vi.spyOn(FileStore.prototype, 'listEvents');

let h: Harness;
let key: string;
const BULK = 2 * EXPORT_PAGE_SIZE + 37; // more than two pages
const TRICKY = ['comma, "quoted" title', 'two\nlines', '=HYPERLINK("http://x")', 'plain ünïcode ✓'];

const listedIds = (query: string) => allEventIds(async (path) => (await h.http('GET', path)).json, query);

beforeAll(async () => {
  h = await startHarness();
  key = await h.key(['ingest']);
  // One HEC batch of low-severity envelopes, and generic events of other severities beside them.
  const batch = Array.from({ length: BULK }, (_, i) => ({ time: 1_700_000_000 + i, sourcetype: 'bulk', event: { title: `bulk ${i}`, severity: 'low' } }));
  expect((await h.http('POST', '/services/collector/event', { body: batch, key })).status).toBe(200);
  for (const title of TRICKY) expect((await h.http('POST', '/v1/ingest/generic', { body: { title, severity: 'High' }, key })).status).toBe(202);
  expect((await h.http('POST', '/v1/ingest/generic', { body: { title: 'a medium one', severity: 'Medium' }, key })).status).toBe(202);
}, 60_000);
afterAll(async () => h.stop());

describe('GET /api/events/export', () => {
  it('NDJSON: every event the filters select, newest first, each in full as GET /api/events/{id} answers', async () => {
    listEvents.mockClear();
    const res = await h.http('GET', '/api/events/export?format=ndjson&dialect=splunk_hec&severity=low');
    expect(res.status).toBe(200);
    const exportCalls = listEvents.mock.calls.map(([q]) => q);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="switchyard-events.ndjson"');
    const lines = res.text.split('\n');
    expect(lines.pop()).toBe('');
    const events = lines.map((l) => JSON.parse(l));
    expect(events.map((e) => e.id)).toEqual(await listedIds('dialect=splunk_hec&severity=low'));
    expect(events).toHaveLength(BULK);
    expect(new Set(events.map((e) => e.title))).toEqual(new Set(Array.from({ length: BULK }, (_, i) => `bulk ${i}`)));
    expect(events[0]).toEqual((await h.http('GET', `/api/events/${events[0].id}`)).json);
    // Paged through the store, EXPORT_PAGE_SIZE events at a time, never the whole set at once.
    expect(exportCalls.length).toBe(Math.ceil(BULK / EXPORT_PAGE_SIZE));
    for (const q of exportCalls) expect(q.limit).toBe(EXPORT_PAGE_SIZE);
  });

  it('CSV: a header row and one record per selected event, commas, quotes, newlines and unicode intact; formulas neutralized', async () => {
    const res = await h.http('GET', '/api/events/export?format=csv&severity=high');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const records: Record<string, string>[] = parse(res.text, { columns: true });
    expect(records.map((r) => r.id)).toEqual(await listedIds('severity=high'));
    expect(records.map((r) => r.title).sort()).toEqual(TRICKY.map((t) => (t.startsWith('=') ? `'${t}` : t)).sort());
    for (const r of records) expect(r).toMatchObject({ dialect: 'generic', severity: 'high', status: 'OPEN', source: 'generic' });
    expect(Object.keys(records[0])).toEqual([
      'id', 'received_at', 'occurred_at', 'dialect', 'source', 'source_name', 'severity', 'status', 'priority', 'level',
      'event_type', 'title', 'body', 'tags', 'idempotency_key', 'alert_id',
    ]);
  });

  it('the search text filters the export as it filters the list; nothing selected gives an empty file', async () => {
    const res = await h.http('GET', '/api/events/export?format=ndjson&text=medium%20one');
    expect(res.text.trim().split('\n').map((l) => JSON.parse(l).title)).toEqual(['a medium one']);
    const none = await h.http('GET', '/api/events/export?format=csv&text=nothing-matches-this');
    expect(parse(none.text, { columns: true })).toEqual([]);
    expect(none.text.split('\r\n')[0]).toMatch(/^id,received_at,/);
  });

  it('a bad or missing format, or a bad filter, is a 400 listing every problem', async () => {
    const bad = await h.http('GET', '/api/events/export?format=xlsx&severity=severe');
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ errors: ['format: must be one of ndjson, csv', expect.stringMatching(/^severity: must be one of /)] });
    const missing = await h.http('GET', '/api/events/export');
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ errors: ['format: required, one of ndjson, csv'] });
  });

  it('needs the admin scope (an ingest key is refused)', async () => {
    const res = await h.http('GET', '/api/events/export?format=ndjson', { key });
    expect(res.status).toBe(403);
    expect(res.json.errors).toHaveLength(1);
  });
});
