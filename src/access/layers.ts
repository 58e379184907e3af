/**
 * Which access layers run: both (always, outside tests), or one of them alone for the property
 * test (test/pg/access-property.test.ts) that proves each layer stops every leak by itself.
 * TPT_TEST_ACCESS_LAYERS=app switches row-level security's caller off (PostgreSQL); =rls switches
 * core's checks off. A test-only setting: refused unless the process runs under vitest, so no
 * deployment can switch a layer off by its environment.
 */
export type AccessLayers = 'both' | 'app' | 'rls';

export const ACCESS_LAYERS_SETTING = 'TPT_TEST_ACCESS_LAYERS';

export function accessLayers(env: NodeJS.ProcessEnv = process.env): AccessLayers {
  const given = env[ACCESS_LAYERS_SETTING];
  if (given === undefined || given === '' || given === 'both') return 'both';
  if (env.VITEST === undefined) {
    throw new Error(`${ACCESS_LAYERS_SETTING} is a test-only setting: unset it (both access layers always run outside tests)`);
  }
  if (given === 'app' || given === 'rls') return given;
  throw new Error(`${ACCESS_LAYERS_SETTING}=${given}: give both, app or rls`);
}
