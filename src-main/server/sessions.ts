// UI sessions: a one-time login token (printed at start, minted for the desktop window, or
// issued by `switchyard login-link`) becomes an HttpOnly SameSite=Strict cookie;
// cookie-authenticated writes also need the session's CSRF token. Tokens are kept as their
// SHA-256 only. Kept in memory here: a restart asks for a new login. Instances sharing a
// database keep them there instead (shared-sessions.ts).
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../core/secrets';
import { LOGIN_TOKENS_MAX, LOGIN_TOKEN_TTL_MS, SESSIONS_MAX, SESSION_TTL_MS } from '../limits';

export const SESSION_COOKIE = 'sy_session';

export interface Session {
  id: string;
  organization: string;
  csrf: string;
  expires: number;
}

/** Why a login link did not log in: said on the page it opens. */
export type LoginRefusal = 'used' | 'expired' | 'unknown';

interface LoginToken {
  organization: string;
  expires: number;
  used: boolean;
}

/** Tokens issued outside this process (`switchyard login-link`), looked up by hash and taken once. */
export type OutsideLoginTokens = (hash: string) => { organization: string; expires: number } | null;

/**
 * What the server asks of UI sessions. SessionManager answers at once from memory (one
 * instance, the file store); SharedSessions (shared-sessions.ts) from the shared database.
 */
export interface UiSessions {
  /** A token for `/login?token=...`; it works once, within LOGIN_TOKEN_TTL_MS. */
  mintLoginToken(organization: string): string | Promise<string>;
  redeemLoginToken(token: string): Session | { refused: LoginRefusal } | Promise<Session | { refused: LoginRefusal }>;
  createSession(organization: string): Session | Promise<Session>;
  get(id: string | undefined): Session | null | Promise<Session | null>;
  end(id: string): void | Promise<void>;
}

export class SessionManager implements UiSessions {
  /** By token hash; used and expired ones are remembered a while, to say why a link failed. */
  private readonly loginTokens = new Map<string, LoginToken>();
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly outside: OutsideLoginTokens = () => null,
  ) {}

  /** A token for `/login?token=...`; it works once, within LOGIN_TOKEN_TTL_MS. */
  mintLoginToken(organization: string): string {
    this.prune();
    const token = randomBytes(24).toString('base64url');
    this.loginTokens.set(sha256Hex(token), { organization, expires: this.now() + LOGIN_TOKEN_TTL_MS, used: false });
    return token;
  }

  redeemLoginToken(token: string): Session | { refused: LoginRefusal } {
    const hash = sha256Hex(token);
    let entry = this.loginTokens.get(hash);
    if (!entry) {
      const issued = this.outside(hash);
      if (!issued) return { refused: 'unknown' };
      this.prune();
      entry = { ...issued, used: false };
      this.loginTokens.set(hash, entry);
    }
    if (entry.used) return { refused: 'used' };
    if (entry.expires < this.now()) return { refused: 'expired' };
    entry.used = true;
    return this.createSession(entry.organization);
  }

  createSession(organization: string): Session {
    this.prune();
    if (this.sessions.size >= SESSIONS_MAX) {
      // Drop the oldest: a new login must always work on a single-user workstation.
      const oldest = this.sessions.keys().next().value;
      if (oldest) this.sessions.delete(oldest);
    }
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      organization,
      csrf: randomBytes(24).toString('base64url'),
      expires: this.now() + SESSION_TTL_MS,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | null {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    if (session.expires < this.now()) {
      this.sessions.delete(id);
      return null;
    }
    return session;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  private prune(): void {
    const t = this.now();
    // A spent or expired token is remembered for one more lifetime, so its page can say why.
    for (const [k, v] of this.loginTokens) if (v.expires + LOGIN_TOKEN_TTL_MS < t) this.loginTokens.delete(k);
    for (const k of this.loginTokens.keys()) {
      if (this.loginTokens.size < LOGIN_TOKENS_MAX) break;
      this.loginTokens.delete(k); // the oldest first (insertion order)
    }
    for (const [k, v] of this.sessions) if (v.expires < t) this.sessions.delete(k);
  }
}
