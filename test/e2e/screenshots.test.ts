// Every view at 1440 and 1024 px wide, in the light and the dark theme (the browser's
// prefers-color-scheme), saved in test-results/ as <view>-<width>-<scheme>.png. The themes
// must differ where a user looks (page, panels, text), and no view may throw.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startE2E, type E2E } from './browser';

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
}, 60_000);
afterAll(() => e?.close());

async function seed(path: string, body?: unknown): Promise<any> {
  const res = await e.api('POST', path, body);
  expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

const WIDTHS = [1440, 1024];
const SCHEMES = ['light', 'dark'] as const;

test('every view, at 1440 and 1024 px, light and dark', async () => {
  // Data for every view: a destination delivering to the request bin, events of several
  // dialects (alerts), a definition that opens a case, a rule and a transform.
  const demo = await seed('/api/demo');
  await seed('/api/definitions', { name: 'Process events', external_id: 'someExternalValue', create_case: true });
  await seed('/api/rules', { name: 'High to the bin', conditions: { severity: ['high', 'critical'] }, actions: [{ type: 'destination', destination_id: demo.destination_id }, { type: 'in_app' }] });
  const sent = await seed('/api/samples/generic/send');
  for (const sample of ['alertmanager', 'event-open', 'signal-instance', 'splunk-hec']) await seed(`/api/samples/${sample}/send`);
  const eventId = sent.event_ids[0];
  const alertId = sent.alert_ids[0];
  const caseId = (await e.api('GET', '/api/cases')).body.items[0]?.id;
  expect(caseId, 'the signal instance sample opens a case').toBeTruthy();
  let deliveryId: string | undefined;
  await expect.poll(async () => (deliveryId = (await e.api('GET', '/api/deliveries')).body.items[0]?.id), { timeout: 10_000 }).toBeTruthy();

  const views: [string, string][] = [
    ['dashboard', '#/dashboard'], ['connect', '#/connect'], ['live-events', '#/events'], ['event-inspector', `#/events/${eventId}`],
    ['alerts', '#/alerts'], ['alert-detail', `#/alerts/${alertId}`], ['cases', '#/cases'], ['case-detail', `#/cases/${caseId}`],
    ['destinations', '#/destinations'], ['destination-detail', `#/destinations/${demo.destination_id}`], ['deliveries', '#/deliveries'],
    ['delivery-detail', `#/deliveries/${deliveryId}`], ['rules', '#/rules'], ['definitions', '#/definitions'], ['sources', '#/sources'],
    ['catalog', '#/catalog'], ['transforms', '#/transforms'], ['settings', '#/settings'],
  ];
  const { page } = e;
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`${page.url()}: ${err.message}`));
  const saved: string[] = [];
  const background: Record<string, string> = {};
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, hash] of views) {
        await page.goto(`${e.url}/${hash}`);
        await page.locator('main h2').first().waitFor();
        await page.waitForLoadState('networkidle');
        saved.push(await e.shot(`${name}-${width}-${scheme}`));
      }
      // In the page (typed loosely: this project's test types are Node's, not the DOM's).
      background[scheme] = await page.evaluate(() => {
        const doc = (globalThis as any).document;
        const colour = (el: unknown) => (globalThis as any).getComputedStyle(el).backgroundColor;
        return `${colour(doc.documentElement)} ${colour(doc.querySelector('.view > section, .panel'))}`;
      });
    }
  }
  expect(problems).toEqual([]);
  expect(saved).toHaveLength(views.length * WIDTHS.length * SCHEMES.length);
  // The dark theme is dark: a page background and a panel far from the light ones.
  expect(background.light).toBe('rgb(246, 247, 249) rgb(255, 255, 255)');
  expect(background.dark).toBe('rgb(18, 21, 28) rgb(26, 30, 40)');
}, 240_000);
