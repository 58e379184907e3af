import type { TestProject } from 'vitest/node';
import { startPostgres, type PostgresServerInfo } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresServerInfo;
  }
}

/**
 * The PostgreSQL-backed tests' global setup: one server for the whole run (an initdb costs about
 * a second; a database per test file costs milliseconds), stopped when the run ends, whether its
 * tests passed or not. vitest runs it only when a test of the `pg` project is selected.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgres', server.info);
  return () => server.stop();
}
