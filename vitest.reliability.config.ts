import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// The reliability suite: long-running fault and abuse tests, run by `npm run test:reliability`
// (and by CI), kept out of the quick `npm test` loop. Same module aliases as the main config.
export default defineConfig({
  resolve: base.resolve,
  test: { include: ['test/reliability/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 60_000, pool: 'forks' },
});
