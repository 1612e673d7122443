import { describe, expect, it } from 'vitest';
import { VolumeCacheError } from '../../src/errors';

// Server-side rendering (Next.js, Nuxt, SvelteKit, Astro) imports the page's
// modules in Node: importing must work, and calls must say they need a browser.
// test/package checks the same of the built package.
describe('the entries in Node', () => {
  it('volume-cache imports, and createVolumeCache() rejects with unsupported', async () => {
    const lib = await import('../../src/index');
    const error = await lib.createVolumeCache().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VolumeCacheError);
    expect((error as VolumeCacheError).code).toBe('unsupported');
    expect((error as VolumeCacheError).message).toMatch(/needs a browser/);
  });

  it('registerVolumeCacheServiceWorker() rejects with unsupported', async () => {
    const lib = await import('../../src/index');
    const error = await lib.registerVolumeCacheServiceWorker().catch((caught: unknown) => caught);
    expect((error as VolumeCacheError).code).toBe('unsupported');
  });

  it("volume-cache/service-worker's node stand-in imports, and installing routes throws unsupported", async () => {
    const { installVolumeCacheRoutes } = await import('../../src/service-worker/index.node');
    expect(() => installVolumeCacheRoutes()).toThrow(expect.objectContaining({ code: 'unsupported' }));
  });
});
