// The advisory locks of one instance, all held on one database session of their own. They are
// taken with try-locks: a key another instance holds is tried again a moment later. So this
// instance's sections never wait for each other's connections (any number may hold locks at
// once, and group commits gather them all), and two instances never deadlock on each other.
// Within the instance, sections of one key are already queued (keyed-queue.ts); a session's
// advisory locks are re-entrant, so the same key taken twice here would not exclude itself.
import pg from 'pg';
import { StoreOverloadedError } from '../errors';
import type { Logger } from '../../logger';

/** How long a section waits for keys another instance holds before the request is refused as busy. */
const LOCK_WAIT_MAX_MS = 10_000;

export class LockSession {
  private client: Promise<pg.Client> | null = null;

  constructor(private readonly opts: { url: string; logger?: Logger }) {}

  /** Takes every key, or none: on a key held elsewhere, lets go of the rest and tries again. */
  async acquire(keys: readonly string[]): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MAX_MS;
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      const client = await this.session();
      const { rows } = await client.query<{ k: string; ok: boolean }>({
        name: 'sy_try_lock', text: 'SELECT k, pg_try_advisory_lock(hashtextextended(k, 0)) AS ok FROM unnest($1::text[]) AS k', values: [keys],
      });
      const taken = rows.filter((r) => r.ok).map((r) => r.k);
      if (taken.length === keys.length) return;
      if (taken.length > 0) await this.release(taken);
      if (Date.now() > deadline) throw new StoreOverloadedError(`another instance has held what this request needs for ${LOCK_WAIT_MAX_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random())));
    }
  }

  async release(keys: readonly string[]): Promise<void> {
    const client = await this.client?.catch(() => null);
    // A lost session took its locks with it.
    await client?.query({ name: 'sy_unlock', text: 'SELECT pg_advisory_unlock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k', values: [keys] });
  }

  async end(): Promise<void> {
    const client = await this.client?.catch(() => null);
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private session(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({ connectionString: this.opts.url, connectionTimeoutMillis: 5_000 });
    const drop = (err?: Error) => {
      if (this.client !== connected) return;
      this.client = null;
      this.opts.logger?.warn('store: lost the lock session; sections take their locks on a new one', { error: err?.message });
      client.end().catch(() => undefined);
    };
    client.on('error', drop);
    client.on('end', () => drop());
    const connected: Promise<pg.Client> = client.connect().then(() => client);
    this.client = connected;
    connected.catch(() => {
      if (this.client === connected) this.client = null;
    });
    return connected;
  }
}
