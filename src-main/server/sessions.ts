// UI sessions: a one-time login token (printed at start, or minted for the desktop
// window) becomes an HttpOnly SameSite=Strict cookie; cookie-authenticated writes
// also need the session's CSRF token. Kept in memory: a restart asks for a new login.
import { randomBytes } from 'node:crypto';
import { LOGIN_TOKEN_TTL_MS, SESSIONS_MAX, SESSION_TTL_MS } from '../limits';

export const SESSION_COOKIE = 'sy_session';

export interface Session {
  id: string;
  organization: string;
  csrf: string;
  expires: number;
}

export class SessionManager {
  private readonly loginTokens = new Map<string, { organization: string; expires: number }>();
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A token for `/login?token=...`; it works once, within LOGIN_TOKEN_TTL_MS. */
  mintLoginToken(organization: string): string {
    this.prune();
    const token = randomBytes(24).toString('base64url');
    this.loginTokens.set(token, { organization, expires: this.now() + LOGIN_TOKEN_TTL_MS });
    return token;
  }

  redeemLoginToken(token: string): Session | null {
    const entry = this.loginTokens.get(token);
    this.loginTokens.delete(token);
    if (!entry || entry.expires < this.now()) return null;
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
    for (const [k, v] of this.loginTokens) if (v.expires < t) this.loginTokens.delete(k);
    for (const [k, v] of this.sessions) if (v.expires < t) this.sessions.delete(k);
  }
}
