import { describe, expect, it } from 'vitest';
import { serviceWorkerConfigFrom } from '../../../src/client/serviceWorkerConfigFrom';
import { isVolumeCacheError } from '../../../src/errors';
import { createVolumeMatcher } from '../../../src/service-worker/matchesVolumeRequest';
import { decodeServiceWorkerConfig, encodeServiceWorkerConfig } from '../../../src/shared/serviceWorkerConfig';
import type { RegisterServiceWorkerOptions } from '../../../src/types';

const origin = 'https://viewer.example.org';

/** The matcher the prebuilt service worker builds from a page's options, after the trip through the script URL. */
function matcherFor(options: RegisterServiceWorkerOptions): (url: string) => boolean {
  const config = decodeServiceWorkerConfig(encodeServiceWorkerConfig(serviceWorkerConfigFrom(options)));
  const matches = createVolumeMatcher(config, origin);
  return (url) => matches(new URL(url, origin));
}

describe('which requests the service worker takes as volumes', () => {
  it('by default: .nii and .nii.gz of its own origin, whatever their case', () => {
    const matches = matcherFor({});
    expect(matches('/data/brain.nii')).toBe(true);
    expect(matches('/data/BRAIN.NII.GZ')).toBe(true);
    expect(matches('/data/brain.nii?token=1')).toBe(true);
    expect(matches('/data/brain.img')).toBe(false);
    expect(matches('https://elsewhere.example.org/brain.nii')).toBe(false);
  });

  it('keeps a RegExp pattern’s flags through the script URL', () => {
    const matches = matcherFor({ match: { patterns: [/\/series\/\d+\/VOLUME$/i] } });
    expect(matches('/series/12/volume')).toBe(true);
    expect(matches('/series/12/VOLUME')).toBe(true);
    expect(matches('/series/x/volume')).toBe(false);
  });

  it("drops 'g' and 'y', which would make a pattern match only every other time", () => {
    const matches = matcherFor({ match: { patterns: [/\/scan$/gy] } });
    expect([1, 2, 3].map(() => matches('/scan'))).toEqual([true, true, true]);
    expect(serviceWorkerConfigFrom({ match: { patterns: [/a/giy, 'b', /c/] } }).patternFlags).toEqual(['i', '', '']);
  });

  it('tests patterns against the whole URL, and string patterns stay case-sensitive', () => {
    const matches = matcherFor({ match: { patterns: ['^https://viewer\\.example\\.org/dicom-volume/'] } });
    expect(matches('/dicom-volume/1')).toBe(true);
    expect(matches('/DICOM-volume/1')).toBe(false);
  });

  it('narrows to path prefixes and widens to listed origins', () => {
    const matches = matcherFor({ match: { pathPrefixes: ['/data/'], origins: ['https://cdn.example.org'] } });
    expect(matches('/data/a.nii')).toBe(true);
    expect(matches('/other/a.nii')).toBe(false);
    expect(matches('https://cdn.example.org/data/a.nii')).toBe(true);
  });

  it('refuses an invalid pattern or flag with invalid-argument', () => {
    const config = serviceWorkerConfigFrom({ match: { patterns: ['('] } });
    expect(() => decodeServiceWorkerConfig(encodeServiceWorkerConfig(config))).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    const badFlag = encodeServiceWorkerConfig({ ...config, patterns: ['a'], patternFlags: ['x'] });
    let caught: unknown = null;
    try {
      decodeServiceWorkerConfig(badFlag);
    } catch (error) {
      caught = error;
    }
    expect(isVolumeCacheError(caught, 'invalid-argument')).toBe(true);
  });
});
