// End-to-end harness: the built appliance (`serve` on a temp data dir, port 0) and Debian's
// chromium driven by playwright-core. Each test logs in by the one-time URL, like a user.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { CLI, ROOT, requireBuild, spawnChild, type Child } from '../helpers/child';
import { tempDir } from '../helpers/harness';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'test-results');

// No network beyond loopback: no component updates, no sync, no QUIC, no first-run pings.
const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** Debian's chromium, headless and kept off the network. */
export async function launchChromium(): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (err) {
    throw new Error(`Cannot start chromium at ${CHROMIUM} (install Debian's package: apt-get install -y chromium, or set CHROMIUM_PATH): ${(err as Error).message}`);
  }
}

/** Debian's chromium with a page logged in to the UI by a one-time login URL. */
export async function openBrowser(loginUrl: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000); // a missing element fails with its locator, before the test's own timeout
  await page.goto(loginUrl);
  await mkdir(SHOTS, { recursive: true });
  return { browser, page };
}

export interface E2E {
  url: string;
  loginUrl: string;
  adminKey: string;
  dataDir: string;
  child: Child;
  browser: Browser;
  page: Page;
  /** Calls the API with the admin key (for seeding and checking, never for what the UI must do). */
  api(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: any }>;
  shot(name: string): Promise<string>;
  /** Opens a view by clicking its link in the side navigation, as a user would. */
  nav(label: string): Promise<void>;
  close(): Promise<void>;
}

export async function startE2E(env: Record<string, string> = {}): Promise<E2E> {
  requireBuild();
  const dataDir = await tempDir('sy-e2e-');
  const child = spawnChild(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dataDir], env);
  const [, url] = await child.waitFor(/serving at (http:\/\/\S+)/);
  const [, loginUrl] = await child.waitFor(/login link\): (\S+)/);
  const [, adminKey] = await child.waitFor(/store it now: (\S+)/);
  let opened: { browser: Browser; page: Page };
  try {
    opened = await openBrowser(loginUrl);
  } catch (err) {
    child.proc.kill('SIGINT');
    throw err;
  }
  const { browser, page } = opened;
  return {
    url, loginUrl, adminKey, dataDir, child, browser, page,
    async api(method, path, body, key = adminKey) {
      const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async shot(name) {
      const file = join(SHOTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async nav(label) {
      await page.locator('nav.side').getByRole('link', { name: label, exact: true }).click();
    },
    async close() {
      await browser.close().catch(() => {});
      child.proc.kill('SIGINT');
      await child.exited;
    },
  };
}

/** The API message shown beside an input once it is marked invalid (aria-invalid, aria-describedby). */
export async function fieldMessage(page: Page, input: Locator): Promise<string> {
  await expect.poll(() => input.getAttribute('aria-invalid'), { timeout: 10_000 }).toBe('true');
  return (await page.locator(`[id="${await input.getAttribute('aria-describedby')}"]`).textContent()) ?? '';
}
