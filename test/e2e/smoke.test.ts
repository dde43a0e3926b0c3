// The UI in a real browser: the one-time login works and the shell shows every view's link.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startE2E, type E2E } from './browser';

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
}, 60_000);
afterAll(() => e?.close());

test('the one-time login URL opens the UI with a session', async () => {
  await e.page.waitForSelector('nav.side');
  expect(await e.page.textContent('header.top')).toContain('Default');
  await e.nav('Live events');
  await e.page.getByText('No events yet').waitFor();
  await e.shot('login-live-events-empty');
});
