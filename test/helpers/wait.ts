// Polling for a condition that a running appliance reaches asynchronously.

/** Calls `fn` every `everyMs` until it returns something other than undefined; throws after `timeoutMs`. */
export async function until<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = 'condition', everyMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
