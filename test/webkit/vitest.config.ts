import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const root = fileURLToPath(new URL('../../', import.meta.url));

// WebKitGTK through WebKitWebDriver under Xvfb (see docs/webkit.md): a smoke
// set of the engine, encryption and the service worker, as the GTK port
// ships (network-only) and with its storage features on.
export default defineProject({
  test: {
    name: 'webkit',
    root,
    include: ['test/webkit/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/webkit/support/globalSetup.ts'],
    // Two cores: one WebKit at a time (it is several processes: UI, web, network).
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
