// The store's condition in the UI: when the disk stops taking writes, every view shows a
// banner saying ingest is refused and why; it goes away by itself once writes succeed.
// (The appliance runs in-process here, so its disk can fail at the store's fs layer.)
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, expect, test } from 'vitest';
import { defaultUiDir } from '../../src-main/app';
import { faultyDisk } from '../helpers/faulty-disk';
import { startHarness, type Harness } from '../helpers/harness';
import { openBrowser, SHOTS } from './browser';

let h: Harness | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

test('a full disk shows a banner on every view, and it clears when writes succeed again', async () => {
  const disk = faultyDisk();
  h = await startHarness({ storeFs: disk.fs, uiDir: defaultUiDir(), tickMs: 0 });
  const opened = await openBrowser(await h.app.loginUrl());
  browser = opened.browser;
  const { page } = opened;
  await page.locator('nav.side').getByRole('link', { name: 'Live events', exact: true }).click();
  const banner = page.getByRole('alert').filter({ hasText: 'The store cannot write' });
  expect(await banner.count()).toBe(0);

  const key = await h.key(['ingest']);
  disk.fail('ENOSPC');
  const refused = await h.http('POST', '/v1/ingest/generic', { key, body: { title: 'refused', severity: 'Low' } });
  expect(refused.status).toBe(503);
  await banner.waitFor();
  expect(await banner.textContent()).toContain('no space left on device');
  await page.screenshot({ path: join(SHOTS, 'view-disk-full-banner.png'), fullPage: true });
  await page.locator('nav.side').getByRole('link', { name: 'Dashboard', exact: true }).click();
  await banner.waitFor();

  disk.recover();
  await banner.waitFor({ state: 'detached', timeout: 15_000 });
  expect((await h.http('POST', '/v1/ingest/generic', { key, body: { title: 'accepted again', severity: 'Low' } })).status).toBe(202);
});
