// The UI's session, obtained the way the UI gets it: redeem a one-time login link for the
// HttpOnly cookie, then read the session's CSRF token.
import { expect } from 'vitest';
import type { Harness } from './harness';

export interface UiSession {
  /** `sy_session=<id>`, ready for a Cookie header. */
  cookie: string;
  csrf: string;
  /** The Set-Cookie header of the login answer. */
  setCookie: string;
}

export async function uiSession(h: Harness): Promise<UiSession> {
  const link = new URL(await h.app.loginUrl());
  const res = await h.http('GET', link.pathname + link.search, { key: null });
  expect(res.status).toBe(302);
  const setCookie = String(res.headers['set-cookie']);
  const cookie = setCookie.split(';')[0];
  const session = await h.http('GET', '/api/session', { key: null, headers: { cookie } });
  expect(session.status).toBe(200);
  return { cookie, csrf: session.json.csrf_token, setCookie };
}
