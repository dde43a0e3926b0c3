// UI sessions of instances sharing one database (behind a load balancer): login tokens and
// sessions are state records, so a link minted on one instance logs in on any other, once,
// and a session cookie works, and ends, everywhere. Only SHA-256 hashes are record ids:
// whoever reads the database cannot log in with what it finds there. The CSRF token is kept
// with its session: without the cookie it proves nothing, and every instance must check it.
// Records are trimmed as they are written: a token is forgotten one lifetime after it expires
// (until then its page says why it failed), a session when it expires; LOGIN_TOKENS_MAX and
// SESSIONS_MAX bound both (the oldest go first).
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../core/secrets';
import { LOGIN_TOKENS_MAX, LOGIN_TOKEN_TTL_MS, SESSIONS_MAX, SESSION_CACHE_MS, SESSION_TTL_MS } from '../limits';
import type { StateRecord, Store } from '../store/types';
import type { LoginRefusal, OutsideLoginTokens, Session, UiSessions } from './sessions';

export const LOGIN_TOKEN_KIND = 'login-token';
export const UI_SESSION_KIND = 'ui-session';

interface TokenData {
  organization: string;
  expires: number;
  used: boolean;
}

interface SessionData {
  organization: string;
  csrf: string;
  expires: number;
  /** Logged out: kept until it would have expired, so every instance refuses it. */
  ended?: boolean;
}

/** Live on disk only: retention of events never takes them (trimState expires them), and no instance holds them in memory. */
const KEPT = { live: true, cold: true } as const;

function tokenRecord(hash: string, data: TokenData): StateRecord {
  // Remembered for one more lifetime, so its page can say why (as in memory).
  return { kind: LOGIN_TOKEN_KIND, id: hash, data, ...KEPT, keys: { organization: data.organization, at: data.expires + LOGIN_TOKEN_TTL_MS } };
}

function sessionRecord(hash: string, data: SessionData): StateRecord {
  return { kind: UI_SESSION_KIND, id: hash, data, ...KEPT, keys: { organization: data.organization, at: data.expires } };
}

export class SharedSessions implements UiSessions {
  /** Sessions read or made here, by the hash of their id; evicted when another instance writes them. */
  private readonly cache = new Map<string, { session: Session; readAt: number }>();
  /** Bumped on every eviction: a read that began before one must not cache what it found. */
  private evictions = 0;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    private readonly outside: OutsideLoginTokens = () => null,
  ) {
    store.onChange((change) => {
      if (change.type === 'state' && change.kind === UI_SESSION_KIND) this.evict(change.ids);
    });
  }

  async mintLoginToken(organization: string): Promise<string> {
    await this.store.trimState(LOGIN_TOKEN_KIND, { until: this.now(), keep: LOGIN_TOKENS_MAX - 1 });
    const token = randomBytes(24).toString('base64url');
    await this.store.appendState([tokenRecord(sha256Hex(token), { organization, expires: this.now() + LOGIN_TOKEN_TTL_MS, used: false })]);
    return token;
  }

  /**
   * Spent under the token's lock: of two instances redeeming it at once, one logs in. Unknown,
   * used and expired tokens are refused without it (a flood of bad links holds no lock).
   */
  async redeemLoginToken(token: string): Promise<Session | { refused: LoginRefusal }> {
    const hash = sha256Hex(token);
    const seen = await this.token(hash);
    if (!seen) return this.redeemLinkFile(hash);
    const refusal = this.refusal(seen);
    if (refusal) return refusal;
    return this.store.exclusive([`${LOGIN_TOKEN_KIND}:${hash}`], async () => {
      const entry = await this.token(hash);
      if (!entry) return { refused: 'unknown' as const }; // trimmed meanwhile
      return this.refusal(entry) ?? this.startSession(entry.organization, [tokenRecord(hash, { ...entry, used: true })]);
    });
  }

  /** A link file's token (`switchyard login-link --data-dir`): taking the file is once already; then it is remembered for all. */
  private async redeemLinkFile(hash: string): Promise<Session | { refused: LoginRefusal }> {
    const issued = this.outside(hash);
    if (!issued) return { refused: 'unknown' };
    const entry: TokenData = { ...issued, used: false };
    if (entry.expires < this.now()) {
      await this.store.appendState([tokenRecord(hash, entry)]);
      return { refused: 'expired' };
    }
    return this.startSession(entry.organization, [tokenRecord(hash, { ...entry, used: true })]);
  }

  private async token(hash: string): Promise<TokenData | undefined> {
    return (await this.store.getState(LOGIN_TOKEN_KIND, hash)) as TokenData | undefined;
  }

  private refusal(entry: TokenData): { refused: LoginRefusal } | null {
    if (entry.used) return { refused: 'used' };
    if (entry.expires < this.now()) return { refused: 'expired' };
    return null;
  }

  createSession(organization: string): Promise<Session> {
    return this.startSession(organization, []);
  }

  /** A new session, written with `alongside` (the token it spends) in one commit. */
  private async startSession(organization: string, alongside: StateRecord[]): Promise<Session> {
    // Over the limit the oldest goes: a new login must always work.
    this.evict(await this.store.trimState(UI_SESSION_KIND, { until: this.now(), keep: SESSIONS_MAX - 1 }));
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      organization,
      csrf: randomBytes(24).toString('base64url'),
      expires: this.now() + SESSION_TTL_MS,
    };
    const hash = sha256Hex(session.id);
    await this.store.appendState([...alongside, sessionRecord(hash, { organization, csrf: session.csrf, expires: session.expires })]);
    this.remember(hash, session);
    return session;
  }

  async get(id: string | undefined): Promise<Session | null> {
    if (!id) return null;
    const hash = sha256Hex(id);
    const t = this.now();
    const cached = this.cache.get(hash);
    if (cached && t - cached.readAt < SESSION_CACHE_MS) return cached.session.expires < t ? null : cached.session;
    const evictions = this.evictions;
    const data = (await this.store.getState(UI_SESSION_KIND, hash)) as SessionData | undefined;
    if (!data || data.ended || data.expires < this.now()) {
      this.cache.delete(hash);
      return null;
    }
    const session: Session = { id, organization: data.organization, csrf: data.csrf, expires: data.expires };
    if (evictions === this.evictions) this.remember(hash, session);
    return session;
  }

  async end(id: string): Promise<void> {
    const hash = sha256Hex(id);
    const data = (await this.store.getState(UI_SESSION_KIND, hash)) as SessionData | undefined;
    this.evict([hash]);
    if (data && !data.ended) await this.store.appendState([sessionRecord(hash, { ...data, ended: true })]);
    // Again: a read here that began before the write may have cached it.
    this.evict([hash]);
  }

  private remember(hash: string, session: Session): void {
    this.cache.delete(hash);
    if (this.cache.size >= SESSIONS_MAX) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(hash, { session, readAt: this.now() });
  }

  private evict(hashes: readonly string[]): void {
    this.evictions++;
    for (const h of hashes) this.cache.delete(h);
  }
}
