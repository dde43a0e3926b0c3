// A lean, finished front end: what a first visit downloads, how the assets are compressed
// and cached, the favicon, the document's language, viewport and a title per view.
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { IMMUTABLE_CACHE } from '../../src-main/server/static-ui';
import { startE2E, type E2E } from './browser';
import { measureFirstLoad } from './first-load';
import { FIRST_LOAD_BUDGET_BYTES } from '../../src-main/limits';

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
}, 60_000);
afterAll(() => e?.close());

function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

const mintLogin = async () => (await e.api('POST', '/api/login-links')).body.url as string;

test(`the first load, login link → Dashboard, transfers at most ${FIRST_LOAD_BUDGET_BYTES} bytes`, async () => {
  const load = await measureFirstLoad(e.browser, await mintLogin());
  console.log(`first load: ${load.bytes} bytes\n${load.resources.map((r) => `  ${r.bytes}\t${r.name}`).join('\n')}`);
  expect(load.resources.some((r) => r.name.endsWith('.js'))).toBe(true);
  expect(load.bytes).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);
});

test('assets come compressed (brotli or gzip, as asked); hashed ones are cached for good, the page is revalidated', async () => {
  const html = await fetch(e.url + '/');
  expect(html.headers.get('cache-control')).toBe('no-cache');
  const page = await html.text();
  const scripts = [...page.matchAll(/(?:src|href)="\.?(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  expect(scripts.length).toBeGreaterThanOrEqual(2);
  for (const asset of scripts) {
    const plain = await fetch(e.url + asset, { headers: { 'accept-encoding': 'identity' } });
    const body = Buffer.from(await plain.arrayBuffer());
    expect(plain.headers.get('content-encoding'), asset).toBeNull();
    expect(plain.headers.get('cache-control'), asset).toBe(IMMUTABLE_CACHE);
    for (const [encoding, decode] of [['br', brotliDecompressSync], ['gzip', gunzipSync]] as const) {
      // Raw bytes as sent (node:http does not decode), then decoded here.
      const res = await rawGet(e.url + asset, { 'accept-encoding': encoding });
      expect(res.headers['content-encoding'], `${asset} ${encoding}`).toBe(encoding);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.body.length).toBeLessThan(body.length / 2);
      expect(decode(res.body).equals(body)).toBe(true);
    }
  }
  // Minified: no line of the entry script is a plain indented source line.
  const entry = await (await fetch(e.url + scripts.find((s) => s.endsWith('.js'))!)).text();
  expect(entry.split('\n').length).toBeLessThan(50);
});

test('a favicon, the document language and a viewport', async () => {
  const icon = await fetch(e.url + '/favicon.ico');
  expect(icon.status).toBe(200);
  expect(icon.headers.get('content-type')).toMatch(/icon/);
  expect(Buffer.from(await icon.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
  const { page } = e;
  await page.locator('nav.side').waitFor();
  expect(await page.getAttribute('html', 'lang')).toBe('en');
  expect(await page.getAttribute('meta[name="viewport"]', 'content')).toContain('width=device-width');
  const href = await page.getAttribute('link[rel="icon"]', 'href');
  expect(new URL(href!, e.url).pathname).toBe('/favicon.ico');
});

test('each view has its own title, and opening one loads its code then', async () => {
  const { page } = e;
  await page.locator('nav.side').waitFor();
  const scripts = async () => page.evaluate(() => (performance as any).getEntriesByType('resource').map((r: { name: string }) => r.name).filter((n: string) => n.endsWith('.js')) as string[]);
  for (const view of ['Dashboard', 'Live events', 'Alerts', 'Cases', 'Destinations', 'Deliveries', 'Rules', 'Definitions', 'Sources', 'Catalog', 'Transforms', 'Settings']) {
    const before = await scripts();
    await e.nav(view);
    await expect.poll(() => page.title(), { message: view }).toBe(`${view} — Switchyard`);
    await page.locator('main h2').first().waitFor();
    if (view === 'Transforms') expect((await scripts()).length, 'the editor comes with the Transforms view').toBeGreaterThan(before.length);
  }
  const alert = (await e.api('POST', '/api/samples/generic/send')).body.alert_ids[0];
  await page.goto(`${e.url}/#/alerts/${alert}`);
  await expect.poll(() => page.title()).toBe('Alert — Switchyard');
});
