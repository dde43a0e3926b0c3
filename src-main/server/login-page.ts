// The page a login link opens when it cannot log in: a person clicked it, so they get a page
// that says what went wrong and how to get a new link, not a JSON error.
import { LOGIN_TOKEN_TTL_MS } from '../limits';
import type { LoginRefusal } from './sessions';

const HEADINGS: Record<LoginRefusal, string> = {
  used: 'This login link has already been used',
  expired: 'This login link has expired',
  unknown: 'This login link is not valid',
};

const REASONS: Record<LoginRefusal, string> = {
  used: 'Each login link works once.',
  expired: `A login link works for ${LOGIN_TOKEN_TTL_MS / 60_000} minutes after it is made.`,
  unknown: 'It may be incomplete (check that the whole link was copied), or it was made before Switchyard last restarted.',
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function loginRefusedPage(reason: LoginRefusal, baseUrl: string, loggedIn: boolean): string {
  const base = escapeHtml(baseUrl);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="/favicon.ico" sizes="any">
<title>Login link not valid — Switchyard</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 42rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5; color: #1d2330; background: #f6f7f9; }
  code { background: #e4e7ec; padding: 0.1rem 0.3rem; border-radius: 3px; }
  a { color: #2e5bdb; }
  @media (prefers-color-scheme: dark) { body { color: #e4e7ec; background: #14171f; } code { background: #2a303c; } a { color: #8fb0ff; } }
</style>
</head>
<body>
<main>
<h1>${HEADINGS[reason]}</h1>
<p>${REASONS[reason]}</p>
${loggedIn ? `<p>This browser is still logged in: <a href="/">open Switchyard</a>.</p>\n` : ''}<h2>Get a new login link</h2>
<ul>
<li>On the machine running Switchyard, run <code>switchyard login-link</code> (with the same <code>--data-dir</code> or <code>SWITCHYARD_DATA_DIR</code> it was started with; from a source checkout: <code>npm run login-link</code>). It prints a fresh link; nothing restarts.</li>
<li>Or restart Switchyard: it prints a login link when it starts.</li>
<li>Or, with an admin API key: <code>curl -X POST -H "Authorization: Bearer $KEY" ${base}/api/login-links</code></li>
</ul>
</main>
</body>
</html>
`;
}
