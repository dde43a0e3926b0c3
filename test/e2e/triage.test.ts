// Triage in a real browser against the built appliance: Alerts opens on the open ones (the
// status filter in the URL, kept on reload), shows the total and each alert's source, acts
// on one row or on the selected rows with progress; an alert's events are listed by title
// and time; the offline demo's result links to the sample's event, alert and delivery.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ROOT } from '../helpers/child';
import { startE2E, type E2E } from './browser';

const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures', name), 'utf8'));

let e: E2E;
let page: Page;
let ingestKey: string;
const alertIds: Record<string, string> = {};

async function ingest(path: string, body: unknown): Promise<{ event_id: string; alert_id: string }> {
  const res = await e.api('POST', path, body, ingestKey);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body;
}

beforeAll(async () => {
  e = await startE2E();
  page = e.page;
  ingestKey = (await e.api('POST', '/api/keys', { name: 'triage', scopes: ['ingest'] })).body.key;
  for (const title of ['Triage one', 'Triage two', 'Triage three', 'Triage four']) alertIds[title] = (await ingest('/v1/ingest/generic', { title, severity: 'High' })).alert_id;
  expect((await e.api('POST', `/api/alerts/${alertIds['Triage four']}/resolve`)).status).toBe(200);
  await page.waitForSelector('nav.side');
}, 60_000);
afterAll(() => e?.close());

const row = (text: string) => page.locator('tbody tr', { hasText: text });
const total = () => page.getByRole('status', { name: 'Alerts total' });

test('alerts open on the open ones with the total and the source; the status filter lives in the URL', async () => {
  await e.nav('Alerts');
  await row('Triage one').waitFor();
  await total().getByText('3 open alerts').waitFor();
  expect(await row('Triage four').count()).toBe(0);
  expect(await page.getByLabel('Status').inputValue()).toBe('open');
  expect(await row('Triage one').textContent()).toContain('generic');
  expect(await page.locator('thead').textContent()).toContain('Source');

  await page.getByLabel('Status').selectOption('');
  await row('Triage four').waitFor();
  await total().getByText('4 alerts').waitFor();
  expect(new URL(page.url()).hash).toBe('#/alerts?status=all');
  await page.reload();
  await row('Triage four').waitFor();
  expect(await page.getByLabel('Status').inputValue()).toBe('');

  await page.getByLabel('Status').selectOption('resolved');
  await row('Triage one').waitFor({ state: 'detached' });
  expect(new URL(page.url()).hash).toBe('#/alerts?status=resolved');
  await total().getByText('1 resolved alert').waitFor();
  await page.getByLabel('Status').selectOption('open');
  expect(new URL(page.url()).hash).toBe('#/alerts');
  await row('Triage one').waitFor();
  await e.shot('triage-alerts');
});

test('a row action acknowledges one alert; bulk resolve of the selected rows shows its progress', async () => {
  await e.nav('Alerts');
  await row('Triage one').getByRole('button', { name: /^Acknowledge AL/ }).click();
  // Acknowledged, it is no longer open: it leaves the list, and the total follows.
  await row('Triage one').waitFor({ state: 'detached' });
  await total().getByText('2 open alerts').waitFor();
  expect((await e.api('GET', `/api/alerts/${alertIds['Triage one']}`)).body.status).toBe('acknowledged');

  // Each resolve answers slowly enough to watch the progress.
  await page.route('**/api/alerts/*/resolve', async (route) => {
    await new Promise((r) => setTimeout(r, 400));
    await route.continue();
  });
  await row('Triage two').getByRole('checkbox').check();
  await row('Triage three').getByRole('checkbox').check();
  const bulk = page.getByRole('region', { name: 'Selected alerts' });
  await bulk.getByText('2 selected').waitFor();
  await bulk.getByRole('button', { name: 'Resolve selected' }).click();
  const progress = bulk.getByRole('progressbar', { name: 'Resolve selected progress' });
  await progress.waitFor();
  await bulk.getByText(/^[01] \/ 2$/).waitFor();
  await e.shot('triage-bulk-progress');
  await page.getByRole('status').getByText('Resolved 2 of 2').waitFor();
  await page.unroute('**/api/alerts/*/resolve');
  // Resolved, they leave the open list; the total follows.
  await row('Triage two').waitFor({ state: 'detached' });
  await row('Triage three').waitFor({ state: 'detached' });
  await total().getByText('0 open alerts').waitFor();
  await page.getByText('No open alerts.').waitFor();
  for (const t of ['Triage two', 'Triage three']) expect((await e.api('GET', `/api/alerts/${alertIds[t]}`)).body.status).toBe('resolved');

  // Select all, dismiss: what the status does not allow is skipped and said so.
  await page.getByLabel('Status').selectOption('');
  await row('Triage four').waitFor();
  await page.getByLabel('Select every alert shown').check();
  await page.getByRole('region', { name: 'Selected alerts' }).getByRole('button', { name: 'Dismiss selected' }).click();
  await page.getByRole('status').getByText('Dismissed 1 of 4; 3 skipped (their status does not allow it)').waitFor();
  expect((await e.api('GET', `/api/alerts/${alertIds['Triage one']}`)).body.status).toBe('dismissed');
});

test('alert detail lists its events by title and time, each a link', async () => {
  const open = fixture('event-open.json');
  const first = await ingest('/v1/ingest/event', open);
  const second = await ingest('/v1/ingest/event', { ...open, summary: 'CPU usage still too high' });
  expect(second.alert_id).toBe(first.alert_id);
  await page.goto(`${e.url}/#/alerts/${first.alert_id}`);
  const events = page.getByRole('list', { name: 'Events of this alert' });
  await events.getByRole('link', { name: 'CPU usage still too high' }).waitFor();
  const links = events.getByRole('link');
  expect(await links.allTextContents()).toEqual(['CPU usage too high', 'CPU usage still too high']);
  expect(await links.first().getAttribute('href')).toBe(`#/events/${first.event_id}`);
  // No UUIDs in the list or the timeline: titles and times.
  const text = (await events.textContent()) ?? '';
  expect(text).not.toContain(first.event_id);
  expect(text).toMatch(/\d{1,2}:\d{2}/);
  expect(await page.getByRole('list', { name: 'timeline' }).getByRole('link', { name: 'CPU usage still too high' }).count()).toBe(1);
  await e.shot('triage-alert-detail');
  await links.nth(1).click();
  await expect.poll(() => new URL(page.url()).hash).toBe(`#/events/${second.event_id}`);
});

test("the offline demo's result links to the sample's event, alert and delivery", async () => {
  await e.nav('Dashboard');
  const start = page.getByRole('region', { name: 'Get started' });
  await start.getByRole('button', { name: 'Set up the demo destination' }).click();
  await start.getByText(/Destination ready/).waitFor();
  await start.getByRole('button', { name: 'Send a sample' }).click();
  const trail = page.getByRole('list', { name: 'Your sample' });
  await trail.getByRole('link', { name: /^delivery succeeded/ }).waitFor();
  const eventLink = await trail.getByRole('link').nth(0).getAttribute('href');
  const alertLink = await trail.getByRole('link', { name: 'open its alert' }).getAttribute('href');
  const deliveryLink = await trail.getByRole('link', { name: /^delivery / }).getAttribute('href');
  const eventId = decodeURIComponent(eventLink!.replace('#/events/', ''));
  const event = (await e.api('GET', `/api/events/${eventId}`)).body;
  expect(await trail.getByRole('link').nth(0).textContent()).toBe(event.title);
  expect(alertLink).toBe(`#/alerts/${event.alert_id}`);
  const deliveries = (await e.api('GET', `/api/deliveries?event=${eventId}`)).body.items;
  expect(deliveryLink).toBe(`#/deliveries/${deliveries[0].id}`);
  await e.shot('triage-demo-result');
  await trail.getByRole('link', { name: /^delivery / }).click();
  await expect.poll(() => new URL(page.url()).hash).toBe(deliveryLink);
});
