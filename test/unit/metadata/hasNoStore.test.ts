import { describe, expect, it } from 'vitest';
import { hasNoStore } from '../../../src/metadata/hasNoStore';

describe('hasNoStore', () => {
  it.each([
    ['no-store', true],
    ['No-Store', true],
    ['private, no-store', true],
    ['no-store ,max-age=0', true],
    ['max-age=60', false],
    ['no-cache', false],
    ['', false],
    // Part of another token is not the directive.
    ['x-no-store', false],
    ['no-store-please', false],
  ] as const)('%j → %s', (cacheControl, expected) => {
    expect(hasNoStore(cacheControl)).toBe(expected);
  });
});
