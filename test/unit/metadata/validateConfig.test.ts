import { describe, it, expect } from 'vitest';
import { validateConfigPatch, validateMaxBytes, validateTtlSeconds } from '../../../src/metadata/validateConfig';
import { VolumeCacheError } from '../../../src/errors';
import { LIMITS } from '../../../src/defaults';

function expectInvalid(run: () => unknown): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(VolumeCacheError);
  expect(thrown).toMatchObject({ code: 'invalid-argument' });
}

const NOT_NUMBERS: [string, unknown][] = [
  ['a numeric string', '1024'],
  ['an empty string', ''],
  ['null', null],
  ['undefined', undefined],
  ['a boolean', true],
  ['a bigint', 1024n],
  ['an object', { valueOf: () => 1024 }],
  ['a boxed number', Object(1024)],
];

describe('validateMaxBytes', () => {
  it.each<[string, number, number]>([
    ['zero', 0, 0],
    ['an integer', 2 * 1024 ** 3, 2 * 1024 ** 3],
    ['a fraction, floored', 1023.9, 1023],
    ['a tiny fraction, floored to zero', 0.5, 0],
    ['the largest safe integer', LIMITS.maxBytes, LIMITS.maxBytes],
  ])('accepts %s', (_name, value, expected) => {
    expect(validateMaxBytes(value)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['a negative number', -1],
    ['a small negative fraction', -0.001],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['2^53 (beyond safe integers)', 2 ** 53],
    ['an absurd 1e300', 1e300],
    ['Number.MAX_VALUE', Number.MAX_VALUE],
    ...NOT_NUMBERS,
  ])('rejects %s with invalid-argument', (_name, value) => {
    expectInvalid(() => validateMaxBytes(value));
  });
});

describe('validateTtlSeconds', () => {
  it.each<[string, number]>([
    ['zero', 0],
    ['a week', 7 * 24 * 60 * 60],
    ['a fraction, unchanged', 1.5],
    ['exactly 100 years', LIMITS.ttlSeconds],
  ])('accepts %s', (_name, value) => {
    expect(validateTtlSeconds(value)).toBe(value);
  });

  it.each<[string, unknown]>([
    ['a negative number', -60],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['just over 100 years', LIMITS.ttlSeconds + 1],
    ['milliseconds mistaken for seconds (a year in ms)', 365 * 24 * 60 * 60 * 1000 * 10],
    ...NOT_NUMBERS,
  ])('rejects %s with invalid-argument', (_name, value) => {
    expectInvalid(() => validateTtlSeconds(value));
  });
});

describe('validateConfigPatch', () => {
  it('returns an empty patch for an empty one', () => {
    expect(validateConfigPatch({})).toEqual({});
  });

  it('floors maxBytes and keeps defaultTtlSeconds', () => {
    expect(validateConfigPatch({ maxBytes: 1000.99, defaultTtlSeconds: 90.5 })).toEqual({ maxBytes: 1000, defaultTtlSeconds: 90.5 });
  });

  it('passes through only the fields given', () => {
    expect(validateConfigPatch({ maxBytes: 10 })).toEqual({ maxBytes: 10 });
    expect(validateConfigPatch({ defaultTtlSeconds: 0 })).toEqual({ defaultTtlSeconds: 0 });
  });

  it('drops unknown fields', () => {
    const patch = { maxBytes: 5, name: 'other' } as unknown as Parameters<typeof validateConfigPatch>[0];
    expect(validateConfigPatch(patch)).toEqual({ maxBytes: 5 });
  });

  it.each<[string, Record<string, unknown>]>([
    ['a negative maxBytes', { maxBytes: -1 }],
    ['a string maxBytes', { maxBytes: '2GB' }],
    ['a NaN defaultTtlSeconds', { defaultTtlSeconds: NaN }],
    ['an Infinity defaultTtlSeconds beside a good maxBytes', { maxBytes: 1, defaultTtlSeconds: Infinity }],
    ['a null maxBytes', { maxBytes: null }],
  ])('rejects %s', (_name, patch) => {
    expectInvalid(() => validateConfigPatch(patch as Parameters<typeof validateConfigPatch>[0]));
  });
});
