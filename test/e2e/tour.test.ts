// Every view, one after the other, on an appliance with data: none throws, none breaks the
// Content-Security-Policy (which allows the app's own origin only), each has its heading.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startE2E, type E2E } from './browser';

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
}, 60_000);
afterAll(() => e?.close());

const VIEWS = ['Dashboard', 'Connect a tool', 'Live events', 'Alerts', 'Cases', 'Destinations', 'Deliveries', 'Rules', 'Definitions', 'Sources', 'Catalog', 'Transforms', 'Settings'];

test('the UI is served with a policy that allows its own origin only', async () => {
  const res = await fetch(e.url + '/');
  const csp = res.headers.get('content-security-policy') ?? '';
  for (const d of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) expect(csp).toContain(d);
  expect(csp).not.toMatch(/script-src[^;]*unsafe/);
});

test('every view opens from the navigation without a script error or a policy violation', async () => {
  const { page } = e;
  await e.api('POST', '/api/demo');
  for (const sample of ['generic', 'alertmanager', 'event-open']) expect((await e.api('POST', `/api/samples/${sample}/send`)).status).toBe(202);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`error: ${err.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text()) && !/inline style/i.test(m.text())) problems.push(`policy: ${m.text()}`);
  });
  for (const view of VIEWS) {
    await e.nav(view);
    // The view's code loads on first use: the previous view stays until it has.
    await expect.poll(() => page.locator('main h2').first().textContent(), { message: view, timeout: 10_000 }).toMatch(new RegExp(view.split(' ')[0], 'i'));
  }
  expect(problems).toEqual([]);
});
