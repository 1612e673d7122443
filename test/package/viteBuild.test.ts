import { buildViteApp } from './support/buildViteApp.ts';
import { copyFixtureApp } from './support/copyFixtureApp.ts';
import { describePackagedApp } from './support/describePackagedApp.ts';
import { installServiceWorkerScript } from './support/installServiceWorkerScript.ts';
import { startFixtureServer } from './support/startFixtureServer.ts';

describePackagedApp(
  'a Vite 8 app, `vite build` output served as static files',
  async () => {
    const appDir = await copyFixtureApp('vite-app');
    installServiceWorkerScript(`${appDir}/node_modules/volume-cache`, `${appDir}/public`);
    const server = await startFixtureServer({ '/': await buildViteApp(appDir) });
    return { pageURL: `${server.origin}/`, origin: server.origin, close: server.close };
  },
  { serviceWorker: true },
);
