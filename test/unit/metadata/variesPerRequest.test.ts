import { describe, expect, it } from 'vitest';
import { variesPerRequest } from '../../../src/metadata/variesPerRequest';

describe('variesPerRequest', () => {
  it.each([
    [null, false],
    ['', false],
    ['Accept-Encoding', false],
    ['origin, ACCEPT-ENCODING', false],
    ['User-Agent', false],
    ['Origin, Access-Control-Request-Method, Access-Control-Request-Headers', false],
    // What another caller may send differently: their bytes could differ.
    ['*', true],
    ['X-Tenant', true],
    ['Accept-Encoding, Authorization', true],
    ['Cookie', true],
    ['Accept', true],
    [' , x-user ,', true],
  ] as const)('Vary: %j varies per request: %s', (vary, varies) => {
    expect(variesPerRequest(vary)).toBe(varies);
  });
});
