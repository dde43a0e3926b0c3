// The inspector answers "what exactly was sent" (headers with secrets masked, the query
// string, which batch item became the event, JSON open two levels), and Live events exports
// the filtered events as NDJSON or CSV with progress — in Chromium against the built appliance.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { allEventIds } from '../helpers/event-ids';
import { startE2E, type E2E } from './browser';

let e: E2E;
let key: string;

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(e.url + path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  expect(res.status).toBe(path.startsWith('/services/collector') ? 200 : 202); // HEC answers as Splunk does
  return res.json();
}

const listedIds = (query: string) => allEventIds(async (path) => (await e.api('GET', path)).body, query);

beforeAll(async () => {
  e = await startE2E();
  key = (await e.api('POST', '/api/keys', { name: 'inspector test', scopes: ['ingest'] })).body.key;
}, 60_000);
afterAll(() => e?.close());

test('the inspector shows the headers as received with secrets masked, and the query string', async () => {
  const { page } = e;
  const sent = await post('/v1/ingest/generic?team=blue&token=query-secret-1', { title: 'Sent with headers', severity: 'Low' }, {
    'x-team': 'blue team', 'x-api-key': 'header-secret-2', cookie: 'sid=cookie-secret-3', 'x-hub-signature-256': 'sha256=sig-secret-4', 'user-agent': 'inspector-test/1.0',
  });
  await page.goto(`${e.url}/#/events/${sent.event_id}`);
  const request = page.getByRole('region', { name: 'Request as received' });
  await request.getByText('POST /v1/ingest/generic?team=blue&token=***').waitFor();
  const headers = request.getByRole('table', { name: 'Request headers' });
  const value = async (name: string) => (await headers.locator('tr', { has: page.getByRole('cell', { name, exact: true }) }).locator('td').nth(1).textContent());
  expect(await value('x-team')).toBe('blue team');
  expect(await value('user-agent')).toBe('inspector-test/1.0');
  expect(await value('authorization')).toBe('Bearer ***');
  expect(await value('x-api-key')).toBe('***');
  expect(await value('cookie')).toBe('***');
  expect(await value('x-hub-signature-256')).toBe('***');
  const text = (await page.locator('main').textContent())!;
  expect(text).not.toMatch(/-secret-\d/);
  expect(text).not.toContain(key);
  await e.shot('view-event-inspector-request');
});

test('for an Alertmanager group the inspector says which alert became the event and shows it; JSON opens two levels', async () => {
  const { page } = e;
  const alert = (name: string) => ({ status: 'firing', labels: { alertname: name, severity: 'warning' }, annotations: { summary: `${name} is firing` }, startsAt: '2026-12-01T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint: `fp-${name}` });
  const group = { version: '4', groupKey: '{}:{}', status: 'firing', receiver: 'sy', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://127.0.0.1:9093', alerts: ['DiskFull', 'HighCPU', 'Down'].map(alert) };
  const sent = await post('/v1/ingest/alertmanager', group);
  await page.goto(`${e.url}/#/events/${sent.event_ids[1]}`);
  const batch = page.getByRole('region', { name: 'Batch item' });
  await batch.getByRole('heading', { name: 'Item 2 of 3 of this Alertmanager group' }).waitFor();
  expect(await batch.textContent()).toContain('alerts[1]');
  const item = batch.getByRole('region', { name: 'The item that became this event (alerts[1])' });
  // Two levels open: the item's labels (level 1) show their keys and values; nothing of the other alerts.
  await item.getByText('"HighCPU"').waitFor();
  expect(await item.textContent()).toContain('alertname');
  expect(await item.textContent()).not.toContain('DiskFull');
  // In the raw payload, alerts (level 1) is open and its alert (level 2) closed.
  const raw = page.getByRole('region', { name: 'Raw payload (as received)' });
  await raw.getByText('groupKey').waitFor();
  expect(await raw.textContent()).not.toContain('fingerprint');
  await e.shot('view-event-inspector-batch');
});

test('export of the filtered events: NDJSON and CSV files with every event the filters select, progress shown', async () => {
  const { page } = e;
  // Enough matching events (3,000 of 4,500) that the file takes many reads to arrive.
  for (let b = 0; b < 5; b++) {
    await post('/services/collector/event', Array.from({ length: 900 }, (_, i) => ({ event: { title: `export me ${b * 900 + i}, "quoted"`, severity: i % 3 === 0 ? 'high' : 'low' } })));
  }
  await post('/v1/ingest/generic', { title: 'export me not: other dialect', severity: 'Low' });
  await page.goto(`${e.url}/#/events?dialect=splunk_hec&severity=low&text=export+me`);
  await page.getByRole('cell', { name: 'export me 4499, "quoted"', exact: true }).waitFor();
  const expected = await listedIds('dialect=splunk_hec&severity=low&text=export%20me');
  expect(expected).toHaveLength(3000);

  // Every text the progress line shows, recorded in the page as it changes.
  await page.evaluate(`(() => {
    window.progressSeen = [];
    new MutationObserver(() => {
      const status = document.querySelector('[aria-label="export progress"]');
      if (status && window.progressSeen.at(-1) !== status.textContent) window.progressSeen.push(status.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  })()`);
  const exportAs = async (format: 'NDJSON' | 'CSV') => {
    await page.evaluate('window.progressSeen.length = 0');
    await page.getByLabel('export format').selectOption({ label: format });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()]);
    await page.getByRole('status', { name: 'export progress' }).filter({ hasText: /^Saved 3000 events \(\d+ KB\) as switchyard-events-.*\.(ndjson|csv)$/ }).waitFor();
    expect(download.suggestedFilename()).toMatch(format === 'CSV' ? /\.csv$/ : /\.ndjson$/);
    // While it streamed, the line counted what had arrived so far.
    const seen: string[] = await page.evaluate('window.progressSeen');
    expect(seen[0]).toBe('Exporting… 0 events, 0 bytes received');
    expect(seen.some((t) => /^Exporting… [1-9]\d* events, [\d.]+ KB received$/.test(t)), seen.join(' | ')).toBe(true);
    return readFile((await download.path())!, 'utf8');
  };

  const ndjson = (await exportAs('NDJSON')).trim().split('\n').map((l) => JSON.parse(l));
  expect(ndjson.map((x) => x.id)).toEqual(expected);
  for (const x of ndjson) expect(x).toMatchObject({ dialect: 'splunk_hec', severity: 'low', raw: { event: { title: x.title } } });

  const csv: Record<string, string>[] = parse(await exportAs('CSV'), { columns: true });
  expect(csv.map((r) => r.id)).toEqual(expected);
  expect(new Set(csv.map((r) => r.title))).toEqual(new Set(ndjson.map((x) => x.title)));
  await e.shot('view-live-events-export');
});

test('an export the server refuses shows its reason', async () => {
  const { page } = e;
  await page.goto(`${e.url}/#/events?severity=nonsense`);
  const exporter = page.getByRole('group', { name: 'Export events' });
  await exporter.getByRole('button', { name: 'Export', exact: true }).click();
  await exporter.getByRole('alert').filter({ hasText: /^severity: must be one of / }).waitFor();
  expect(await exporter.getByRole('status').count()).toBe(0);
});
