// One throwaway PostgreSQL cluster for a whole test file (test/helpers/postgres.ts), and
// clean-ups that run after each test, last first (appliances stop before their database goes).
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startPostgres, type TestPostgres } from './postgres';

export function usePostgres(): { pg: TestPostgres; cleanups: Array<() => Promise<unknown>> } {
  let started: TestPostgres | undefined;
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    started = await startPostgres();
  }, 60_000);
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  afterAll(async () => {
    await started?.destroy();
  });
  // The cluster starts in beforeAll; tests reach it through this handle.
  const pg = new Proxy({} as TestPostgres, {
    get(_target, prop) {
      if (!started) throw new Error('the PostgreSQL cluster is used before beforeAll started it');
      const value: unknown = Reflect.get(started, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(started) : value;
    },
  });
  return { pg, cleanups };
}
