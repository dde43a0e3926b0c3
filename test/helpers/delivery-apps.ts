// Appliances with a short retry schedule and local receivers, stopped after each test.
// Call at the top level of a test file.
import { afterEach } from 'vitest';
import { startHarness, type Harness } from './harness';
import { startReceiver, type Receiver } from './receiver';

/** Retries after 0, 0.2, 0.2, 0.2 s; 1 s request timeout; no jitter. */
export const FAST_DELIVERY = { retrySchedule: [0, 0.2, 0.2, 0.2], jitter: 0, timeoutMs: 1000 };

export function useDeliveryApps(): {
  app(opts?: Parameters<typeof startHarness>[0]): Promise<Harness>;
  receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver>;
  /** Anything else to undo after the test (run in reverse order with the rest). */
  defer(cleanup: () => Promise<unknown>): void;
} {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return {
    async app(opts = {}) {
      const h = await startHarness({ tickMs: 0, delivery: FAST_DELIVERY, ...opts });
      cleanups.push(() => h.stop());
      return h;
    },
    defer: (cleanup) => void cleanups.push(cleanup),
    async receiver(...args) {
      const r = await startReceiver(...args);
      cleanups.push(() => r.close());
      return r;
    },
  };
}
