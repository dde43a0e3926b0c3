// Who is calling: an API key (Bearer, or `Splunk` for HEC senders), the
// SWITCHYARD_API_KEY admin key, a UI session cookie, or a source's URL token.
import type { Context } from 'koa';
import { timingSafeEqual } from 'node:crypto';
import { DEFAULT_ORG_SLUG, findOrg } from '../core/config-ops';
import { digestsEqual, sha256Hex } from '../core/secrets';
import type { Organization, Scope, SourceRecord } from '../core/types';
import type { Store } from '../store/types';
import type { AuthVia } from '../../src-shared/session';
import { HttpError } from './http-error';
import { SESSION_COOKIE, type Session, type UiSessions } from './sessions';

export interface Principal {
  organization: Organization;
  scopes: Scope[];
  via: AuthVia;
  keyId: string | null;
  session: Session | null;
  source: SourceRecord | null;
  /** Bucket name for the rate limiter. */
  rateKey: string;
}

export interface AuthDeps {
  store: Store;
  sessions: UiSessions;
  envKeyHash: string | null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function presentedKey(ctx: Context): string | null {
  const header = ctx.get('authorization');
  if (!header) return null;
  const m = /^(Bearer|Splunk)\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new HttpError(401, ['authorization: expected "Bearer <key>" (or "Splunk <key>")']);
  return m[2];
}

/**
 * Keys already verified against the current configuration, by their SHA-256 (the form the
 * configuration stores; the key itself is never kept). A known key then costs one hash and
 * one lookup instead of a constant-time comparison with every stored key. The configuration
 * is replaced, never changed in place, whenever a key or organization changes, so a cache
 * made for another configuration object is dropped. Only keys that verified are cached: an
 * unknown key never grows it.
 */
const verifiedKeys = new WeakMap<AuthDeps, { config: object; envKeyHash: string | null; byHash: Map<string, Principal> }>();

/** The caller an API key (or SWITCHYARD_API_KEY) stands for; 401 when it is unknown. */
export function authenticateKey(deps: AuthDeps, key: string): Principal {
  const hash = sha256Hex(key);
  const config = deps.store.config();
  let cache = verifiedKeys.get(deps);
  if (!cache || cache.config !== config || cache.envKeyHash !== deps.envKeyHash) {
    verifiedKeys.set(deps, (cache = { config, envKeyHash: deps.envKeyHash, byHash: new Map() }));
  }
  const known = cache.byHash.get(hash);
  if (known) return known;
  const principal = Object.freeze(verifyKey(deps, config, hash));
  cache.byHash.set(hash, principal);
  return principal;
}

function verifyKey(deps: AuthDeps, config: ReturnType<Store['config']>, hash: string): Principal {
  if (deps.envKeyHash && digestsEqual(hash, deps.envKeyHash)) {
    const org = findOrg(config, DEFAULT_ORG_SLUG);
    if (org) return { organization: org, scopes: ['admin'], via: 'env_key', keyId: null, session: null, source: null, rateKey: 'env' };
  }
  for (const record of config.keys) {
    if (!digestsEqual(hash, record.hash)) continue;
    const org = findOrg(config, record.organization);
    if (!org) break;
    return { organization: org, scopes: record.scopes, via: 'api_key', keyId: record.id, session: null, source: null, rateKey: `key:${record.id}` };
  }
  throw new HttpError(401, ['authorization: unknown API key']);
}

/**
 * Resolves the caller; `allowSession` lets the UI's cookie stand in for a key (management API
 * only). A session may be looked up in a shared database, hence async.
 */
export async function authenticate(ctx: Context, deps: AuthDeps, opts: { allowSession: boolean }): Promise<Principal> {
  const key = presentedKey(ctx);
  if (key) return authenticateKey(deps, key);
  if (opts.allowSession) {
    const session = await deps.sessions.get(ctx.cookies.get(SESSION_COOKIE));
    if (session) {
      if (!SAFE_METHODS.has(ctx.method)) checkCsrf(ctx, session);
      const org = findOrg(deps.store.config(), session.organization);
      if (org) return { organization: org, scopes: ['admin'], via: 'session', keyId: null, session, source: null, rateKey: `session:${session.id}` };
    }
  }
  throw new HttpError(401, ['authorization: missing API key; send "Authorization: Bearer <key>"']);
}

function checkCsrf(ctx: Context, session: Session): void {
  const sent = Buffer.from(ctx.get('x-csrf-token'));
  const expected = Buffer.from(session.csrf);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    throw new HttpError(403, ['x-csrf-token: missing or wrong CSRF token; reload the page']);
  }
}

/** A URL token names a source and authenticates for it. */
export function authenticateToken(deps: AuthDeps, token: string): Principal {
  const hash = sha256Hex(token);
  const config = deps.store.config();
  for (const source of config.sources) {
    if (!source.token_hash || !digestsEqual(hash, source.token_hash)) continue;
    const org = findOrg(config, source.organization);
    if (!org) break;
    return { organization: org, scopes: ['ingest'], via: 'url_token', keyId: null, session: null, source, rateKey: `source:${source.id}` };
  }
  throw new HttpError(401, ['token: unknown URL token']);
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes('admin') || principal.scopes.includes(scope);
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!hasScope(principal, scope)) throw new HttpError(403, [`authorization: this key lacks the "${scope}" scope`]);
}
