import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// The store-facing integration tests that run a second time on the PostgreSQL store.
const BOTH_STORES = ['test/integration/ingest.test.ts', 'test/integration/signals.test.ts', 'test/integration/delivery.test.ts'];

export default defineConfig({
  resolve: {
    // The Electron runtime cannot run here: its module is replaced by a recording stub.
    alias: { electron: fileURLToPath(new URL('./test/helpers/electron-stub.ts', import.meta.url)) },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    setupFiles: ['test/helpers/remove-temp-dirs.ts'],
    projects: [
      { extends: true, test: { name: 'file', include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'] } },
      // Each harness of these files gets a fresh database in one throwaway cluster.
      { extends: true, test: { name: 'postgres', include: BOTH_STORES, env: { SWITCHYARD_TEST_STORE: 'postgres' }, globalSetup: ['test/helpers/postgres-global.ts'] } },
    ],
  },
});
