import { cp, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ARTIFACTS_DIR, PACKAGE_DIR } from '../packTarball.mjs';

const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));

/**
 * A fresh copy of test/package/fixtures/<app> in test/artifacts/package/apps/<copy>
 * (default: the same name), with the shared page API (fixtures/shared/testApi.js)
 * at its root and the packed package in its node_modules. A copy, not a symlink: bundlers resolve a symlinked
 * package to its real path, which would not be the layout an install makes.
 * The package's own dependencies resolve by walking up to the repository's
 * node_modules, where they are the root's dependencies.
 * @returns the app's directory, without a trailing slash
 */
export async function copyFixtureApp(app: string, copy = app): Promise<string> {
  const appDir = `${PACKAGE_ARTIFACTS_DIR}/apps/${copy}`;
  await rm(appDir, { recursive: true, force: true });
  await cp(`${fixturesDir}${app}`, appDir, { recursive: true });
  await cp(`${fixturesDir}shared/testApi.js`, `${appDir}/testApi.js`);
  await mkdir(`${appDir}/node_modules`, { recursive: true });
  await cp(PACKAGE_DIR, `${appDir}/node_modules/volume-cache`, { recursive: true });
  return appDir;
}
