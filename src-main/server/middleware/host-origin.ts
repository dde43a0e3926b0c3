// DNS-rebinding and cross-site defence. A page on evil.example that rebinds its name
// to 127.0.0.1 still sends `Host: evil.example`: every request is refused on it before
// anything runs (hostGuard). A cross-site form or fetch sends a foreign Origin: every
// management route refuses it the same way, whichever credential it carries (the route
// table decides which routes those are: see refusesForeignOrigin in route.ts).
import type { Context, Middleware } from 'koa';
import { HttpError } from '../http-error';

export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

export function allowedHostnames(configuredHost: string, extra: string[] = []): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', ...extra.map((h) => h.toLowerCase())]);
  const host = configuredHost.toLowerCase();
  // 0.0.0.0 / :: are bind addresses, never a Host a browser sends.
  if (host && host !== '0.0.0.0' && host !== '::') names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  return names;
}

export interface OriginFacts {
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
}

/** Host names the appliance answers to. */
export type HostAllowList = Pick<ReadonlySet<string>, 'has'>;

/** Answers null when the Host header names this appliance, else the reason it is refused. */
export function checkHost(host: string | undefined, allowed: HostAllowList): string | null {
  if (!host) return 'host: the Host header is required';
  const hostname = hostnameOf(host);
  if (!allowed.has(hostname)) {
    return `host: "${hostname}" is not an allowed host; open the appliance via localhost or add the name to SWITCHYARD_ALLOWED_HOSTS`;
  }
  return null;
}

/** Answers null when the request comes from this appliance's own origin (or names none), else the reason it is refused. */
export function checkOrigin(req: OriginFacts): string | null {
  if (req.secFetchSite === 'cross-site') return 'origin: cross-site requests are refused';
  if (req.origin === 'null') return 'origin: opaque origins are refused';
  if (!req.origin) return null;
  let originHost: string;
  try {
    originHost = new URL(req.origin).host.toLowerCase();
  } catch {
    return `origin: "${req.origin}" is not a valid origin`;
  }
  if (originHost !== (req.host ?? '').trim().toLowerCase()) return `origin: "${req.origin}" is not this appliance's origin`;
  return null;
}

/** Host header lines in a request (Node keeps only the first of several). */
function hostLines(rawHeaders: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === 'host') n++;
  return n;
}

export function hostGuard(allowed: HostAllowList): Middleware {
  return async (ctx, next) => {
    // RFC 9112 §3.2: a request with several Host lines is a 400; whichever one counted, the other could be a foreign name.
    if (hostLines(ctx.req.rawHeaders) > 1) throw new HttpError(400, ['host: more than one Host header']);
    const reason = checkHost(ctx.get('host') || undefined, allowed);
    if (reason) throw new HttpError(403, [reason]);
    await next();
  };
}

/** Throws the 403 a foreign, opaque or cross-site origin gets. */
export function requireSameOrigin(ctx: Context): void {
  const reason = checkOrigin({ host: ctx.get('host') || undefined, origin: ctx.get('origin') || undefined, secFetchSite: ctx.get('sec-fetch-site') || undefined });
  if (reason) throw new HttpError(403, [reason]);
}
