// The built React UI, with a policy that lets it load and talk to its own origin only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Middleware } from 'koa';
import serve from 'koa-static';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const securityHeaders: Middleware = async (ctx, next) => {
  ctx.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' });
  await next();
  if (ctx.response.is('html')) ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
};

const API_PREFIXES = ['/api/', '/v1/', '/services/', '/bin/'];

export function staticUi(uiDir: string | null): Middleware {
  const files = uiDir && existsSync(join(uiDir, 'index.html')) ? serve(uiDir, { index: 'index.html', maxage: 0 }) : null;
  return async (ctx, next) => {
    await next();
    if (ctx.status !== 404 || ctx.body !== undefined || !['GET', 'HEAD'].includes(ctx.method)) return;
    if (API_PREFIXES.some((p) => ctx.path.startsWith(p))) return;
    if (!files) {
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The UI is not built. Run `npm run build` (npm start does it for you), then reload.';
      return;
    }
    await files(ctx, async () => {});
    // Client-side routes (e.g. /events/123) get the app shell.
    if (ctx.status === 404 && !ctx.path.includes('.')) {
      ctx.path = '/';
      await files(ctx, async () => {});
    }
  };
}
