import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const root = fileURLToPath(new URL('../../', import.meta.url));

// The package as shipped: `npm pack` output built into fixture apps (Vite,
// webpack, an import map) and opened in headless Chromium.
export default defineProject({
  test: {
    name: 'package',
    root,
    include: ['test/package/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/package/globalSetup.ts'],
    // Two cores: one bundler or Chromium at a time.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
