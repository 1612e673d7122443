import { readFileSync, writeFileSync } from 'node:fs';
import { repoRoot } from '../../support/repoPaths.ts';
import { esmEntryOf } from './esmEntryOf.ts';

export interface ImportMapURLs {
  /** Where the page's server serves the package root (package.json, dist/), e.g. /vendor/volume-cache/ */
  packageURL: string;
  /** Where it serves the repository's node_modules, e.g. /vendor/npm/ */
  nodeModulesURL: string;
}

const PLACEHOLDER = /<!-- IMPORT_MAP:[^>]*-->/;

/**
 * Puts an import map in the app's index.html that maps `volume-cache` to
 * the package's ES entry and every package it depends on (transitively,
 * from the package.json files) to that package's browser ES entry in the
 * repository's node_modules, as an application without a bundler would.
 * Type-only packages (@types/*) are left out.
 */
export function writeImportMapPage(appDir: string, { packageURL, nodeModulesURL }: ImportMapURLs): void {
  const packageDir = `${appDir}/node_modules/volume-cache`;
  const imports: Record<string, string> = {
    'volume-cache': `${packageURL}${esmEntryOf(packageDir)}`,
    'volume-cache/': packageURL,
  };
  const pending = dependenciesOf(packageDir);
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    if (imports[name] || name.startsWith('@types/')) continue;
    const dir = `${repoRoot}node_modules/${name}`;
    imports[name] = `${nodeModulesURL}${name}/${esmEntryOf(dir)}`;
    imports[`${name}/`] = `${nodeModulesURL}${name}/`;
    pending.push(...dependenciesOf(dir));
  }
  const page = `${appDir}/index.html`;
  const html = readFileSync(page, 'utf8');
  if (!PLACEHOLDER.test(html)) throw new Error(`${page} has no <!-- IMPORT_MAP: --> placeholder`);
  const map = `<script type="importmap">\n${JSON.stringify({ imports }, null, 2)}\n    </script>`;
  writeFileSync(page, html.replace(PLACEHOLDER, map));
}

function dependenciesOf(packageDir: string): string[] {
  const { dependencies = {} } = JSON.parse(readFileSync(`${packageDir}/package.json`, 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(dependencies);
}
