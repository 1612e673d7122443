import { describe, it, expect } from 'vitest';
import { parseIntegrity } from '../../../src/metadata/parseIntegrity';
import { VolumeCacheError } from '../../../src/errors';

// sha256(""), sha256("abc"), and other digests of "" for the non-sha256 algorithms.
const EMPTY_B64 = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
const EMPTY_HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ABC_B64 = 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=';
const ABC_HEX = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const SHA384_B64 = 'OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb';
const SHA512_B64 = 'z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==';

describe('parseIntegrity', () => {
  describe('accepts', () => {
    it.each<[string, string, string]>([
      ['a single sha256 token', `sha256-${EMPTY_B64}`, EMPTY_HEX],
      ['another digest (with + and /)', `sha256-${ABC_B64}`, ABC_HEX],
      ['surrounding whitespace', `  \n sha256-${EMPTY_B64}\t `, EMPTY_HEX],
      ['unpadded base64', `sha256-${EMPTY_B64.replace(/=+$/, '')}`, EMPTY_HEX],
      ['an options suffix', `sha256-${EMPTY_B64}?foo`, EMPTY_HEX],
      ['an empty options suffix', `sha256-${EMPTY_B64}?`, EMPTY_HEX],
      ['an options suffix with odd characters', `sha256-${ABC_B64}?ct=application/octet-stream&x=1`, ABC_HEX],
      ['sha384 then sha256 (sha384 ignored)', `sha384-${SHA384_B64} sha256-${ABC_B64}`, ABC_HEX],
      ['sha256 then sha512 (sha512 ignored)', `sha256-${ABC_B64} sha512-${SHA512_B64}`, ABC_HEX],
      ['the same sha256 twice', `sha256-${ABC_B64} sha256-${ABC_B64}`, ABC_HEX],
      ['tokens separated by mixed whitespace', `sha512-${SHA512_B64}\n\t sha256-${EMPTY_B64}`, EMPTY_HEX],
    ])('%s', (_name, integrity, expectedHex) => {
      const hex = parseIntegrity(integrity);
      expect(hex).toBe(expectedHex);
      expect(hex).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('rejects with invalid-argument', () => {
    it.each<[string, unknown]>([
      ['an empty string', ''],
      ['whitespace only', ' \t\n '],
      ['undefined', undefined],
      ['null', null],
      ['a number', 256],
      ['an object', { sha256: EMPTY_B64 }],
      ['an array', [`sha256-${EMPTY_B64}`]],
      ['sha384 only', `sha384-${SHA384_B64}`],
      ['sha512 only', `sha512-${SHA512_B64}`],
      ['sha384 and sha512 but no sha256', `sha384-${SHA384_B64} sha512-${SHA512_B64}`],
      ['two different sha256 digests', `sha256-${EMPTY_B64} sha256-${ABC_B64}`],
      ['bad base64 (length 1 mod 4)', 'sha256-A'],
      ['bad base64 (length 1 mod 4, longer)', `sha256-${EMPTY_B64.slice(0, 41)}`],
      ['bad base64 (padding in the middle)', 'sha256-ab=c'],
      ['bad base64 (too much padding)', `sha256-${EMPTY_B64}=`],
      ['characters outside base64', 'sha256-!!!!'],
      ['base64url alphabet', `sha256-${ABC_B64.replace('+', '-').replace('/', '_')}`],
      ['a digest too short for sha256', 'sha256-AAAA'],
      ['a sha384-length digest labelled sha256', `sha256-${SHA384_B64}`],
      ['a sha256 digest with one byte missing', `sha256-${Buffer.from(EMPTY_HEX, 'hex').subarray(0, 31).toString('base64')}`],
      ['a sha256 digest with one byte extra', `sha256-${Buffer.concat([Buffer.from(EMPTY_HEX, 'hex'), Buffer.from([0])]).toString('base64')}`],
      ['a missing digest', 'sha256-'],
      ['an unknown algorithm', `md5-${EMPTY_B64}`],
      ['an upper-case algorithm name', `SHA256-${EMPTY_B64}`],
      ['a hex digest instead of base64', `sha256-${EMPTY_HEX}`],
      ['no algorithm prefix', EMPTY_B64],
      ['a valid token beside a malformed one', `sha256-${EMPTY_B64} garbage`],
    ])('%s', (_name, integrity) => {
      let thrown: unknown;
      try {
        parseIntegrity(integrity as string);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(VolumeCacheError);
      expect(thrown).toMatchObject({ code: 'invalid-argument' });
    });
  });
});
