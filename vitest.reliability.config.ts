import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// The reliability suite: long-running fault and abuse tests, run by `npm run test:reliability`
// (and by CI), kept out of the quick `npm test` loop.
export default defineConfig({
  resolve: { alias: { electron: fileURLToPath(new URL('./test/helpers/electron-stub.ts', import.meta.url)) } },
  test: { include: ['test/reliability/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 60_000, pool: 'forks' },
});
