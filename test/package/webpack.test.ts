import { buildWebpackApp } from './support/buildWebpackApp.ts';
import { copyFixtureApp } from './support/copyFixtureApp.ts';
import { describePackagedApp } from './support/describePackagedApp.ts';
import { startFixtureServer } from './support/startFixtureServer.ts';

// Served under a sub-path, as a viewer embedded in a larger site is: the
// emitted workers must be found relative to the bundle, not the origin root.
const SITE_PATH = '/apps/viewer/';

describePackagedApp(`a webpack 5 app, production build served from ${SITE_PATH}`, async () => {
  const appDir = await copyFixtureApp('webpack-app');
  await buildWebpackApp(appDir);
  const server = await startFixtureServer({ [SITE_PATH]: `${appDir}/public` });
  return { pageURL: `${server.origin}${SITE_PATH}`, origin: server.origin, close: server.close };
});
