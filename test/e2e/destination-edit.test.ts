// Editing in the browser against the built appliance: a destination's URI changed through its
// Edit form (its masked secret header kept, as the receiver proves), disabled and enabled
// with the switch; the Settings view showing the saved search URL template; the Deliveries
// list paging with Load more and staying live after it. Receivers: a node:http server and the
// request bin, both on 127.0.0.1.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fieldMessage, startE2E, type E2E } from './browser';

let e: E2E;
let page: Page;
let ingestKey: string;
let receiver: Server;
let receiverUrl: string;
const received: { url: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  e = await startE2E();
  page = e.page;
  ingestKey = (await e.api('POST', '/api/keys', { name: 'e2e ingest', scopes: ['ingest'] })).body.key;
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/edited`;
}, 60_000);

afterAll(async () => {
  await e?.close();
  await new Promise((r) => receiver?.close(r));
});

/** The form field whose label starts with `label` (labels also hold their hints). */
const field = (label: string) => page.getByLabel(new RegExp(`^${label}`)).and(page.locator('input, select, textarea'));
const facts = () => page.getByRole('region', { name: 'Settings' }).locator('.facts');

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("a destination's URI is edited through its form (the masked secret header is kept), then it is disabled and enabled", async () => {
  const created = await e.api('POST', '/api/destinations', {
    name: 'Editable hook', kind: 'webhook', uri: `${e.url}/bin/before`, event_type: ['security_event'],
    headers: [{ key: 'Authorization', value: 'Bearer receiver-secret' }, { key: 'X-Team', value: 'soc' }],
  });
  expect(created.status).toBe(201);
  await e.nav('Destinations');
  await page.getByRole('link', { name: 'Editable hook' }).click();
  await facts().getByText(`${e.url}/bin/before`).waitFor();
  expect(await page.getByText(/cannot be changed in place/).count()).toBe(0);

  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const form = page.getByRole('form', { name: 'Edit destination' });
  await form.waitFor();
  // The form starts from the saved values; the secret is shown masked, the kind cannot change.
  expect(await field('Name').inputValue()).toBe('Editable hook');
  expect(await field('URI').inputValue()).toBe(`${e.url}/bin/before`);
  expect(await page.getByLabel('Headers 1 value').inputValue()).toBe('Bearer ***');
  expect(await field('Kind').isDisabled()).toBe(true);

  await field('URI').fill(receiverUrl);
  await field('Name').fill('Edited hook');
  await e.shot('view-destination-edit');
  // A value the API refuses shows its field message and saves nothing.
  await field('URI').fill('not a url');
  await form.getByRole('button', { name: 'Save changes' }).click();
  expect(await fieldMessage(page, field('URI'))).toBe('must start with http:// or https://');
  expect((await e.api('GET', `/api/destinations/${created.body.id}`)).body.uri).toBe(`${e.url}/bin/before`);

  await field('URI').fill(receiverUrl);
  await form.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('status').getByText('Saved; the circuit starts afresh for the new URI').waitFor();
  await facts().getByText(receiverUrl).waitFor();
  await page.getByRole('heading', { name: 'Edited hook' }).waitFor();
  const saved = (await e.api('GET', `/api/destinations/${created.body.id}`)).body;
  expect(saved).toMatchObject({ name: 'Edited hook', uri: receiverUrl, headers: [{ key: 'Authorization', value: 'Bearer ***' }, { key: 'X-Team', value: 'soc' }], enabled: true });

  // The receiver at the new URI gets the real secret: the mask the form sent back was not stored.
  await page.getByRole('button', { name: 'Send test' }).click();
  await page.getByRole('status').getByText(/^Test succeeded: HTTP 200 in \d+ ms$/).waitFor();
  expect(received.at(-1)).toMatchObject({ url: '/edited', headers: { authorization: 'Bearer receiver-secret', 'x-team': 'soc' } });

  await page.getByRole('button', { name: 'Disable', exact: true }).click();
  await page.getByRole('status').getByText('Disabled: new events are not delivered here').waitFor();
  await page.locator('.toolbar .badge', { hasText: 'disabled' }).waitFor();
  expect(await facts().textContent()).toContain('Enabledno');
  expect((await e.api('GET', `/api/destinations/${created.body.id}`)).body.enabled).toBe(false);
  const before = received.length;
  const quiet = await e.api('POST', '/v1/ingest/generic', { title: 'while disabled', severity: 'Low' }, ingestKey);
  expect(quiet.status).toBe(202);
  expect((await e.api('GET', `/api/deliveries?event=${quiet.body.event_id}`)).body.items).toEqual([]);
  expect(received.length).toBe(before);

  await page.getByRole('button', { name: 'Enable', exact: true }).click();
  await page.getByRole('status').getByText('Enabled: new events are delivered here').waitFor();
  expect(await page.locator('.toolbar .badge', { hasText: 'disabled' }).count()).toBe(0);
  const heard = await e.api('POST', '/v1/ingest/generic', { title: 'enabled again', severity: 'Low' }, ingestKey);
  await waitFor(async () => (received.length > before ? true : undefined));
  expect((await e.api('GET', `/api/deliveries?event=${heard.body.event_id}`)).body.items).toHaveLength(1);
});

test('a splunk_hec edit with the token field left blank keeps the saved token', async () => {
  const hec = await e.api('POST', '/api/destinations', { name: 'HEC edit', kind: 'splunk_hec', uri: `${e.url}/bin/hec-before`, token: 'hec-token-1', event_type: ['security_event'] });
  expect(hec.status).toBe(201);
  await e.nav('Destinations');
  await page.getByRole('link', { name: 'HEC edit' }).click();
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  expect(await field('HEC token').inputValue()).toBe('');
  await field('URI').fill(`${receiverUrl}/hec`);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await facts().getByText(`${receiverUrl}/hec`).waitFor();
  await page.getByRole('button', { name: 'Send test' }).click();
  await page.getByRole('status').getByText(/^Test succeeded: HTTP 200 in \d+ ms$/).waitFor();
  expect(received.at(-1)).toMatchObject({ url: '/edited/hec', headers: { authorization: 'Splunk hec-token-1' } });
});

test('settings show the saved search URL template', async () => {
  const template = 'https://kibana.local/app/discover#/?query={{value}}';
  expect((await e.api('PUT', '/api/settings/search-url-template', { template })).status).toBe(200);
  await e.nav('Settings');
  const region = page.getByRole('region', { name: 'Search URL template' });
  await region.waitFor();
  expect(await field('Search URL template').inputValue()).toBe(template);
  expect(await page.getByLabel('Saved search URL template').textContent()).toContain(template);
  expect(await page.getByText(/starts empty/).count()).toBe(0);

  await field('Search URL template').fill('');
  await page.getByRole('button', { name: 'Save template' }).click();
  await region.getByRole('status').getByText('Removed').waitFor();
  expect(await page.getByLabel('Saved search URL template').textContent()).toContain('None saved');
  expect((await e.api('GET', '/api/settings')).body.search_url_template).toBeNull();
});

test('deliveries page with Load more, and a new delivery joins the top without dropping the older pages', async () => {
  const bin = await e.api('POST', '/api/destinations', { name: 'Paging bin', kind: 'webhook', uri: `${e.url}/bin/paging`, event_type: ['security_event'] });
  // One event's delivery, then 54 more of it by hand.
  const event = await e.api('POST', '/v1/ingest/generic', { title: 'paging seed', severity: 'Low' }, ingestKey);
  const seed = await waitFor(async () => (await e.api('GET', `/api/deliveries?event=${event.body.event_id}&destination=${bin.body.id}`)).body.items[0]);
  const ids: string[] = [seed.id];
  for (let i = 0; i < 54; i++) ids.push((await e.api('POST', `/api/deliveries/${seed.id}/redeliver`)).body.id);
  await e.nav('Deliveries');
  await page.getByLabel(/^Destination/).selectOption({ label: 'Paging bin' });
  const rows = page.locator('tbody tr');
  await waitFor(async () => ((await rows.count()) === 50 ? true : undefined));
  const newest = page.getByRole('link', { name: `delivery ${ids[54]}` });
  await newest.waitFor();
  expect(await page.getByRole('link', { name: `delivery ${ids[4]}` }).count()).toBe(0);

  await page.getByRole('button', { name: 'Load more' }).click();
  await page.getByRole('link', { name: `delivery ${ids[0]}` }).waitFor();
  expect(await rows.count()).toBe(55);
  expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);

  const extra = (await e.api('POST', `/api/deliveries/${seed.id}/redeliver`)).body.id;
  await page.getByRole('link', { name: `delivery ${extra}` }).waitFor();
  expect(await rows.count()).toBe(56);
  expect(await rows.first().getByRole('link', { name: `delivery ${extra}` }).count()).toBe(1);
  await page.getByRole('link', { name: `delivery ${ids[0]}` }).waitFor();
});
