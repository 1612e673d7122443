import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { expect, it } from 'vitest';
import { PACKAGE_ARTIFACTS_DIR, PACKAGE_DIR } from './packTarball.mjs';

// Server-side rendering (Next.js, Nuxt, SvelteKit, Astro) imports the page's
// modules in Node, with Node's own resolver and the "node" condition.
it('imports in Node from the packed package: createVolumeCache() and installVolumeCacheRoutes() say unsupported', () => {
  const app = `${PACKAGE_ARTIFACTS_DIR}/node-app`;
  rmSync(app, { recursive: true, force: true });
  mkdirSync(`${app}/node_modules`, { recursive: true });
  // A link: Node resolves the package's own dependencies from its real path, the repository's node_modules.
  symlinkSync(PACKAGE_DIR, `${app}/node_modules/volume-cache`, 'dir');
  const script = `
    const page = await import('volume-cache');
    const sw = await import('volume-cache/service-worker');
    const cache = await page.createVolumeCache().then(() => 'resolved', (error) => error.code);
    let routes = 'returned';
    try { sw.installVolumeCacheRoutes(); } catch (error) { routes = error.code; }
    console.log(JSON.stringify({ exports: Object.keys(page).length, cache, routes }));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const outcome = JSON.parse(result.stdout) as { exports: number; cache: string; routes: string };
  expect(outcome.exports).toBeGreaterThan(10);
  expect(outcome).toMatchObject({ cache: 'unsupported', routes: 'unsupported' });
});
