// Login links that cannot log in answer a page that says why (used, expired, unknown); links
// from `switchyard login-link` (made on the data directory) are taken once and expire too.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_TOKEN_TTL_MS } from '../../src-main/limits';
import { issueLoginLink } from '../../src-main/login-link-files';
import { startHarness, type Harness } from '../helpers/harness';

let h: Harness;
let t = Date.parse('2026-12-01T10:00:00Z');
beforeAll(async () => {
  h = await startHarness({ now: () => new Date(t) });
});
afterAll(() => h?.stop());

const open = (url: string) => {
  const link = new URL(url);
  return h.http('GET', link.pathname + link.search, { key: null });
};

function expectPage(res: Awaited<ReturnType<typeof open>>, heading: string): void {
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.text).toContain(`<h1>${heading}</h1>`);
  expect(res.text).toContain('switchyard login-link');
  expect(res.headers['set-cookie']).toBeUndefined();
}

describe('the page a login link opens when it cannot log in', () => {
  it('says a link has been used', async () => {
    const url = await h.app.loginUrl();
    expect((await open(url)).status).toBe(302);
    expectPage(await open(url), 'This login link has already been used');
  });

  it('says a link has expired', async () => {
    const url = await h.app.loginUrl();
    t += LOGIN_TOKEN_TTL_MS + 1;
    expectPage(await open(url), 'This login link has expired');
  });

  it('says a link is not valid when nothing issued it, or it has no token', async () => {
    expectPage(await open(`${h.app.url}/login?token=abc`), 'This login link is not valid');
    expectPage(await open(`${h.app.url}/login`), 'This login link is not valid');
  });
});

describe('links made on the data directory (switchyard login-link)', () => {
  it('names the running appliance and works once', async () => {
    expect(JSON.parse(await readFile(join(h.dir, 'server.json'), 'utf8'))).toEqual({ url: h.app.url, pid: process.pid });
    const url = issueLoginLink(h.dir, t);
    expect(url.startsWith(`${h.app.url}/login?token=`)).toBe(true);
    const login = await open(url);
    expect(login.status).toBe(302);
    expect(String(login.headers['set-cookie'])).toMatch(/^sy_session=.+HttpOnly/i);
    expectPage(await open(url), 'This login link has already been used');
  });

  it('expires like the others', async () => {
    const url = issueLoginLink(h.dir, t - LOGIN_TOKEN_TTL_MS - 1);
    expectPage(await open(url), 'This login link has expired');
  });
});
