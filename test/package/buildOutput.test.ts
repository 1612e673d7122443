import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { PACK_LOG_PATH } from './packTarball.mjs';

// A warning in the build is one every contributor learns to ignore, until the
// one that matters (the import.meta warning of a worker the service worker
// could never start was such a one).
it.runIf(existsSync(PACK_LOG_PATH) || !process.env.VOLUME_CACHE_TARBALL)('the build, run by npm pack, prints no warnings', () => {
  const log = readFileSync(PACK_LOG_PATH, 'utf8');
  expect(log, 'the pack printed the build').toMatch(/vite build/);
  const warnings = log.split('\n').filter((line) => /\bwarn(ing)?\b|\(!\)|\[[A-Z][A-Z_]+\]/i.test(line));
  expect(warnings).toEqual([]);
});
