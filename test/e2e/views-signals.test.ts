// The signals views in a real browser against the built appliance: alerts (list, filters,
// live rows, detail with actions, timeline, events, deliveries), cases, definitions with
// filters, sources (URLs, token once, transposer test), catalog, and the notification bell.
// Data is seeded through the API; everything asserted is done through the UI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ROOT } from '../helpers/child';
import type { Locator } from 'playwright-core';
import { fieldMessage, startE2E, type E2E } from './browser';

const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures', name), 'utf8'));

let e: E2E;
let ingestKey: string;

async function ingest(path: string, body: unknown): Promise<any> {
  const res = await e.api('POST', path, body, ingestKey);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
}

async function seed(path: string, body: unknown): Promise<any> {
  const res = await e.api('POST', path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Opens a view the way a user does: by its link in the side navigation. */
async function openNav(label: string): Promise<void> {
  await e.page.locator('nav.side').getByRole('link', { name: label, exact: true }).click();
}

const row = (text: string) => e.page.locator('tbody tr', { hasText: text });

const messageBeside = (input: Locator) => fieldMessage(e.page, input);

beforeAll(async () => {
  e = await startE2E();
  ingestKey = (await seed('/api/keys', { name: 'views test', scopes: ['ingest'] })).key;
  // The bell rings for every event from here on; the bin receives a delivery per event.
  await seed('/api/destinations', { name: 'Bell', kind: 'in_app' });
  await seed('/api/destinations', { name: 'Views bin', kind: 'webhook', uri: `${e.url}/bin/views` });
  await seed('/api/catalog', { kind: 'service', name: 'API Gateway', slug: 'api-gateway' });
  await seed('/api/definitions', { name: 'Process events', external_id: 'someExternalValue', create_case: true, conversation_target: '#sec-ops' });
  await seed('/api/sources', { name: 'Splunk forwarder', dialect: 'splunk_hec' });
  await seed('/api/sources', { name: 'Generic tool', dialect: 'generic' });
  await ingest('/v1/ingest/event', fixture('event-open.json'));
  await ingest('/v1/ingest/event', fixture('event-open.json'));
  await ingest('/v1/ingest/event', fixture('event-closed.json'));
  await ingest('/v1/ingest/event', fixture('event-catalog-tags.json'));
  await ingest('/v1/ingest/generic', fixture('generic-alert.json'));
  await ingest('/api/v1/default/signals/instances', fixture('dispatch-signal-instance.json'));
  await e.page.waitForSelector('nav.side');
}, 90_000);
afterAll(() => e?.close());

test('alerts: rows, a status filter, a new alert arriving live', async () => {
  await openNav('Alerts');
  // Open ones first: the resolved alert waits behind the status filter.
  await row('Suspicious Process Execution').waitFor();
  await row('CPU Utilization Spiking').waitFor();
  expect(await row('CPU usage too high').count()).toBe(0);
  await e.shot('view-alerts');

  await e.page.getByLabel('Status').selectOption('resolved');
  await row('Suspicious Process Execution').waitFor({ state: 'detached' });
  expect(await row('CPU usage too high').textContent()).toContain('resolved');
  await e.page.getByLabel('Severity').selectOption('critical');
  await e.page.getByText('No alerts match these filters.').waitFor();
  await e.page.getByLabel('Severity').selectOption('');
  await e.page.getByLabel('Status').selectOption('');

  // No reload: the row comes from alert.changed on the stream.
  await ingest('/v1/ingest/generic', { title: 'Disk almost full on build-7', severity: 'Medium' });
  await row('Disk almost full on build-7').waitFor();

  // While searching, only alerts that match (as the server matches: any case) join live.
  await e.page.getByLabel('Search').fill('BUILD-7');
  await row('CPU usage too high').waitFor({ state: 'detached' });
  await ingest('/v1/ingest/generic', { title: 'Unrelated printer jam', severity: 'Low' });
  await ingest('/v1/ingest/generic', { title: 'Runner build-7 offline', severity: 'Low' });
  await row('Runner build-7 offline').waitFor();
  expect(await row('Unrelated printer jam').count()).toBe(0);
  expect(await e.page.locator('tbody tr').count()).toBe(2);
  await e.page.getByLabel('Search').fill('');
});

test('alert detail: timeline with decision texts, linked events, deliveries, acknowledge changes the status', async () => {
  await openNav('Alerts');
  await e.page.getByLabel('Status').selectOption('');
  await row('CPU usage too high').click();
  await e.page.getByRole('heading', { name: /CPU usage too high/ }).waitFor();
  const id = decodeURIComponent(new URL(e.page.url()).hash.replace('#/alerts/', ''));
  const alert = (await e.api('GET', `/api/alerts/${id}`)).body;
  const timeline = e.page.getByRole('list', { name: 'timeline' });
  for (const entry of alert.timeline) await timeline.getByText(entry.text, { exact: true }).waitFor();
  expect(await timeline.textContent()).toContain('idempotency key "18913k2b63ifs"');
  // Its three events (open, join, close), each linking to the event inspector.
  const eventLinks = e.page.locator('ul.event-links a');
  await eventLinks.nth(2).waitFor();
  expect(await eventLinks.count()).toBe(3);
  expect(await eventLinks.first().getAttribute('href')).toMatch(/^#\/events\/.+/);
  // Each event owed the bin a delivery; the rows link to the delivery's history.
  await e.page.locator('a[href^="#/deliveries/"]').first().waitFor();
  expect(await e.page.locator('a[href^="#/deliveries/"]').count()).toBe(3);
  // A resolved alert takes no action.
  expect(await e.page.getByRole('button', { name: 'Acknowledge' }).isDisabled()).toBe(true);

  await e.page.getByRole('link', { name: '← Alerts' }).click();
  await row('Suspicious Process Execution').click();
  const status = e.page.getByLabel('alert status');
  expect(await status.textContent()).toBe('open');
  await e.page.getByRole('button', { name: 'Acknowledge' }).click();
  await e.page.getByRole('status').filter({ hasText: 'Acknowledged' }).waitFor();
  await status.filter({ hasText: /^acknowledged$/ }).waitFor();
  await e.page.getByRole('list', { name: 'timeline' }).getByText('Acknowledged by ui.').waitFor();
  expect(await e.page.getByRole('button', { name: 'Acknowledge' }).isDisabled()).toBe(true);
  await e.shot('view-alert-detail');
});

test('cases: the case a definition opened, moved to triage, with its timeline and alert', async () => {
  await openNav('Cases');
  await row('process_events').waitFor();
  expect(await row('process_events').textContent()).toContain('#sec-ops');
  await e.shot('view-cases');

  await row('process_events').click();
  const status = e.page.getByLabel('case status');
  await status.waitFor();
  expect(await status.textContent()).toBe('new');
  await e.page.getByRole('button', { name: 'Move to triage' }).click();
  await status.filter({ hasText: /^triage$/ }).waitFor();
  await e.page.getByRole('list', { name: 'timeline' }).getByText(/triage/).waitFor();
  // Its alert is linked and opens the alert.
  await row('process_events').getByRole('link').first().waitFor();
  expect(await e.page.getByRole('button', { name: 'Close' }).isDisabled()).toBe(false);
  await e.shot('view-case-detail');
  // Its definition is named and opens in Definitions.
  await e.page.getByRole('link', { name: 'Process events' }).click();
  await e.page.getByRole('region', { name: 'definition Process events' }).waitFor();
});

test('definitions: API messages for a clash and a bad value, then create, a deduplicate filter expired, a snooze until tomorrow, delete', async () => {
  await openNav('Definitions');
  await row('Process events').waitFor();
  await e.page.getByRole('button', { name: 'New definition' }).click();
  const form = e.page.getByRole('region', { name: 'new definition' });
  await form.getByLabel('Name').fill('Duplicate id');
  await form.getByLabel('External id').fill('someExternalValue');
  await form.getByRole('button', { name: 'Create definition' }).click();
  expect(await messageBeside(form.getByLabel('External id'))).toContain('"someExternalValue" is already used by definition "Process events"');

  await form.getByLabel('External id').fill('host-isolation');
  await form.getByLabel('Auto-resolve after (seconds)').fill('0');
  await form.getByRole('button', { name: 'Create definition' }).click();
  expect(await messageBeside(form.getByLabel('Auto-resolve after (seconds)'))).toBe('must be >= 1');
  expect(await form.getByLabel('External id').getAttribute('aria-invalid')).toBeNull();

  await form.getByLabel('Name').fill('Host isolation');
  await form.getByLabel('Auto-resolve after (seconds)').fill('3600');
  await form.getByRole('button', { name: 'Create definition' }).click();
  const chosen = e.page.getByRole('region', { name: 'definition Host isolation' });
  await chosen.waitFor();
  await row('host-isolation').waitFor();

  await chosen.getByLabel('Filter name').fill('Same host');
  await chosen.getByLabel('Expression').fill('raw.raw.hostIdentifier');
  await chosen.getByLabel('Window (seconds)').fill('600');
  await chosen.getByRole('button', { name: 'Add filter' }).click();
  const filterRow = chosen.locator('tbody tr', { hasText: 'Same host' });
  await filterRow.getByText('active').waitFor();
  await e.shot('view-definitions');
  await filterRow.getByRole('button', { name: 'Expire' }).click();
  await filterRow.getByText('expired', { exact: true }).waitFor();

  // A snooze with an end time tomorrow (datetime-local takes local time, sent as ISO).
  const tomorrow = new Date(Date.now() + 86_400_000);
  const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await chosen.getByLabel('Filter kind').selectOption('snooze');
  await chosen.getByLabel('Filter name').fill('Quiet host1');
  await chosen.getByLabel('Expression').fill('raw.raw.hostIdentifier = "host1"');
  await chosen.getByLabel('Snooze until').fill(local);
  await chosen.getByRole('button', { name: 'Add filter' }).click();
  const snoozeRow = chosen.locator('tbody tr', { hasText: 'Quiet host1' });
  await snoozeRow.getByText('active').waitFor();
  const stored = (await e.api('GET', `/api/definitions`)).body.items.find((d: any) => d.name === 'Host isolation');
  const filters = (await e.api('GET', `/api/definitions/${stored.id}/filters`)).body.items;
  expect(Date.parse(filters.find((f: any) => f.name === 'Quiet host1').until)).toBe(Date.parse(`${local}:00`));

  await chosen.getByRole('button', { name: 'Delete' }).click();
  await chosen.getByRole('button', { name: 'Yes, delete' }).click();
  await row('host-isolation').waitFor({ state: 'detached' });
  await row('Process events').waitFor();
});

test('sources: a custom source with a URL token shown once and rotated, URLs and curl per dialect, transposer tests', async () => {
  await openNav('Sources');
  const origin = new URL(e.url).origin;
  // Seeded sources: each dialect's URL and its way to authenticate in the curl command.
  const splunk = e.page.getByRole('region', { name: 'source Splunk forwarder' });
  expect(await splunk.locator('pre', { hasText: 'curl' }).textContent()).toContain(`'${origin}/services/collector/event' \\\n  -H "Authorization: Splunk $KEY"`);
  const generic = e.page.getByRole('region', { name: 'source Generic tool' });
  expect(await generic.locator('pre', { hasText: 'curl' }).textContent()).toContain(`'${origin}/v1/ingest/generic' \\\n  -H "Authorization: Bearer $KEY"`);
  // Its sample (the appliance's generic sample pack) goes through the generic dialect.
  await generic.getByText('Try a sample payload').click();
  await generic.getByRole('button', { name: 'Test on a sample' }).click();
  await generic.getByRole('status').filter({ hasText: '1 event would be stored' }).waitFor();

  await e.page.getByRole('button', { name: 'New source' }).click();
  const form = e.page.getByRole('region', { name: 'new source' });
  await form.getByLabel('Source name').fill('Acme Monitor');
  await form.getByLabel('Dialect').selectOption('custom');
  await form.getByLabel('Issue a URL token').check();
  await form.getByRole('button', { name: 'Create source' }).click();

  const card = e.page.getByRole('region', { name: 'source Acme Monitor' });
  await card.waitFor();
  await card.getByText(`${origin}/v1/ingest/custom/acme-monitor`, { exact: true }).waitFor();
  await card.getByRole('region', { name: 'URL token' }).waitFor();
  expect(await card.locator('pre', { hasText: `${origin}/v1/hooks/` }).first().textContent()).toMatch(/\/v1\/hooks\/\S{20,}/);
  // The curl command posts to the source's URL with a Bearer key.
  expect(await card.locator('pre', { hasText: 'Authorization: Bearer $KEY' }).textContent()).toContain(`'${origin}/v1/ingest/custom/acme-monitor'`);

  // The sample editor starts from the custom sample; write one the example transposer maps.
  const sample = card.getByLabel('sample for Acme Monitor').locator('.cm-content');
  await sample.click();
  await e.page.keyboard.press('ControlOrMeta+a');
  await e.page.keyboard.insertText('{"alert": {"name": "Disk full on db-1", "sev": "warn", "id": "d1"}}');
  await card.getByRole('button', { name: 'Test on a sample' }).click();
  await card.getByRole('status').filter({ hasText: '1 event would be stored' }).waitFor();
  await card.getByRole('region', { name: 'Normalized events (not stored)' }).getByText(/Disk full on db-1/).first().waitFor();
  await e.shot('view-sources');

  // A transposer that does not compile: the API's message, nothing saved.
  const editor = card.getByLabel('transposer of Acme Monitor').locator('.cm-content');
  await editor.click();
  await e.page.keyboard.press('ControlOrMeta+a');
  await e.page.keyboard.insertText('{ "summary": ');
  await card.getByRole('button', { name: 'Test on a sample' }).click();
  expect(await messageBeside(card.getByLabel('transposer of Acme Monitor'))).toMatch(/\S/);
  await card.getByRole('alert').getByText('Check the field marked above.').waitFor();

  // Rotating issues a new token, shown once in place of the old one.
  const first = await card.getByRole('region', { name: 'URL token' }).locator('pre').textContent();
  await card.getByRole('button', { name: 'Rotate token' }).click();
  await card.getByRole('status').filter({ hasText: 'New token below' }).waitFor();
  await card.getByRole('region', { name: 'URL token' }).locator('pre').filter({ hasNotText: first! }).waitFor();
  await card.getByRole('button', { name: 'I have stored it' }).click();
  await card.getByText(/was shown once; rotate to get a new one/).waitFor();
});

test('catalog: the seeded component with its tag, a bad slug refused with the API message, add and delete', async () => {
  await openNav('Catalog');
  await row('API Gateway').getByText('service:api-gateway').waitFor();
  const form = e.page.getByRole('region', { name: 'add a component' });
  await form.getByLabel('Component name').fill('Production');
  await form.getByLabel('Kind').selectOption('environment');
  await form.getByLabel('Slug').fill('Not A Slug');
  await form.getByRole('button', { name: 'Add component' }).click();
  expect(await messageBeside(form.getByLabel('Slug'))).toBe('may contain only lowercase letters, digits and - (starting with a letter or digit, at most 63)');
  await form.getByLabel('Slug').fill('production');
  await form.getByRole('button', { name: 'Add component' }).click();
  await row('environment:production').waitFor();
  await e.shot('view-catalog');
  await row('environment:production').getByRole('button', { name: 'Delete' }).click();
  await row('environment:production').getByRole('button', { name: 'Yes, delete' }).click();
  await row('environment:production').waitFor({ state: 'detached' });
  // The tag links to the alerts carrying it.
  await row('API Gateway').getByRole('link', { name: 'alerts with this tag' }).click();
  await row('CPU Utilization Spiking').waitFor();
  expect(await e.page.locator('tbody tr').count()).toBe(1);
});

test('notifications: the bell counts up live, lists the notification and opens its alert', async () => {
  const bell = e.page.locator('.bell-button');
  const count = e.page.locator('[data-testid="unread-count"]');
  const unread = async () => Number(await count.textContent());
  const unreadIs = (n: number) => count.filter({ hasText: new RegExp(`^${n}$`) }).waitFor();
  await count.waitFor();
  const before = await unread();
  expect(before).toBeGreaterThan(0);
  await ingest('/v1/ingest/generic', { title: 'Bell rings for this one', severity: 'High' });
  await unreadIs(before + 1);

  await bell.click();
  const panel = e.page.getByRole('dialog', { name: 'Notifications' });
  const item = panel.getByRole('link', { name: /Bell rings for this one/ });
  await item.waitFor();
  await e.shot('view-notifications');
  await item.click();
  await e.page.getByRole('heading', { name: /Bell rings for this one/ }).waitFor();
  expect(new URL(e.page.url()).hash).toMatch(/^#\/alerts\/.+/);
  await unreadIs(before);
});
