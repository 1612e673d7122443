import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { PACKAGE_DIR } from './packTarball.mjs';
import { bareImportsOf, packageNameOf } from './support/bareImportsOf.ts';

// The fixture apps resolve the package's imports from the repository's
// node_modules, where devDependencies sit too; a real install from the
// registry brings only what the package declares. This is that check.
it('imports, from every dist/**/*.js, only packages its package.json declares as dependencies', () => {
  const manifest = JSON.parse(readFileSync(`${PACKAGE_DIR}/package.json`, 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  const files = readdirSync(`${PACKAGE_DIR}/dist`, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
  expect(files, 'JavaScript files in the packed dist/').not.toEqual([]);

  const undeclared: Record<string, string[]> = {};
  for (const file of files) {
    const missing = bareImportsOf(readFileSync(`${PACKAGE_DIR}/dist/${file}`, 'utf8')).filter((specifier) => !declared.has(packageNameOf(specifier)));
    if (missing.length > 0) undeclared[`dist/${file}`] = missing;
  }
  expect(undeclared, `bare imports of packages not in dependencies or peerDependencies (declared: ${[...declared].join(', ')})`).toEqual({});
});
