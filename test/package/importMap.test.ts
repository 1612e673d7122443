import { repoRoot } from '../support/repoPaths.ts';
import { copyFixtureApp } from './support/copyFixtureApp.ts';
import { describePackagedApp } from './support/describePackagedApp.ts';
import { startFixtureServer } from './support/startFixtureServer.ts';
import { writeImportMapPage } from './support/writeImportMapPage.ts';

// No bundler: the browser loads dist/ as shipped, from a sub-path, and its
// bare imports through the page's import map. Workers get no import map, so
// this also proves the worker scripts need none.
const urls = { packageURL: '/vendor/volume-cache/', nodeModulesURL: '/vendor/npm/' };

describePackagedApp('a plain page with an import map, dist/ served unbundled from a sub-path', async () => {
  const appDir = await copyFixtureApp('import-map-app');
  writeImportMapPage(appDir, urls);
  const server = await startFixtureServer({
    '/app/': appDir,
    [urls.packageURL]: `${appDir}/node_modules/volume-cache`,
    [urls.nodeModulesURL]: `${repoRoot}node_modules`,
  });
  return { pageURL: `${server.origin}/app/`, origin: server.origin, close: server.close };
});
