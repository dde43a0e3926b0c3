// Live events, the inspector, the dashboard and the offline demo, in a real browser.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fixture } from '../helpers/harness';
import { startE2E, type E2E } from './browser';

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
}, 60_000);
afterAll(() => e?.close());

test('a sample sent from the UI appears live, without a reload', async () => {
  const { page } = e;
  await e.nav('Live events');
  await page.getByText('No events yet.').waitFor();
  await page.getByLabel('sample').selectOption('generic');
  await page.getByRole('button', { name: 'Send a sample' }).click();
  await page.getByRole('cell', { name: 'Suspicious Process Execution', exact: true }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Sent to /v1/ingest/generic: 1 event' }).waitFor();
  await e.shot('view-live-events');
});

test('an event posted by a tool appears live; while paused it is counted instead', async () => {
  const { page } = e;
  const key = (await e.api('POST', '/api/keys', { name: 'tool', scopes: ['ingest'] })).body.key;
  const reloads: string[] = [];
  page.on('framenavigated', (f) => reloads.push(f.url()));
  const sent = await e.api('POST', '/v1/ingest/generic', { title: 'Posted by a tool', severity: 'Low' }, key);
  expect(sent.status).toBe(202);
  await page.getByRole('cell', { name: 'Posted by a tool', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Pause' }).click();
  await e.api('POST', '/v1/ingest/generic', { title: 'Arrived while paused', severity: 'Low' }, key);
  await page.getByRole('button', { name: 'Resume (1 new)' }).waitFor();
  expect(await page.getByRole('cell', { name: 'Arrived while paused', exact: true }).count()).toBe(0);
  await e.shot('view-live-events-paused');
  await page.getByRole('button', { name: 'Resume (1 new)' }).click();
  await page.getByRole('cell', { name: 'Arrived while paused', exact: true }).waitFor();
  expect(reloads).toEqual([]);
});

test('the inspector shows the request, raw and normalized JSON, the decision; replay makes a new event', async () => {
  const { page } = e;
  await e.nav('Live events');
  await page.getByRole('cell', { name: 'Suspicious Process Execution', exact: true }).click();
  await page.getByRole('heading', { name: 'Suspicious Process Execution' }).waitFor();
  const raw = page.getByRole('region', { name: 'Raw payload (as received)' });
  const normalized = page.getByRole('region', { name: 'Normalized' });
  await raw.getByText('source_rule_id').waitFor();
  await normalized.getByText('indicators').waitFor();
  expect(await normalized.textContent()).toContain('"high"');
  expect(await page.getByRole('region', { name: 'Decision' }).textContent()).toMatch(/Opened|alert/i);
  await e.shot('view-event-inspector');
  const from = page.url();
  await page.getByRole('button', { name: 'Replay' }).click();
  await page.waitForURL((u) => u.toString() !== from);
  await page.getByText('A replay of').waitFor();
  const events = (await e.api('GET', '/api/events?text=Suspicious')).body.items;
  expect(events).toHaveLength(2);
});

test('copy as curl gives a command that sends the same payload again', async () => {
  const { page } = e;
  await page.getByRole('button', { name: 'Copy as curl' }).click();
  const curl: string = await page.evaluate('navigator.clipboard.readText()');
  expect(curl).toMatch(/^curl -X POST "http:\/\/127\.0\.0\.1:\d+\/v1\/ingest\/generic"/);
  const body = JSON.parse(curl.slice(curl.indexOf("--data-binary '") + 15, -1));
  expect(body).toEqual(await fixture('generic-alert.json'));
});

test('replaying many events shows progress and then how many were replayed', async () => {
  const { page } = e;
  await e.nav('Live events');
  const before = (await e.api('GET', '/api/events?limit=500')).body.items.length;
  await page.getByLabel('select Posted by a tool').check();
  await page.getByLabel('select Arrived while paused').check();
  await page.getByRole('button', { name: 'Replay selected (2)' }).click();
  await page.getByRole('status').filter({ hasText: 'Replayed 2 events as new events' }).waitFor();
  expect((await e.api('GET', '/api/events?limit=500')).body.items.length).toBe(before + 2);
  // The replays come back over the stream, drawn with the next batch of the live list.
  await expect.poll(() => page.getByRole('cell', { name: 'Arrived while paused', exact: true }).count()).toBe(2);
});

test('the one-click demo: request-bin destination, a sample, the delivery arrives; the dashboard charts it', async () => {
  const { page } = e;
  await e.nav('Dashboard');
  const start = page.getByRole('region', { name: 'Get started' });
  await start.getByRole('button', { name: 'Set up the demo destination' }).click();
  await start.getByText(/Destination ready: delivers to http:\/\/127\.0\.0\.1:\d+\/bin\/demo/).waitFor();
  await start.getByLabel('sample').selectOption('alertmanager');
  await start.getByRole('button', { name: 'Send a sample' }).click();
  await start.getByText('POST /bin/demo').first().waitFor();
  await page.getByRole('region', { name: 'Delivery outcomes' }).locator('.recharts-bar-rectangle').first().waitFor();
  await page.getByRole('region', { name: 'Event rate by severity' }).locator('.recharts-area').first().waitFor();
  const bin = (await e.api('GET', '/api/bins/demo')).body.items;
  expect(bin.length).toBeGreaterThanOrEqual(1);
  expect(bin.map((r: any) => r.body).join('')).toContain('HighCPU');
  await e.shot('view-dashboard');
});
