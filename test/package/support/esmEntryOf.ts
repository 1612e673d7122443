import { readFileSync } from 'node:fs';

type Exports = string | null | Exports[] | { [key: string]: Exports };

/** The conditions a browser's ES module loader stands for, as bundlers match them. */
const BROWSER_ESM_CONDITIONS = new Set(['browser', 'import', 'module', 'default']);

/**
 * The file (relative to the package directory, without "./") a bundler would
 * load for `import 'pkg'` in a browser: the root "exports" entry for the
 * browser/import conditions, else "module", else "main".
 */
export function esmEntryOf(packageDir: string): string {
  const manifest = JSON.parse(readFileSync(`${packageDir}/package.json`, 'utf8')) as { exports?: Exports; module?: string; main?: string };
  const { exports } = manifest;
  const root = exports && typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports).some((key) => key.startsWith('.')) ? exports['.'] : exports;
  const entry = (root === undefined ? undefined : pick(root)) ?? manifest.module ?? manifest.main ?? 'index.js';
  return entry.replace(/^\.\//, '');
}

/** Node's rule: the first key, in the object's order, that is a matching condition. */
function pick(target: Exports): string | undefined {
  if (typeof target === 'string') return target;
  if (target === null) return undefined;
  if (Array.isArray(target)) return target.map(pick).find((entry) => entry !== undefined);
  for (const [condition, value] of Object.entries(target)) {
    if (!BROWSER_ESM_CONDITIONS.has(condition)) continue;
    const entry = pick(value);
    if (entry !== undefined) return entry;
  }
  return undefined;
}
