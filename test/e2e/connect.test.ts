// "Connect a tool", as a newcomer uses it: find it from the empty Live events view, create an
// ingest key, copy a snippet, run it, and watch "waiting for the first event…" become a link.
// The curl snippets run in a real shell with curl; the Alertmanager receiver block is checked
// by amtool and used by a real Alertmanager; the Grafana contact point is exercised with
// Grafana's webhook body.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startE2E, type E2E } from './browser';
import { startAlertmanager } from '../helpers/alertmanager';
import { tempDir } from '../helpers/harness';

const run = promisify(execFile);

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
}, 60_000);
afterAll(() => e?.close());

const snippet = async (name: string) => (await e.page.getByRole('group', { name: `${name} snippet` }).locator('pre').textContent())!;

test('the Dashboard\'s empty chart points to Connect a tool', async () => {
  await e.nav('Dashboard');
  await e.page.getByText('No events in this window.').waitFor();
  await e.page.locator('main').getByRole('link', { name: 'connect a tool', exact: true }).click();
  await e.page.getByRole('heading', { name: 'Connect a tool' }).waitFor();
});

test('a newcomer connects a tool: URLs, a key shown once, snippets that work, and the first event as a link', async () => {
  const { page } = e;
  // The empty Live events view points to it.
  await e.nav('Live events');
  await page.getByText('No events yet.').waitFor();
  await page.locator('main').getByRole('link', { name: 'connect a tool', exact: true }).click();
  await page.getByRole('heading', { name: 'Connect a tool' }).waitFor();
  await expect.poll(() => page.title()).toBe('Connect a tool — Switchyard');
  expect(await page.locator('nav.side a.current').textContent()).toBe('Connect a tool');

  // Every built-in ingest URL, on the address the UI is served on.
  const urls = await page.getByRole('region', { name: 'Ingest URLs' }).locator('table pre').allTextContents();
  expect(urls).toEqual(['/v1/ingest/generic', '/v1/ingest/event', '/api/v1/default/signals/instances', '/v1/ingest/alertmanager', '/services/collector/event', '/v1/ingest/custom/<slug>', '/v1/hooks/<token>'].map((p) => e.url + p));

  await page.getByRole('status').filter({ hasText: 'Waiting for the first event…' }).waitFor();
  expect(await snippet('curl')).toContain('YOUR_INGEST_KEY');

  // A key with the ingest scope only, shown once.
  await page.getByLabel('Key name').fill('connect test');
  await page.getByRole('button', { name: 'Create an ingest key' }).click();
  const secret = page.getByRole('region', { name: 'Ingest key "connect test"' });
  const key = (await secret.locator('pre').textContent())!;
  expect(key).toMatch(/^sy_/);
  const keys = (await e.api('GET', '/api/keys')).body.items;
  expect(keys.find((k: any) => k.name === 'connect test').scopes).toEqual(['ingest']);
  expect(JSON.stringify(keys)).not.toContain(key);
  await e.shot('connect-key-created');

  // The curl snippet carries the key; run it as copied, once the live stream is connected.
  const curl = await snippet('curl');
  expect(curl).toContain(`Authorization: Bearer ${key}`);
  expect(curl).toContain(`${e.url}/v1/ingest/generic`);
  await page.locator('header .stream-live').waitFor();
  const sent = JSON.parse((await run('sh', ['-c', curl])).stdout);
  expect(sent.success).toBe(true);

  // "Waiting…" becomes a link to the event, live.
  const link = page.getByRole('status').getByRole('link', { name: 'Test alert from curl' });
  await link.waitFor();
  await e.shot('connect-first-event');

  // The Splunk HEC sender, as copied.
  const hec = await snippet('Splunk HEC');
  expect(hec).toContain(`Authorization: Splunk ${key}`);
  expect(JSON.parse((await run('sh', ['-c', hec])).stdout)).toEqual({ text: 'Success', code: 0 });
  const hecEvents = (await e.api('GET', '/api/events?dialect=splunk_hec')).body.items;
  expect(hecEvents.map((ev: any) => ev.title)).toEqual(['Test event from a Splunk HEC sender']);

  // The Alertmanager receiver block is a configuration Alertmanager accepts.
  const am = await snippet('Alertmanager');
  const dir = await tempDir('sy-connect-');
  await writeFile(join(dir, 'alertmanager.yml'), am);
  const checked = await run('amtool', ['check-config', join(dir, 'alertmanager.yml')]);
  expect(checked.stdout).toContain('SUCCESS');
  expect(checked.stdout).toContain('1 receivers');
  expect(JSON.parse(am.match(/credentials: (".*")/)![1])).toBe(key);
  // And a real Alertmanager with it delivers: only group_wait is added (its 30 s default would
  // hold the first notification that long).
  const alertmanager = await startAlertmanager(join(dir, 'run'), am.replace('  receiver: switchyard\n', '  receiver: switchyard\n  group_wait: 1s\n'));
  try {
    await alertmanager.postAlerts([{ labels: { alertname: 'ConnectCheck', severity: 'critical' }, annotations: { summary: 'Alertmanager reached Switchyard' } }]);
    await expect.poll(async () => (await e.api('GET', '/api/events?dialect=alertmanager')).body.items.map((ev: any) => ev.title), { timeout: 15_000 }).toEqual(['Alertmanager reached Switchyard']);
  } finally {
    await alertmanager.stop();
  }

  // The Grafana contact point: Grafana's webhook body, to its URL, with its authorization.
  const grafana = await snippet('Grafana');
  expect(grafana).toContain('type: webhook');
  const gUrl = JSON.parse(grafana.match(/url: (".*")/)![1]);
  const scheme = grafana.match(/authorization_scheme: (\w+)/)![1];
  const credentials = JSON.parse(grafana.match(/authorization_credentials: (".*")/)![1]);
  const grafanaBody = {
    receiver: 'switchyard', status: 'firing', orgId: 1, version: '1', groupKey: '{}:{alertname="DiskFull"}', truncatedAlerts: 0,
    groupLabels: { alertname: 'DiskFull' }, commonLabels: { alertname: 'DiskFull', grafana_folder: 'Infra' }, commonAnnotations: {}, externalURL: 'http://127.0.0.1:3000/',
    alerts: [{ status: 'firing', labels: { alertname: 'DiskFull' }, annotations: { summary: 'disk 95% full' }, startsAt: new Date().toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'a1b2c3', silenceURL: '', dashboardURL: '', panelURL: '', values: { B: 95 }, valueString: '' }],
    title: '[FIRING:1] DiskFull Infra', state: 'alerting', message: '**Firing**\n\nValue: B=95\nLabels:\n - alertname = DiskFull\n',
  };
  const gRes = await fetch(gUrl, { method: 'POST', headers: { authorization: `${scheme} ${credentials}`, 'content-type': 'application/json' }, body: JSON.stringify(grafanaBody) });
  expect(gRes.status).toBe(202);
  const stored = (await e.api('GET', `/api/events/${((await gRes.json()) as { event_id: string }).event_id}`)).body;
  expect(stored.title).toBe('[FIRING:1] DiskFull Infra');

  // Dismissing the key takes it out of the page.
  await secret.getByRole('button', { name: 'I have stored it' }).click();
  expect(await snippet('curl')).not.toContain(key);

  // The first event's link opens it.
  await link.click();
  await page.locator('main h2', { hasText: 'Test alert from curl' }).waitFor();
  expect(new URL(page.url()).hash).toBe(`#/events/${sent.event_id}`);
});
