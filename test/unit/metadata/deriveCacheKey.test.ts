import { describe, it, expect, vi } from 'vitest';
import { deriveCacheKey } from '../../../src/metadata/deriveCacheKey';
import { VolumeCacheError } from '../../../src/errors';

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('deriveCacheKey', () => {
  it.each<[string, string, string]>([
    ['drops the fragment', 'https://data.example/v/brain.nii.gz#slice=3', 'https://data.example/v/brain.nii.gz'],
    ['drops an empty fragment', 'https://data.example/v/brain.nii.gz#', 'https://data.example/v/brain.nii.gz'],
    ['keeps the query', 'https://data.example/v/brain.nii.gz?version=2&sig=abc', 'https://data.example/v/brain.nii.gz?version=2&sig=abc'],
    ['keeps the query and drops the fragment', 'https://data.example/brain.nii?x=1#frag', 'https://data.example/brain.nii?x=1'],
    ['keeps a URL without fragment unchanged', 'http://localhost:8080/a.nii', 'http://localhost:8080/a.nii'],
    ['uses the normalised href', 'HTTPS://Data.Example:443/a/../b.nii', 'https://data.example/b.nii'],
  ])('%s', (_name, input, expected) => {
    expect(deriveCacheKey(new URL(input))).toBe(expected);
  });

  it('does not modify the URL it is given', () => {
    const url = new URL('https://data.example/a.nii?x=1#frag');
    deriveCacheKey(url);
    expect(url.href).toBe('https://data.example/a.nii?x=1#frag');
  });

  it('uses a custom cacheKey, passing it the full URL', () => {
    const cacheKey = vi.fn((url: URL) => `${url.origin}${url.pathname}`);
    const key = deriveCacheKey(new URL('https://cdn.example/a.nii.gz?token=secret#x'), cacheKey);
    expect(key).toBe('https://cdn.example/a.nii.gz');
    expect(cacheKey).toHaveBeenCalledTimes(1);
    expect(cacheKey.mock.calls[0]![0].href).toBe('https://cdn.example/a.nii.gz?token=secret#x');
  });

  it('hands cacheKey a copy, so mutating it does not change the caller URL', () => {
    const url = new URL('https://cdn.example/a.nii?token=1');
    const key = deriveCacheKey(url, (copy) => {
      copy.search = '';
      return copy.href;
    });
    expect(key).toBe('https://cdn.example/a.nii');
    expect(url.href).toBe('https://cdn.example/a.nii?token=1');
  });

  it('returns a custom key verbatim, even if it is not a URL', () => {
    expect(deriveCacheKey(new URL('https://cdn.example/a.nii'), () => 'subject-7/t1')).toBe('subject-7/t1');
  });

  it.each<[string, unknown]>([
    ['an empty string', ''],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object', { key: 'x' }],
  ])('rejects a cacheKey that returns %s with invalid-argument', (_name, returned) => {
    const error = catchError(() => deriveCacheKey(new URL('https://cdn.example/a.nii#f'), () => returned as string));
    expect(error).toBeInstanceOf(VolumeCacheError);
    expect(error).toMatchObject({ code: 'invalid-argument', url: 'https://cdn.example/a.nii#f' });
  });

  it('lets an error thrown by cacheKey propagate unchanged', () => {
    const boom = new Error('boom');
    expect(catchError(() => deriveCacheKey(new URL('https://cdn.example/a.nii'), () => { throw boom; }))).toBe(boom);
  });
});
