// Login that forgives: a spent link opens a page that says so and how to get a new one, and
// `switchyard login-link` prints a fresh link for the running appliance without a restart.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchChromium, startE2E, type E2E } from './browser';
import { CLI } from '../helpers/child';
import { tempDir } from '../helpers/harness';

const run = promisify(execFile);
let e: E2E;
beforeAll(async () => {
  e = await startE2E();
}, 60_000);
afterAll(() => e?.close());

/** `switchyard login-link`, as a user runs it in a second terminal. */
const loginLink = (args: string[], env: Record<string, string> = {}) => run(process.execPath, [CLI, 'login-link', ...args], { env: { ...process.env, ...env } });

async function freshBrowserPage() {
  const browser = await launchChromium();
  return { browser, page: await (await browser.newContext()).newPage() };
}

test('a used login link opens a page that says so and how to get a new one', async () => {
  // The harness's browser has used e.loginUrl already; open it again in that browser.
  await e.page.locator('nav.side').waitFor();
  const res = await e.page.goto(e.loginUrl);
  expect(res!.status()).toBe(401);
  expect(res!.headers()['content-type']).toMatch(/^text\/html/);
  await e.page.getByRole('heading', { name: 'This login link has already been used' }).waitFor();
  const text = await e.page.textContent('body');
  expect(text).toContain('switchyard login-link');
  expect(text).toContain(`${e.url}/api/login-links`);
  // This browser still has its session: the page offers the way back in.
  await e.page.getByRole('link', { name: 'open Switchyard' }).click();
  await e.page.locator('nav.side').waitFor();
  await e.shot('login-link-used');
});

test('an unknown login link gets the same kind of page, not JSON', async () => {
  const res = await fetch(`${e.url}/login?token=not-a-token`);
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await res.text()).toContain('This login link is not valid');
});

test('`switchyard login-link` prints a fresh one-time link the running appliance accepts', async () => {
  const { stdout } = await loginLink(['--data-dir', e.dataDir]);
  const url = stdout.trim();
  expect(url).toMatch(new RegExp(`^${e.url.replace(/\./g, '\\.')}/login\\?token=[A-Za-z0-9_-]{32}$`));
  // Kept in the data directory as a hash only.
  const token = new URL(url).searchParams.get('token')!;
  const files = await readdir(join(e.dataDir, 'login-links'));
  expect(files).toHaveLength(1);
  expect(files[0]).not.toContain(token);
  expect(await readFile(join(e.dataDir, 'login-links', files[0]), 'utf8')).not.toContain(token);

  const { browser, page } = await freshBrowserPage();
  try {
    await page.goto(url);
    await page.locator('nav.side').waitFor();
    expect(await page.textContent('header.top')).toContain('Default');
    expect(await readdir(join(e.dataDir, 'login-links'))).toEqual([]);
    // Once only.
    const again = await page.goto(url);
    expect(again!.status()).toBe(401);
    await page.getByRole('heading', { name: 'This login link has already been used' }).waitFor();
  } finally {
    await browser.close();
  }
  // The data directory from the environment works as well as the flag.
  const viaEnv = (await loginLink([], { SWITCHYARD_DATA_DIR: e.dataDir })).stdout.trim();
  expect((await fetch(viaEnv, { redirect: 'manual' })).status).toBe(302);
});

test('`switchyard login-link` on a data directory nothing runs on says so and fails', async () => {
  const empty = await tempDir('sy-login-link-');
  const failed = await loginLink(['--data-dir', empty]).then(() => null, (err: { code: number; stderr: string }) => err);
  expect(failed?.code).toBe(1);
  expect(failed?.stderr).toContain(`no Switchyard is running on data directory ${empty}`);
});
