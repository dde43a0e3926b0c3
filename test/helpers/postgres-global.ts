// Global setup of the `postgres` test project: one throwaway PostgreSQL cluster for the run;
// each harness makes a database of its own in it (test/helpers/harness.ts).
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cluster's maintenance database URL, in the `postgres` project only. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pg = await startPostgres();
  project.provide('postgresUrl', pg.url());
  return () => pg.destroy();
}
