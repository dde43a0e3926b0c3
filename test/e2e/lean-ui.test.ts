// A lean, finished front end: what a first visit downloads, how the assets are compressed
// and cached, the favicon, the document's language, viewport and a title per view.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startE2E, type E2E } from './browser';
import { measureFirstLoad } from './first-load';
import { FIRST_LOAD_BUDGET_BYTES } from '../../src-main/limits';

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
}, 60_000);
afterAll(() => e?.close());

const mintLogin = async () => (await e.api('POST', '/api/login-links')).body.url as string;

test(`the first load, login link → Dashboard, transfers at most ${FIRST_LOAD_BUDGET_BYTES} bytes`, async () => {
  const load = await measureFirstLoad(e.browser, await mintLogin());
  console.log(`first load: ${load.bytes} bytes\n${load.resources.map((r) => `  ${r.bytes}\t${r.name}`).join('\n')}`);
  expect(load.resources.some((r) => r.name.endsWith('.js'))).toBe(true);
  expect(load.bytes).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);
});
