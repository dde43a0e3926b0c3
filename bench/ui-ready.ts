// Time from `npm start` (build included) to a usable UI: the login link printed, then the
// one-time URL opened in Debian's chromium until the navigation and the first view show.
// Run: npm run bench:ui   (writes bench/results/ui-ready-<time>.json)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { spawnChild } from '../test/helpers/child';

const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function once(): Promise<{ printed_ms: number; usable_ms: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'sy-ui-ready-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'] });
  const t0 = performance.now();
  // Headless (no Electron runtime here), exactly as a user's `npm start` falls back.
  const child = spawnChild('npm', ['start', '--silent', '--', '--port', '0', '--data-dir', dir], { ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron-runtime' }, { detached: true });
  try {
    const [, loginUrl] = await child.waitFor(/login link\): (\S+)/, 60_000);
    const printed = performance.now() - t0;
    const page = await browser.newPage();
    await page.goto(loginUrl);
    await page.locator('nav.side').getByRole('link', { name: 'Dashboard', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    return { printed_ms: Math.round(printed), usable_ms: Math.round(performance.now() - t0) };
  } finally {
    await browser.close();
    process.kill(-child.proc.pid!, 'SIGINT');
    await child.exited;
    await rm(dir, { recursive: true, force: true });
  }
}

const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await once());
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const result = { at: new Date().toISOString(), runs, median_printed_ms: median(runs.map((r) => r.printed_ms)), median_usable_ms: median(runs.map((r) => r.usable_ms)) };
console.log(`npm start → login link printed: ${result.median_printed_ms} ms; → usable UI in chromium: ${result.median_usable_ms} ms (median of ${RUNS})`);
await writeFile(join('bench', 'results', `ui-ready-${Date.now()}.json`), JSON.stringify(result, null, 2));
