// Adds the `.js` extension to the relative imports in emitted declarations:
// `node build/types/addDeclarationExtensions.mjs dist` after
// `tsc -p tsconfig.build.json`.
//
// Why: the sources import extensionless (`from './client/createVolumeCache'`),
// which Vite and `moduleResolution: bundler` accept, and tsc copies those
// specifiers into dist/**/*.d.ts verbatim. Under node16/nodenext an ESM
// relative import needs its extension, so every re-export from
// dist/index.d.ts fails to resolve, and with `skipLibCheck` (every app
// template's default) the consumer silently gets `any`.
//
// Why not the compiler: tsc has no option that adds an extension.
// `rewriteRelativeImportExtensions` only maps `.ts` to `.js`, needs `.ts`
// written in every source import, and even then leaves `.ts` in the .d.ts
// output (microsoft/TypeScript#61037, tsc 7.0.2 too). The native fix is `.js`
// (or `.ts`) in the ~210 source imports; once they have it, delete this step.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The three places tsc writes a module specifier in a declaration:
// `from '…'` (import, export … from), `import('…')` (types it inferred) and
// a side-effect `import '…'`. Only relative ones; tsc always quotes them.
const RELATIVE_SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.\.?(?:\/[^'"]*)?)\2/g;
const HAS_EXTENSION = /\.(?:[cm]?js|json|[cm]?ts)$/;

/**
 * Rewrites the extensionless relative specifiers in one declaration's text.
 * Pure: `resolve(specifier)` returns what to write instead (the caller knows
 * the files); specifiers that already end in an extension are left alone.
 */
export function addExtensions(text, resolve) {
  return text.replace(RELATIVE_SPECIFIER, (whole, keyword, quote, specifier) =>
    HAS_EXTENSION.test(specifier) ? whole : `${keyword}${quote}${resolve(specifier)}${quote}`);
}

/**
 * The specifier node16 accepts for an extensionless import from `fromFile`:
 * `./x.js` when `x.d.ts` was emitted, `./x/index.js` for a folder. Throws
 * otherwise: shipping a declaration that cannot resolve is the bug this
 * step exists to prevent.
 */
export function resolveDeclarationSpecifier(fromFile, specifier) {
  const target = join(dirname(fromFile), specifier);
  if (specifier !== '.' && specifier !== '..' && existsSync(`${target}.d.ts`)) return `${specifier}.js`;
  if (existsSync(join(target, 'index.d.ts'))) return `${specifier}/index.js`;
  throw new Error(`${fromFile}: no declaration for '${specifier}' (looked for ${target}.d.ts and ${join(target, 'index.d.ts')})`);
}

/** Rewrites every .d.ts under `outDir` in place; returns how many files changed. */
export function addDeclarationExtensions(outDir) {
  let changed = 0;
  for (const name of readdirSync(outDir, { recursive: true })) {
    if (!name.endsWith('.d.ts')) continue;
    const file = join(outDir, name);
    const before = readFileSync(file, 'utf8');
    const after = addExtensions(before, (specifier) => resolveDeclarationSpecifier(file, specifier));
    if (after === before) continue;
    writeFileSync(file, after);
    changed += 1;
  }
  return changed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  if (!outDir) throw new Error('usage: node build/types/addDeclarationExtensions.mjs <declaration dir>');
  const changed = addDeclarationExtensions(outDir);
  process.stdout.write(`declarations: added .js to relative imports in ${changed} files under ${outDir}\n`);
}
