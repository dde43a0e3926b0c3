// Live events at speed, in Chromium against the built appliance: filters and search kept in
// the URL (reload, Back), a list that stays bounded and responsive after a burst of 3,000
// events, rows reachable by keyboard, and one search request per word typed.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LIVE_EVENTS_ROWS_MAX } from '../../src-main/limits';
import { startE2E, type E2E } from './browser';

let e: E2E;
let key: string;
/** A click during a burst must be painted within this (the issue measured 367 ms frames before; this machine is shared). */
const INPUT_TO_PAINT_MAX_MS = 500;

async function send(path: string, body: unknown): Promise<any> {
  const res = await e.api('POST', path, body, key);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300); // 202, or 200 as Splunk answers HEC
  return res.body;
}

const rows = () => e.page.locator('table[aria-label="Events"] tbody tr');
// Strings run in the page (this file is type-checked without the DOM library).
const focusedRowText = () => e.page.evaluate<string | null>('document.activeElement instanceof HTMLTableRowElement ? document.activeElement.textContent : null');

beforeAll(async () => {
  e = await startE2E();
  key = (await e.api('POST', '/api/keys', { name: 'speed test', scopes: ['ingest'] })).body.key;
  for (const [title, severity] of [['disk full on db-1', 'High'], ['disk slow on db-2', 'Low'], ['cpu hot on web-1', 'High'], ['disk full on db-3', 'High']]) {
    await send('/v1/ingest/generic', { title, severity });
  }
}, 60_000);
afterAll(() => e?.close());

test('filters and search are in the URL: reload and Back keep them', async () => {
  const { page } = e;
  await e.nav('Live events');
  await page.getByRole('cell', { name: 'cpu hot on web-1', exact: true }).waitFor();
  await page.getByLabel('severity').selectOption('high');
  await page.getByLabel('dialect').selectOption('generic');
  await page.getByLabel('search').fill('disk full');
  await page.waitForURL(/#\/events\?/);
  await page.waitForURL((u) => u.hash.includes('text=disk+full'));
  const filtered = new URL(page.url()).hash;
  expect(Object.fromEntries(new URLSearchParams(filtered.split('?')[1]))).toEqual({ dialect: 'generic', severity: 'high', text: 'disk full' });
  await rows().filter({ hasText: 'disk slow' }).waitFor({ state: 'detached' });
  await page.getByRole('cell', { name: 'cpu hot on web-1', exact: true }).waitFor({ state: 'detached' });
  expect(await rows().allTextContents()).toHaveLength(2);

  const keptAfter = async () => {
    await page.getByRole('cell', { name: 'disk full on db-1', exact: true }).waitFor();
    expect(new URL(page.url()).hash).toBe(filtered);
    expect(await page.getByLabel('severity').inputValue()).toBe('high');
    expect(await page.getByLabel('dialect').inputValue()).toBe('generic');
    expect(await page.getByLabel('search').inputValue()).toBe('disk full');
    expect(await rows().count()).toBe(2);
  };
  await page.reload();
  await keptAfter();

  await page.getByRole('cell', { name: 'disk full on db-3', exact: true }).click();
  await page.getByRole('heading', { name: 'disk full on db-3' }).waitFor();
  await page.goBack();
  await keptAfter();

  await page.getByRole('cell', { name: 'disk full on db-1', exact: true }).click();
  await page.getByRole('button', { name: '← Events' }).click();
  await keptAfter();
  await page.getByLabel('search').fill('');
  await page.getByLabel('severity').selectOption('');
  await page.getByLabel('dialect').selectOption('');
  await page.waitForURL((u) => u.hash === '#/events');
});

test('typing a search sends one request when typing stops, not one per key', async () => {
  const { page } = e;
  await e.nav('Live events');
  await page.getByRole('cell', { name: 'cpu hot on web-1', exact: true }).waitFor();
  const listed: string[] = [];
  const onRequest = (r: { url(): string }) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/events') listed.push(u.search);
  };
  page.on('request', onRequest);
  await page.getByLabel('search').pressSequentially('cpu hot', { delay: 60 });
  await page.getByRole('cell', { name: 'disk full on db-1', exact: true }).waitFor({ state: 'detached' });
  await page.waitForTimeout(600); // well past the debounce: nothing more may come
  page.off('request', onRequest);
  expect(listed).toHaveLength(1);
  expect(new URLSearchParams(listed[0]).get('text')).toBe('cpu hot');
  await page.getByLabel('search').fill('');
  await page.waitForURL((u) => u.hash === '#/events');
});

test('rows are reachable by keyboard: / focuses search, Tab and arrows move between rows, Enter opens', async () => {
  const { page } = e;
  await e.nav('Live events');
  await page.getByRole('cell', { name: 'cpu hot on web-1', exact: true }).waitFor();
  await page.getByRole('heading', { name: 'Live events' }).click();
  await page.keyboard.press('/');
  expect(await page.evaluate("document.activeElement.getAttribute('aria-label')")).toBe('search');
  expect(await page.getByLabel('search').inputValue()).toBe(''); // the slash focused, it was not typed

  // Tab from the search box reaches the first row (newest first) without the mouse.
  let text: string | null = null;
  for (let i = 0; i < 15 && !text; i++) {
    await page.keyboard.press('Tab');
    text = await focusedRowText();
  }
  expect(text).toContain('disk full on db-3');
  await page.keyboard.press('ArrowDown');
  expect(await focusedRowText()).toContain('cpu hot on web-1');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  expect(await focusedRowText()).toContain('cpu hot on web-1');
  await page.keyboard.press('End');
  expect(await focusedRowText()).toContain('disk full on db-1');
  await page.keyboard.press('Home');
  // Tab goes on to the row's own controls, then to the next row.
  for (let i = 0; i < 4 && !(await focusedRowText())?.includes('cpu hot'); i++) await page.keyboard.press('Tab');
  expect(await focusedRowText()).toContain('cpu hot on web-1');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'cpu hot on web-1' }).waitFor();
  await e.shot('view-event-inspector-by-keyboard');
});

test(`a burst of 3,000 events keeps at most ${LIVE_EVENTS_ROWS_MAX} rows on the page, and the page answers a click at once`, async () => {
  const { page } = e;
  await e.nav('Live events');
  await page.getByRole('cell', { name: 'cpu hot on web-1', exact: true }).waitFor();
  // 3,000 events as fast as the appliance takes them: 12 HEC batches of 250, all at once.
  const burst = (from: number) => Promise.all(Array.from({ length: 12 }, (_, b) =>
    send('/services/collector/event', Array.from({ length: 250 }, (_, i) => ({ event: { title: `burst ${from + b * 250 + i}`, severity: 'low' } })))));
  const newest = async () => (await e.api('GET', '/api/events?limit=1')).body.items[0].title as string;
  await burst(0);
  // Followed live to the last one, with the oldest rows gone from the bottom: exactly the cap in the DOM.
  await page.getByRole('cell', { name: await newest(), exact: true }).waitFor();
  expect(await rows().count()).toBe(LIVE_EVENTS_ROWS_MAX);
  expect(await page.locator('tr').count()).toBe(LIVE_EVENTS_ROWS_MAX + 1);
  await e.shot('view-live-events-after-burst');

  // Load more on a list whose oldest rows left the bottom finds its place again: no gap, no repeat.
  const titles = () => rows().locator('td:nth-child(3)').allTextContents();
  const lastBefore = (await titles()).at(-1)!;
  await page.getByRole('button', { name: 'Load more' }).click();
  const newerButton = page.getByRole('button', { name: /^\d+ newer events — show$/ });
  await newerButton.waitFor();
  const shown = await titles();
  expect(shown).toHaveLength(LIVE_EVENTS_ROWS_MAX);
  const stored500 = (await e.api('GET', '/api/events?limit=500')).body.items.map((x: { title: string }) => x.title);
  const from = stored500.indexOf(shown[0]);
  expect(from).toBeGreaterThan(0);
  expect(stored500.slice(from, from + shown.length)).toEqual(shown);
  expect(stored500.indexOf(shown.at(-1))).toBeGreaterThan(stored500.indexOf(lastBefore));
  expect(Number((await newerButton.textContent())!.split(' ')[0])).toBe(from);
  await newerButton.click();
  await page.getByRole('cell', { name: stored500[0], exact: true }).waitFor();

  // In the middle of a second burst, a click is answered quickly: the Event Timing API measures
  // from the input to the next frame painted after its handlers ran (what INP measures).
  await page.evaluate(`(() => {
    window.inputTimings = [];
    new PerformanceObserver((list) => {
      for (const t of list.getEntries()) if (['pointerdown', 'pointerup', 'click'].includes(t.name)) window.inputTimings.push(Math.round(t.duration));
    }).observe({ type: 'event', durationThreshold: 16 });
  })()`);
  const second = burst(3000);
  await page.getByRole('cell', { name: /^burst [3-5]\d{3}$/ }).first().waitFor();
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: /^Resume/ }).waitFor();
  await second;
  await page.waitForTimeout(200); // entries are reported after the frame
  const timings: number[] = await page.evaluate('window.inputTimings');
  console.log(`Pause clicked during a burst: input to next paint ${timings.length ? timings.join(', ') : '< 16'} ms`);
  expect(Math.max(0, ...timings)).toBeLessThan(INPUT_TO_PAINT_MAX_MS);
  await page.getByRole('button', { name: /^Resume/ }).click();
  const stored = await newest();
  await page.getByRole('cell', { name: stored, exact: true }).waitFor();
  expect(await rows().count()).toBeLessThanOrEqual(LIVE_EVENTS_ROWS_MAX);

  // Load more pages back in time without growing past the cap: the newest leave the top, counted.
  for (let i = 0; i < 5; i++) {
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByRole('button', { name: 'Load more' }).and(page.locator(':enabled')).waitFor();
  }
  expect(await rows().count()).toBe(LIVE_EVENTS_ROWS_MAX);
  const newer = page.getByRole('button', { name: /^\d+ newer events — show$/ });
  await newer.waitFor();
  const hidden = Number((await newer.textContent())!.split(' ')[0]);
  expect(hidden).toBeGreaterThan(0);
  await newer.click();
  await page.getByRole('cell', { name: stored, exact: true }).waitFor();
  expect(await rows().count()).toBeLessThanOrEqual(LIVE_EVENTS_ROWS_MAX);
});

test('new events arrive live while the list is followed, and are only counted while a row has keyboard focus', async () => {
  const { page } = e;
  await e.nav('Live events');
  await send('/v1/ingest/generic', { title: 'arrives live', severity: 'Low' });
  await page.getByRole('cell', { name: 'arrives live', exact: true }).waitFor();
  await rows().first().focus();
  await send('/v1/ingest/generic', { title: 'arrives while focused', severity: 'Low' });
  await page.getByRole('button', { name: '1 newer event — show' }).waitFor();
  expect(await page.getByRole('cell', { name: 'arrives while focused', exact: true }).count()).toBe(0);
  expect(await focusedRowText()).toContain('arrives live'); // the focused row did not move away
  await page.getByRole('button', { name: '1 newer event — show' }).click();
  await page.getByRole('cell', { name: 'arrives while focused', exact: true }).waitFor();
});
