// The built React UI, with a policy that lets it load and talk to its own origin only.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
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
  // The header test first: type-is parses the type, costly on every JSON answer.
  const type = ctx.response.get('Content-Type');
  if (typeof type === 'string' && /html/i.test(type) && ctx.response.is('html')) ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
};

const API_PREFIXES = ['/api/', '/v1/', '/services/', '/bin/'];

/** Build output whose names carry a hash of their content (Vite's assets/): never stale. */
const HASHED_ASSET = /[/\\]assets[/\\][^/\\]+-[\w-]{8}\.\w+(?:\.br|\.gz)?$/;
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/** Hashed assets are cached for good; index.html and the rest are revalidated on every load. */
function cacheHeaders(res: ServerResponse, path: string): void {
  res.setHeader('Cache-Control', HASHED_ASSET.test(path) ? IMMUTABLE_CACHE : 'no-cache');
  // The .br and .gz copies (scripts/precompress.ts) are picked by Accept-Encoding.
  res.setHeader('Vary', 'Accept-Encoding');
}

export function staticUi(uiDir: string | null): Middleware {
  const files = uiDir && existsSync(join(uiDir, 'index.html')) ? serve(uiDir, { index: 'index.html', brotli: true, gzip: true, setHeaders: cacheHeaders }) : null;
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

/** What the single binary embeds (scripts/package.ts): the UI's files under `ui/<file>`, listed by this asset. */
export const UI_MANIFEST_ASSET = 'ui-manifest.json';
export interface UiManifest {
  hash: string;
  files: string[];
}

/**
 * Writes the UI embedded in the single binary to <dataDir>/ui/<hash>/ (once per UI version;
 * older versions are removed) and returns that folder, served like any other uiDir.
 */
export function extractEmbeddedUi(dataDir: string, getAsset: (key: string) => ArrayBuffer): string {
  const manifest = JSON.parse(Buffer.from(getAsset(UI_MANIFEST_ASSET)).toString('utf8')) as UiManifest;
  const root = join(dataDir, 'ui');
  const dir = join(root, manifest.hash);
  if (existsSync(dir)) return dir;
  mkdirSync(root, { recursive: true });
  for (const old of readdirSync(root)) rmSync(join(root, old), { recursive: true, force: true });
  // Written aside, then renamed: a half-written folder is never served.
  const partial = `${dir}.partial`;
  for (const file of manifest.files) {
    mkdirSync(dirname(join(partial, file)), { recursive: true });
    writeFileSync(join(partial, file), new Uint8Array(getAsset(`ui/${file}`)));
  }
  renameSync(partial, dir);
  return dir;
}
