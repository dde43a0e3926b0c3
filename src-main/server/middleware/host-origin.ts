// DNS-rebinding and cross-site defence. A page on evil.example that rebinds its name
// to 127.0.0.1 still sends `Host: evil.example`; a cross-site form or fetch sends a
// foreign Origin. Both are refused before any route runs.
import type { Middleware } from 'koa';
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

export interface RequestFacts {
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  path: string;
}

/** Host names the appliance answers to. */
export type HostAllowList = Pick<ReadonlySet<string>, 'has'>;

/** Answers null when the request may proceed, else the reason it is refused. */
export function checkHostOrigin(req: RequestFacts, allowed: HostAllowList): string | null {
  if (!req.host) return 'host: the Host header is required';
  const hostname = hostnameOf(req.host);
  if (!allowed.has(hostname)) {
    return `host: "${hostname}" is not an allowed host; open the appliance via localhost or add the name to SWITCHYARD_ALLOWED_HOSTS`;
  }
  if (!req.path.startsWith('/api/') && req.path !== '/login') return null;
  if (req.secFetchSite === 'cross-site') return 'origin: cross-site requests are refused';
  if (req.origin && req.origin !== 'null') {
    let originHost: string;
    try {
      originHost = new URL(req.origin).host.toLowerCase();
    } catch {
      return `origin: "${req.origin}" is not a valid origin`;
    }
    if (originHost !== req.host.trim().toLowerCase()) return `origin: "${req.origin}" is not this appliance's origin`;
  } else if (req.origin === 'null') {
    return 'origin: opaque origins are refused';
  }
  return null;
}

/** Host header lines in a request (Node keeps only the first of several). */
function hostLines(rawHeaders: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === 'host') n++;
  return n;
}

export function hostOriginGuard(allowed: HostAllowList): Middleware {
  return async (ctx, next) => {
    // RFC 9112 §3.2: a request with several Host lines is a 400; whichever one counted, the other could be a foreign name.
    if (hostLines(ctx.req.rawHeaders) > 1) throw new HttpError(400, ['host: more than one Host header']);
    const reason = checkHostOrigin(
      { host: ctx.get('host') || undefined, origin: ctx.get('origin') || undefined, secFetchSite: ctx.get('sec-fetch-site') || undefined, path: ctx.path },
      allowed,
    );
    if (reason) throw new HttpError(403, [reason]);
    await next();
  };
}
