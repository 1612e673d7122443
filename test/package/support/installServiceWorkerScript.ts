import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Installs the prebuilt service worker into an app's public directory the
 * way the README tells users to: `volume-cache init <dir>`, the command the
 * installed package declares in its package.json "bin". Checks that it
 * copied dist/volume-cache-sw.js there unchanged.
 */
export function installServiceWorkerScript(packageDir: string, publicDir: string): void {
  const { bin } = JSON.parse(readFileSync(`${packageDir}/package.json`, 'utf8')) as { bin?: string | Record<string, string> };
  const command = typeof bin === 'string' ? bin : bin?.['volume-cache'];
  if (!command) throw new Error(`the package declares no volume-cache command in package.json "bin" (found ${JSON.stringify(bin)})`);
  const script = join(packageDir, command);
  if (!existsSync(script)) throw new Error(`package.json "bin" names ${command}, which the tarball does not contain`);

  // From the app's directory, as `npx volume-cache init public` runs.
  const result = spawnSync(process.execPath, [script, 'init', publicDir], { cwd: join(packageDir, '../..'), encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`\`volume-cache init ${publicDir}\` failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`);
  }
  const installed = `${publicDir}/volume-cache-sw.js`;
  if (!existsSync(installed) || !readFileSync(installed).equals(readFileSync(`${packageDir}/dist/volume-cache-sw.js`))) {
    throw new Error(`\`volume-cache init ${publicDir}\` did not copy dist/volume-cache-sw.js there unchanged:\n${result.stdout}\n${result.stderr}`);
  }
}
