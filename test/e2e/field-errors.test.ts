// Errors where the mistake is, in a real browser against the built appliance: each API field
// message shows beside its field (aria-invalid, aria-describedby) in words, on the destination
// form and on other forms; a destination that can never work (a cloud metadata address) is
// refused beside its URI; Send test shows its outcome at once. Every receiver is local.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fieldMessage, startE2E, type E2E } from './browser';

let e: E2E;
let page: Page;

beforeAll(async () => {
  e = await startE2E();
  page = e.page;
  await page.waitForSelector('nav.side');
}, 60_000);
afterAll(() => e?.close());

/** The form field whose label starts with `label` (labels also hold hints and messages). */
const field = (label: string) => page.getByLabel(new RegExp(`^${label.replace(/[()]/g, '\\$&')}`)).and(page.locator('input, select, textarea'));

const waitInvalid = (input: Locator) => fieldMessage(page, input);

test('the destination form shows each API message beside its field, in words; a metadata address is refused beside the URI', async () => {
  await e.nav('Destinations');
  await page.getByRole('button', { name: 'New destination' }).click();
  const form = page.getByRole('form', { name: 'New destination' });
  await field('Name').fill('Inline errors hook');
  await field('URI').fill('ftp://files.example/in');
  await page.getByRole('button', { name: 'Add header' }).click();
  await page.getByLabel('Headers 1 name').fill('Content-Length');
  await page.getByLabel('Headers 1 value').fill('12');
  await form.getByRole('button', { name: 'Create destination' }).click();

  expect(await waitInvalid(field('URI'))).toBe('must start with http:// or https://');
  expect(await waitInvalid(page.getByLabel('Headers 1 name'))).toBe('Content-Length is set by Switchyard and cannot be configured');
  // Fields without a problem are not marked; the action says where to look.
  expect(await field('Name').getAttribute('aria-invalid')).toBeNull();
  expect(await page.getByLabel('Headers 1 value').getAttribute('aria-invalid')).toBeNull();
  await form.getByRole('alert').getByText('Check the 2 fields marked above.').waitFor();
  // The header value is one line.
  expect(await page.getByLabel('Headers 1 value').evaluate((el) => el.tagName)).toBe('INPUT');
  await e.shot('field-errors-destination');

  // The address check runs when saved: cloud metadata is refused with the reason, nothing is created.
  await page.getByRole('button', { name: 'Remove headers 1' }).click();
  await field('URI').fill('http://169.254.169.254/latest/meta-data/');
  await form.getByRole('button', { name: 'Create destination' }).click();
  await expect.poll(() => fieldMessage(page, field('URI'))).toBe('169.254.169.254 is a cloud metadata or link-local address');
  expect((await e.api('GET', '/api/destinations')).body.items).toEqual([]);
  await e.shot('field-errors-refused-destination');

  // Fixed, it saves, and the messages go.
  await field('URI').fill(`${e.url}/bin/inline`);
  await form.getByRole('button', { name: 'Create destination' }).click();
  await page.getByRole('region', { name: 'Signing secret' }).waitFor();
  expect((await e.api('GET', '/api/destinations')).body.items.map((d: { name: string }) => d.name)).toEqual(['Inline errors hook']);
});

test('other forms mark their fields the same way: the search URL template and the catalog slug', async () => {
  await e.nav('Settings');
  const search = page.getByRole('form', { name: 'Search URL template' });
  await search.waitFor();
  await field('Search URL template').fill('kibana.local/app/discover?q=x');
  await search.getByRole('button', { name: 'Save template' }).click();
  expect(await waitInvalid(field('Search URL template'))).toBe('must start with http:// or https:// and contain {{value}} where the searched value goes');
  // The address policy shown comes from the check's own tables.
  const refused = page.getByRole('list', { name: 'Always refused' });
  await refused.getByText('169.254.0.0/16').waitFor();
  expect(await refused.textContent()).toContain('cloud metadata or link-local address');
  const policy = (await e.api('GET', '/api/settings')).body.outgoing;
  expect(await refused.locator('li').count()).toBe(policy.always_refused.length);

  await e.nav('Catalog');
  const add = page.getByRole('form', { name: 'New component' });
  await add.waitFor();
  await field('Component name').fill('Payments API');
  await field('Slug').fill('Payments API');
  await add.getByRole('button', { name: 'Add component' }).click();
  expect(await waitInvalid(field('Slug'))).toBe('may contain only lowercase letters, digits and - (starting with a letter or digit, at most 63)');
  expect(await field('Component name').getAttribute('aria-invalid')).toBeNull();
  await field('Slug').fill('payments-api');
  await add.getByRole('button', { name: 'Add component' }).click();
  await add.getByRole('status').getByText(/Added/).waitFor();
  expect(await field('Slug').getAttribute('aria-invalid')).toBeNull();
});

test('Send test shows the outcome at once: status, duration and the answer; a receiver that is down fails at once, never pending', async () => {
  const bin = await e.api('POST', '/api/destinations', { name: 'Test send bin', kind: 'webhook', uri: `${e.url}/bin/sendtest`, event_type: ['security_event'] });
  expect(bin.status).toBe(201);
  await e.nav('Destinations');
  await page.getByRole('link', { name: 'Test send bin' }).click();
  await page.getByRole('button', { name: 'Send test' }).click();
  await page.getByRole('status').getByText(/^Test succeeded: HTTP 200 in \d+ ms$/).waitFor();
  const result = page.getByRole('region', { name: 'Test result' });
  expect(await result.textContent()).toContain(`${e.url}/bin/sendtest`);
  expect(await result.getByLabel('Test response excerpt').textContent()).toMatch(/"received"/);
  expect((await e.api('GET', '/api/bins/sendtest')).body.items).toHaveLength(1);
  await e.shot('send-test-result');

  // Nothing listens on the discard port here: refused at once.
  const down = await e.api('POST', '/api/destinations', { name: 'Nobody home', kind: 'webhook', uri: 'http://127.0.0.1:9/hook' });
  await e.nav('Destinations');
  await page.getByRole('link', { name: 'Nobody home' }).click();
  await page.getByRole('button', { name: 'Send test' }).click();
  await page.getByRole('status').getByText(/^Test failed: .*ECONNREFUSED.* in \d+ ms$/).waitFor();
  expect(await page.getByText(/pending/i).count()).toBe(0);
  expect((await e.api('GET', `/api/deliveries?destination=${down.body.id}`)).body.items).toEqual([]);
});
