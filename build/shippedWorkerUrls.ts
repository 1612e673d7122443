import { dirname, posix, resolve } from 'node:path';
import MagicString from 'magic-string';
import type { Plugin } from 'vite';

/** The worker entries the package ships, by source file, with their file names in dist/. */
export const SHIPPED_WORKERS: Readonly<Record<string, string>> = {
  'src/worker/worker.ts': 'worker.js',
  'src/worker/sha256Worker.ts': 'sha256-worker.js',
};

const SOURCE_URL = /new\s+URL\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;
const PLACEHOLDER_PREFIX = '__volume_cache_worker__/';
const PLACEHOLDER_URL = /new\s+URL\(\s*(['"])__volume_cache_worker__\/([\w.-]+)\1\s*,\s*import\.meta(?:\.url|\[\s*['"]url['"]\s*\])\s*\)/g;

/**
 * Keeps `new Worker(new URL('./worker.js', import.meta.url), …)` literal and
 * relative in the shipped files, the one form that Vite and webpack follow
 * into an application's build and that still resolves when dist/ is served
 * as is (from node_modules, a CDN or an import map).
 *
 * Left alone, Vite's own worker plugin would bundle the worker into a hashed,
 * root-absolute `/assets/worker-<hash>.js` marked `@vite-ignore` (vitejs/vite
 * #15406): an application's bundler then never copies it, and the cache
 * silently runs on the page. So, before Vite's plugins see them, references to
 * the shipped workers are hidden behind a placeholder; after bundling they are
 * written back as a path relative to the chunk that holds them. The worker
 * files themselves are separate builds (see libraryBuilds.ts).
 */
export function shippedWorkerUrls(root: string): Plugin {
  const shippedByPath = new Map(Object.entries(SHIPPED_WORKERS).map(([source, file]) => [resolve(root, source), file]));
  return {
    name: 'volume-cache:shipped-worker-urls',
    enforce: 'pre',
    transform(code, id) {
      if (!id.startsWith(root) || !code.includes('import.meta.url')) return null;
      const edited = new MagicString(code);
      for (const match of code.matchAll(SOURCE_URL)) {
        const file = shippedByPath.get(resolve(dirname(id), match[2]!));
        if (!file) continue;
        // import.meta["url"]: neither Vite's worker nor its asset plugin matches this spelling.
        edited.overwrite(match.index, match.index + match[0].length, `new URL(${JSON.stringify(PLACEHOLDER_PREFIX + file)}, import.meta["url"])`);
      }
      return edited.hasChanged() ? { code: edited.toString(), map: edited.generateMap({ hires: true, source: id }) } : null;
    },
    renderChunk(code, chunk) {
      if (!code.includes(PLACEHOLDER_PREFIX)) return null;
      const fromChunk = posix.dirname(chunk.fileName);
      const edited = new MagicString(code);
      for (const match of code.matchAll(PLACEHOLDER_URL)) {
        const path = posix.relative(fromChunk, match[2]!);
        const literal = JSON.stringify(path.startsWith('.') ? path : `./${path}`);
        edited.overwrite(match.index, match.index + match[0].length, `new URL(${literal}, import.meta.url)`);
      }
      const result = edited.toString();
      if (result.includes(PLACEHOLDER_PREFIX)) this.error(`a shipped worker URL in ${chunk.fileName} was reshaped by the bundler and could not be written back`);
      return { code: result, map: edited.generateMap({ hires: true }) };
    },
  };
}
