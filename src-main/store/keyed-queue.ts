// Exclusive sections of one instance queue here, by key, before asking the database: the
// instance holds its advisory locks on one session, where they are re-entrant, so the database
// would not keep two sections of this instance with the same key apart.
import { withMembers } from './store-proxy';
import type { Store } from './types';

export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs fn after every earlier call sharing a key has finished (first come, first served). */
  async run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const earlier = [...new Set(keys.map((k) => this.tails.get(k)).filter((p) => p !== undefined))];
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    for (const k of keys) this.tails.set(k, mine);
    try {
      await Promise.all(earlier);
      return await fn();
    } finally {
      done();
      for (const k of keys) if (this.tails.get(k) === mine) this.tails.delete(k);
    }
  }
}

/** The same store, with exclusive() queued by key within this instance first (shared stores only). */
export function withKeyedQueue(store: Store): Store {
  if (!store.shared) return store;
  const queue = new KeyedQueue();
  const exclusive = <T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> =>
    keys.length === 0 ? fn() : queue.run(keys, () => store.exclusive(keys, fn));
  return withMembers(store, { exclusive });
}
