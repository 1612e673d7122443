import { describe, expect, it } from 'vitest';
import { serviceWorkerConfigFrom } from '../../../src/client/serviceWorkerConfigFrom';
import { VolumeCacheError } from '../../../src/errors';
import { DEFAULT_SERVICE_WORKER_CONFIG, decodeServiceWorkerConfig, encodeServiceWorkerConfig } from '../../../src/shared/serviceWorkerConfig';

describe('the service worker config as it travels in the script URL', () => {
  it('carries every field through encode and decode', () => {
    const config = {
      ...DEFAULT_SERVICE_WORKER_CONFIG,
      name: 'ward-3',
      pathPrefixes: ['/studies/'],
      patterns: ['\\.mgz$'],
      patternFlags: ['i'],
      ignoreSearchParams: ['token'],
      cacheAuthorized: true,
      expect: 'any' as const,
      reuseOpenedFileMs: 0,
    };
    expect(decodeServiceWorkerConfig(encodeServiceWorkerConfig(config))).toEqual(config);
  });

  it('keeps the default reuse window when the query has none or a wrong one', () => {
    expect(decodeServiceWorkerConfig(new URLSearchParams('name=a')).reuseOpenedFileMs).toBe(2000);
    expect(decodeServiceWorkerConfig(new URLSearchParams('reuseOpenedFileMs=-5')).reuseOpenedFileMs).toBe(2000);
    expect(decodeServiceWorkerConfig(new URLSearchParams('reuseOpenedFileMs=soon')).reuseOpenedFileMs).toBe(2000);
    expect(decodeServiceWorkerConfig(new URLSearchParams('reuseOpenedFileMs=250')).reuseOpenedFileMs).toBe(250);
  });

  it('refuses a reuse window out of range when the page registers, naming the option', () => {
    for (const reuseOpenedFileMs of [-1, 60_001, Number.NaN, '100' as unknown as number]) {
      let thrown: unknown;
      try {
        serviceWorkerConfigFrom({ reuseOpenedFileMs });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(VolumeCacheError);
      expect(thrown).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/^reuseOpenedFileMs must be/) });
    }
    expect(serviceWorkerConfigFrom({ reuseOpenedFileMs: 0 }).reuseOpenedFileMs).toBe(0);
  });
});
