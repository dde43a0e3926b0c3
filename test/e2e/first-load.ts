// Bytes a browser with an empty cache downloads to go from a login link to the Dashboard,
// as Chromium counts them (transferSize: headers + body as sent, compressed when it was).
import type { Browser } from 'playwright-core';

export interface FirstLoad {
  bytes: number;
  resources: { name: string; bytes: number }[];
}

export async function measureFirstLoad(browser: Browser, loginUrl: string): Promise<FirstLoad> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(loginUrl);
    await page.locator('main h2', { hasText: 'Dashboard' }).waitFor();
    await page.waitForLoadState('networkidle');
    // The stream (/api/stream) never finishes, so it has no entry; everything else does.
    // Runs in the page (typed loosely: this project's test types are Node's, not the DOM's).
    const entries: { name: string; bytes: number }[] = await page.evaluate(() => {
      const perf = performance as any;
      return [...perf.getEntriesByType('navigation'), ...perf.getEntriesByType('resource')]
        .map((e: { name: string; transferSize: number }) => ({ name: new URL(e.name).pathname, bytes: e.transferSize }));
    });
    return { bytes: entries.reduce((n, e) => n + e.bytes, 0), resources: entries };
  } finally {
    await context.close();
  }
}
