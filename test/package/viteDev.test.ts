import { copyFixtureApp } from './support/copyFixtureApp.ts';
import { describePackagedApp } from './support/describePackagedApp.ts';
import { startViteDevApp } from './support/startViteDevApp.ts';

describePackagedApp('a Vite 8 app on the `vite` dev server', async () => startViteDevApp(await copyFixtureApp('vite-app', 'vite-dev')));
