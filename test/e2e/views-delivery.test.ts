// The delivery and setup views in a real browser against the built appliance: destinations
// (created through the form, to the request bin), deliveries and their attempts, a failing
// receiver and redelivery, transforms with a live preview, rules with a dry run, settings.
// Every receiver is local: the request bin, a node:http server, an SMTP server on 127.0.0.1.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ROOT } from '../helpers/child';
import { startSmtpServer, type SmtpSink } from '../helpers/smtp';
import { fieldMessage, startE2E, type E2E } from './browser';

let e: E2E;
let page: Page;
let ingestKey: string;
/** A webhook receiver whose answer the test switches (500 = down, 200 = back). */
let receiver: Server;
let receiverStatus = 500;
let receiverUrl: string;
let smtp: SmtpSink | undefined;

beforeAll(async () => {
  e = await startE2E();
  page = e.page;
  const key = await e.api('POST', '/api/keys', { name: 'e2e ingest', scopes: ['ingest'] });
  ingestKey = key.body.key;
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(receiverStatus, { 'content-type': 'text/plain' });
      res.end(receiverStatus === 200 ? 'ok' : 'receiver down');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  smtp = await startSmtpServer();
}, 60_000);

afterAll(async () => {
  await e?.close();
  await new Promise((r) => receiver?.close(r));
  await smtp?.close();
});

async function ingestFixture(): Promise<string> {
  const body = JSON.parse(await readFile(join(ROOT, 'test/fixtures/generic-alert.json'), 'utf8'));
  const res = await e.api('POST', '/v1/ingest/generic', body, ingestKey);
  expect(res.status).toBe(202);
  return res.body.event_id;
}

const nav = (name: string) => page.locator('nav.side').getByRole('link', { name, exact: true }).click();
/** The form field whose label starts with `label` (labels also hold their hints). */
const field = (label: string) => page.getByLabel(new RegExp(`^${label.replace(/[()]/g, '\\$&')}`)).and(page.locator('input, select, textarea'));
const alertText = () => page.getByRole('alert').first().textContent();
const messageBeside = (input: Locator) => fieldMessage(page, input);

test('destinations: the form shows the API field messages, then creates a webhook to the request bin', async () => {
  await nav('Destinations');
  await page.getByText('No destinations yet.').waitFor();
  await page.getByRole('button', { name: 'New destination' }).click();
  await field('Name').fill('Bin webhook');
  await field('URI').fill('not a url');
  await page.getByRole('button', { name: 'Create destination' }).click();
  expect(await messageBeside(field('URI'))).toBe('must start with http:// or https://');

  await field('URI').fill(`${e.url}/bin/e2e`);
  await page.getByRole('button', { name: 'Add header' }).click();
  await page.getByLabel('Headers 1 name').fill('X Team');
  // A header value is one line: a pasted line break never reaches the API.
  await page.getByLabel('Headers 1 value').fill('soc\nInjected: yes');
  expect(await page.getByLabel('Headers 1 value').inputValue()).not.toContain('\n');
  await page.getByRole('button', { name: 'Create destination' }).click();
  expect(await messageBeside(page.getByLabel('Headers 1 name'))).toMatch(/^must be a valid header name \(letters, digits/);

  await page.getByLabel('Headers 1 name').fill('X-Team');
  await page.getByLabel('Headers 1 value').fill('soc');
  await page.getByRole('button', { name: 'Create destination' }).click();
  const secret = page.getByRole('region', { name: 'Signing secret' });
  await secret.waitFor();
  expect(await secret.textContent()).toMatch(/whsec_[A-Za-z0-9+/=]{10,}/);
  const row = page.locator('table tr', { hasText: 'Bin webhook' });
  await row.getByText('healthy').waitFor();
  expect(await row.textContent()).toContain(`${e.url}/bin/e2e`);
  await e.shot('view-destinations');
  // What the form sent is what the API stored.
  const list = await e.api('GET', '/api/destinations');
  expect(list.body.items).toHaveLength(1);
  expect(list.body.items[0]).toMatchObject({ kind: 'webhook', format: 'default', headers: [{ key: 'X-Team', value: 'soc' }], uri: `${e.url}/bin/e2e` });
});

test('an ingested event is delivered to the bin and the Deliveries list shows it succeed live, with its attempt', async () => {
  await nav('Deliveries');
  await page.getByText('No deliveries yet.').waitFor();
  // Sent while the list is open: the row arrives through the stream, no reload.
  const eventId = await ingestFixture();
  const row = page.locator('table tr', { hasText: 'Bin webhook' }).first();
  await row.getByText('succeeded').waitFor();
  expect(await row.textContent()).toContain(eventId.slice(0, 8));
  await e.shot('view-deliveries');
  const bin = await e.api('GET', '/api/bins/e2e');
  expect(bin.body.items.length).toBeGreaterThanOrEqual(1);
  expect(bin.body.items[0].headers['x-team']).toBe('soc');

  await row.getByRole('link', { name: /^delivery / }).click();
  const attempt = page.getByRole('article', { name: 'Attempt 1' });
  await attempt.waitFor();
  expect(await attempt.textContent()).toContain('HTTP 200');
  expect(await attempt.textContent()).toContain(`POST ${e.url}/bin/e2e`);
  expect(await page.getByLabel('Attempt 1 request headers').textContent()).toContain('webhook-signature');
  expect(await page.getByLabel('Attempt 1 request body').textContent()).toContain('Suspicious Process Execution');
  await e.shot('view-delivery-detail');
});

test('destination detail: circuit, a test send that reports its outcome, a rotated secret shown once', async () => {
  await nav('Destinations');
  await page.getByRole('link', { name: 'Bin webhook' }).click();
  const circuit = page.getByRole('region', { name: 'Circuit and health' });
  await circuit.waitFor();
  expect(await circuit.textContent()).toContain('closed');
  await page.getByRole('button', { name: 'Send test' }).click();
  await page.getByRole('status').getByText(/^Test succeeded: HTTP 200 in \d+ ms$/).waitFor();
  await page.getByRole('region', { name: 'Test result' }).getByText('succeeded').waitFor();
  // The event's delivery is listed; the test is not (it is not a queued delivery).
  await page.locator('table tr', { hasText: 'event' }).getByText('succeeded').waitFor();
  expect(await page.locator('table tr', { hasText: 'test' }).count()).toBe(0);
  await page.getByRole('button', { name: 'Rotate signing secret' }).click();
  const secret = page.getByRole('region', { name: 'New signing secret' });
  await secret.waitFor();
  expect(await secret.textContent()).toMatch(/whsec_[A-Za-z0-9+/=]{10,}/);
  // The default grace: the replaced secret keeps signing for 24 h, and the settings say until when.
  await page.getByRole('status').getByText(/requests carry both signatures until/).waitFor();
  await page.getByText('still signs too, until').waitFor();
  await e.shot('view-destination-detail');
});

test('a failing receiver shows failed attempts in the delivery detail, and Redeliver succeeds once it is back', async () => {
  const created = await e.api('POST', '/api/destinations', { name: 'Flaky receiver', kind: 'webhook', uri: receiverUrl });
  expect(created.status).toBe(201);
  await nav('Destinations');
  await page.getByRole('link', { name: 'Flaky receiver' }).click();
  // Send test answers at once with what the receiver said.
  await page.getByRole('button', { name: 'Send test' }).click();
  await page.getByRole('status').getByText(/^Test failed: HTTP 500 in \d+ ms$/).waitFor();
  expect(await page.getByLabel('Test response excerpt').textContent()).toBe('receiver down');
  // An event's delivery fails and is retried.
  await ingestFixture();
  await page.getByRole('region', { name: 'Circuit and health' }).getByText('failing').waitFor();

  await page.locator('table tr', { hasText: 'event' }).getByRole('link', { name: /^delivery / }).click();
  const attempt = page.getByRole('article', { name: 'Attempt 1' });
  await attempt.waitFor();
  expect(await attempt.textContent()).toContain('HTTP 500');
  expect(await page.getByLabel('Attempt 1 response body').textContent()).toContain('receiver down');
  expect(await page.locator('.facts').textContent()).toMatch(/Next attempt\S*\d/);
  const failedUrl = page.url();

  receiverStatus = 200;
  await page.getByRole('button', { name: 'Redeliver' }).click();
  await page.waitForURL((u) => u.href !== failedUrl && u.hash.startsWith('#/deliveries/'));
  await page.locator('.toolbar').getByText('succeeded').waitFor();
  expect(await page.getByRole('article', { name: 'Attempt 1' }).textContent()).toContain('HTTP 200');
  expect(await page.locator('.facts').textContent()).toContain('redeliver of');

  // The list filters by destination and status.
  await nav('Deliveries');
  await field('Destination').selectOption({ label: 'Flaky receiver' });
  await page.locator('table tr', { hasText: 'redeliver' }).getByText('succeeded').waitFor();
  const destinations = await page.locator('tbody tr td:nth-child(2)').allTextContents();
  expect(destinations.length).toBeGreaterThanOrEqual(2);
  expect(new Set(destinations)).toEqual(new Set(['Flaky receiver']));
  await field('Status').selectOption('succeeded');
  await page.locator('tbody tr', { hasText: 'redeliver' }).waitFor();
  expect(new Set(await page.locator('tbody tr td:nth-child(3)').allTextContents())).toEqual(new Set(['succeeded']));
});

test('transforms: the preview follows the draft as it is typed; save, versions, diff and rollback', async () => {
  await ingestFixture();
  await nav('Transforms');
  await page.getByText('not saved yet').waitFor();
  const picker = field('Preview event');
  await picker.selectOption({ index: 1 });
  const diffLine = (kind: 'add' | 'del', text: string) => page.getByRole('region', { name: 'diff' }).locator(`pre .${kind}`, { hasText: text }).first();
  await diffLine('add', '"provider_id": "switchyard"').waitFor();

  const draft = (provider: string) => JSON.stringify({
    name: 'E2E transform', format: 'default', event_type: ['security_incident', 'security_detection', 'security_event'],
    default_label: [{ key: 'provider_id', value: provider }],
    transform: [{ type: 'add_dynamic_tag', key: 'customer', value: '{{customer_name}}' }, { type: 'remove_dynamic_tag', key: 'severity', value: null }],
  }, null, 2);
  const typeDraft = async (text: string) => {
    await page.locator('.code-editor .cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
  };
  await typeDraft(draft('Lotlux'));
  await diffLine('add', '"provider_id": "Lotlux"').waitFor();
  await diffLine('del', '"severity": "high"').waitFor();
  await page.getByLabel('Unresolved names').getByText('{{customer_name}}').waitFor();

  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('status').getByText('Saved as v1').waitFor();
  await typeDraft(draft('Acme'));
  await diffLine('add', '"provider_id": "Acme"').waitFor();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('status').getByText('Saved as v2').waitFor();

  // A value the API refuses shows its field message.
  await typeDraft(draft('Acme').replace('"default"', '"xml"'));
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.locator('.tx-actions').getByRole('alert').getByText(/format/).waitFor();

  const changes = page.getByRole('table', { name: 'Changes between versions' });
  await changes.getByText('default_label[0].value').waitFor();
  expect(await changes.textContent()).toContain('"Lotlux"');
  expect(await changes.textContent()).toContain('"Acme"');
  await page.getByRole('button', { name: 'Roll back to v1' }).click();
  await page.getByText('Restored as v3').waitFor();
  expect((await e.api('GET', '/api/transform')).body.default_label[0].value).toBe('Lotlux');
  // The editor and the preview follow the restored version.
  await page.locator('.code-editor .cm-content', { hasText: '"Lotlux"' }).waitFor();
  expect(await page.locator('.tx-actions').getByRole('alert').count()).toBe(0); // the refused save's message went with its draft
  await diffLine('add', '"provider_id": "Lotlux"').waitFor();

  // A tag store value resolves the {{name}} the preview reported missing.
  await field('Tag key').fill('customer_name');
  await field('Tag value').fill('Contoso');
  await page.getByRole('button', { name: 'Save tag' }).click();
  await diffLine('add', '"customer": "Contoso"').waitFor();
  await page.getByText('Every {{name}} resolved.').waitFor();
  await e.shot('view-transforms');
  await page.locator('tr', { hasText: '{{customer_name}}' }).getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await page.getByText('No tags yet.').waitFor();
  await page.getByLabel('Unresolved names').getByText('{{customer_name}}').waitFor();
});

test('rules: the dry run says which events would fire and where; the rule is saved through the form', async () => {
  await nav('Rules');
  await page.getByText('No rules yet.').waitFor();
  await page.getByRole('button', { name: 'New rule' }).click();
  await page.getByRole('button', { name: 'Remove action 1' }).click();
  await field('Rule name').fill('High to the bin');
  await page.getByRole('button', { name: 'Create rule' }).click();
  await page.getByRole('alert').getByText(/actions/).waitFor();

  await page.getByRole('group', { name: 'Severity' }).getByLabel('high').check();
  await page.getByRole('button', { name: 'Add action' }).click();
  await field('Action 1').first().selectOption('destination');
  await field('Action 1 destination').selectOption({ label: 'Bin webhook (webhook)' });
  await page.getByRole('button', { name: 'Dry run' }).click();
  const dry = page.getByRole('region', { name: 'Dry run' });
  await dry.getByText(/\d+ of \d+ events would fire/).waitFor();
  const result = await dry.getByRole('status').textContent();
  const [, fired, evaluated] = /(\d+) of (\d+)/.exec(result ?? '')!;
  expect(Number(evaluated)).toBeGreaterThanOrEqual(2);
  expect(Number(fired)).toBe(Number(evaluated)); // every fixture event is high severity
  expect(await dry.locator('table').textContent()).toContain('destination "Bin webhook"');

  await page.getByRole('group', { name: 'Severity' }).getByLabel('high').uncheck();
  await page.getByRole('group', { name: 'Severity' }).getByLabel('low').check();
  await page.getByRole('button', { name: 'Dry run' }).click();
  await dry.getByText(/None of the last \d+ events would fire this rule/).waitFor();
  await page.getByRole('group', { name: 'Severity' }).getByLabel('low').uncheck();
  await page.getByRole('group', { name: 'Severity' }).getByLabel('high').check();

  await page.getByRole('button', { name: 'Create rule' }).click();
  const row = page.locator('table tr', { hasText: 'High to the bin' });
  await row.waitFor();
  expect(await row.textContent()).toContain('→ Bin webhook');
  expect((await e.api('GET', '/api/rules')).body.items[0]).toMatchObject({ conditions: { severity: ['high'] }, actions: [{ type: 'destination' }] });

  // Edit: the form opens with the saved values; a change is saved with PATCH.
  await row.getByRole('button', { name: 'Edit' }).click();
  expect(await page.getByRole('group', { name: 'Severity' }).getByLabel('high').isChecked()).toBe(true);
  await field('Text').fill('excel');
  await page.getByRole('button', { name: 'Dry run' }).click();
  await dry.getByText(/\d+ of \d+ events would fire/).waitFor();
  await e.shot('view-rules');
  await page.getByRole('button', { name: 'Save rule' }).click();
  await page.locator('table tr', { hasText: 'contains "excel"' }).waitFor();
  expect((await e.api('GET', '/api/rules')).body.items[0].conditions).toEqual({ severity: ['high'], text: 'excel' });
});

test('settings: SMTP with a test e-mail, an API key shown once, search URL, retention, flap, outgoing policy', async () => {
  await nav('Settings');
  const smtpSection = page.getByRole('region', { name: 'E-mail (SMTP)' });
  await smtpSection.waitFor();
  await field('SMTP host').fill('127.0.0.1');
  await field('SMTP port').fill(String(smtp!.port));
  await field('SMTP password').fill('hunter2');
  await field('From address').fill('not-an-address');
  await page.getByRole('button', { name: 'Save SMTP' }).click();
  expect(await messageBeside(field('From address'))).toBe('must be an e-mail address such as soc@example.com');
  await field('From address').fill('switchyard@example.test');
  await page.getByRole('button', { name: 'Save SMTP' }).click();
  await smtpSection.getByRole('status').getByText('Saved').waitFor();
  expect((await e.api('GET', '/api/settings')).body.smtp).toMatchObject({ host: '127.0.0.1', port: smtp!.port, password: '***' });
  await field('Send test e-mail to').fill('soc@example.test');
  await page.getByRole('button', { name: 'Send test e-mail' }).click();
  await smtpSection.getByText(/Accepted by the SMTP server/).waitFor();
  expect(smtp!.mails.some((m) => m.raw.includes('Test e-mail'))).toBe(true);

  const keys = page.getByRole('region', { name: 'API keys' });
  await field('Key name').fill('browser-made key');
  await page.getByRole('button', { name: 'Create key' }).click();
  const shown = page.getByRole('region', { name: 'API key "browser-made key"' });
  await shown.waitFor();
  const key = /sy_\S+/.exec((await shown.locator('pre').textContent()) ?? '')![0];
  // The list reloads after the key is shown: wait for the row rather than reading the table at once.
  await keys.locator('table').getByRole('cell', { name: 'browser-made key', exact: true }).waitFor();
  const body = JSON.parse(await readFile(join(ROOT, 'test/fixtures/generic-alert.json'), 'utf8'));
  expect((await e.api('POST', '/v1/ingest/generic', body, key)).status).toBe(202); // the key shown works

  const search = page.getByRole('region', { name: 'Search URL template' });
  await field('Search URL template').fill('ftp://logs.local/search');
  await page.getByRole('button', { name: 'Save template' }).click();
  expect(await messageBeside(field('Search URL template'))).toMatch(/^must start with http:\/\/ or https:\/\//);
  await search.getByRole('alert').getByText('Check the field marked above.').waitFor();
  await field('Search URL template').fill('https://kibana.local/app/discover#/?query={{value}}');
  await page.getByRole('button', { name: 'Save template' }).click();
  await search.getByRole('status').getByText('Saved').waitFor();

  // The public URL links are built on: a bad one is refused, a good one used, blank goes back to the address served.
  const publicUrl = page.getByRole('region', { name: 'Public URL' });
  await field('Public URL').fill('hub.example.test');
  await page.getByRole('button', { name: 'Save public URL' }).click();
  expect(await messageBeside(field('Public URL'))).toMatch(/not an absolute URL/);
  await field('Public URL').fill('https://hub.example.test/sy/');
  await page.getByRole('button', { name: 'Save public URL' }).click();
  await publicUrl.getByRole('status').getByText('Saved: links use https://hub.example.test/sy').waitFor();
  expect((await e.api('GET', '/openapi.json')).body.servers[0].url).toBe('https://hub.example.test/sy');
  await field('Public URL').fill('');
  await page.getByRole('button', { name: 'Save public URL' }).click();
  await publicUrl.getByRole('status').getByText(/^Removed: links use http:\/\/127\.0\.0\.1:\d+$/).waitFor();

  const retention = page.getByRole('region', { name: 'Retention' });
  await field('Keep events for').fill('30');
  await field('Keep at most').fill('512');
  await page.getByRole('button', { name: 'Save retention' }).click();
  await retention.getByRole('status').getByText('Saved').waitFor();
  expect((await e.api('GET', '/api/settings')).body.retention).toEqual({ max_age_days: 30, max_bytes: 512 * 1024 * 1024 });

  const flap = page.getByRole('region', { name: 'Flap detection' });
  await field('Max transitions').fill('4');
  await page.getByRole('button', { name: 'Save flap detection' }).click();
  await flap.getByRole('status').getByText('Saved').waitFor();
  expect((await e.api('GET', '/api/settings')).body.flap.max_transitions).toBe(4);

  expect(await page.getByRole('region', { name: 'Outgoing addresses' }).textContent()).toContain('169.254.0.0/16');
  await e.shot('view-settings');
});

test('the destination form per kind: splunk_hec takes a URI and a token (masked from then on), email a recipient; delete', async () => {
  await nav('Destinations');
  await page.getByRole('button', { name: 'New destination' }).click();
  await field('Name').fill('HEC');
  await field('Kind').selectOption('splunk_hec');
  expect(await page.getByRole('group', { name: /Headers/ }).count()).toBe(0); // webhook-only fields are gone
  await field('URI').fill(`${e.url}/bin/hec`);
  await page.getByRole('button', { name: 'Create destination' }).click();
  expect(await messageBeside(field('HEC token'))).toBe('is required for a splunk_hec destination');
  await field('HEC token').fill('hec-secret-token');
  await page.getByRole('button', { name: 'Create destination' }).click();
  await page.getByRole('region', { name: 'Signing secret' }).waitFor();

  await page.getByRole('button', { name: 'New destination' }).click();
  await field('Name').fill('SOC mail');
  await field('Kind').selectOption('email');
  await field('Send to').fill('soc@example.test');
  await page.getByLabel(/Enriched/).check();
  await page.getByRole('button', { name: 'Create destination' }).click();
  await page.locator('table tr', { hasText: 'SOC mail' }).waitFor();
  const mail = (await e.api('GET', '/api/destinations')).body.items.find((d: { name: string }) => d.name === 'SOC mail');
  expect(mail).toMatchObject({ kind: 'email', email_to: 'soc@example.test', email_enriched: true });

  await page.getByRole('link', { name: 'HEC', exact: true }).click();
  const settings = await page.locator('.panel', { hasText: 'HEC token' }).textContent();
  expect(settings).toContain('***');
  expect(settings).not.toContain('hec-secret-token');
  await page.getByRole('button', { name: 'Delete destination' }).click();
  await page.getByRole('button', { name: 'Yes, delete destination' }).click();
  await page.waitForURL((u) => u.hash === '#/destinations');
  await page.locator('table tr', { hasText: 'SOC mail' }).waitFor();
  expect(await page.locator('table').textContent()).not.toContain('HEC');
});
