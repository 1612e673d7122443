import { describe, it, expect } from 'vitest';
import { resolveVolumeUrl } from '../../../src/metadata/resolveVolumeUrl';
import { VolumeCacheError } from '../../../src/errors';

const BASE = 'https://viewer.example/app/index.html?tab=2#top';

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('resolveVolumeUrl', () => {
  it.each<[string, string | URL, string | undefined, string]>([
    ['an absolute https URL', 'https://data.example/a.nii.gz', undefined, 'https://data.example/a.nii.gz'],
    ['an absolute http URL', 'http://127.0.0.1:5173/a.nii', undefined, 'http://127.0.0.1:5173/a.nii'],
    ['a URL object', new URL('https://data.example/a.nii?x=1#f'), undefined, 'https://data.example/a.nii?x=1#f'],
    ['a path relative to the base document', 'volumes/a.nii', BASE, 'https://viewer.example/app/volumes/a.nii'],
    ['a parent-relative path', '../a.nii', BASE, 'https://viewer.example/a.nii'],
    ['a root-relative path', '/data/a.nii', BASE, 'https://viewer.example/data/a.nii'],
    ['a protocol-relative URL', '//cdn.example/a.nii', BASE, 'https://cdn.example/a.nii'],
    ['a query-only reference', '?v=3', BASE, 'https://viewer.example/app/index.html?v=3'],
    ['an absolute URL ignoring the base', 'http://other.example/a.nii', BASE, 'http://other.example/a.nii'],
    ['upper-case scheme and host', 'HTTPS://DATA.Example/A.nii', undefined, 'https://data.example/A.nii'],
  ])('resolves %s', (_name, input, base, expected) => {
    const resolved = resolveVolumeUrl(input, base);
    expect(resolved).toBeInstanceOf(URL);
    expect(resolved.href).toBe(expected);
  });

  it('keeps the fragment (dropping it is deriveCacheKey’s job)', () => {
    expect(resolveVolumeUrl('a.nii#frag', BASE).hash).toBe('#frag');
  });

  it.each<[string, string]>([
    ['ftp:', 'ftp://files.example/a.nii'],
    ['data:', 'data:application/octet-stream;base64,AAAA'],
    ['blob:', 'blob:https://viewer.example/0b5c2a43-2f1a-4a5e-9d1c-3a8e3f7e8f00'],
    ['javascript:', 'javascript:alert(1)'],
    ['file:', 'file:///home/user/a.nii'],
    ['ws:', 'wss://viewer.example/socket'],
  ])('rejects the %s scheme with invalid-argument and names the URL', (_scheme, input) => {
    const error = catchError(() => resolveVolumeUrl(input, BASE));
    expect(error).toBeInstanceOf(VolumeCacheError);
    expect(error).toMatchObject({ code: 'invalid-argument', url: new URL(input).href });
  });

  it.each<[string, string, string | undefined]>([
    ['a relative path with no base', 'volumes/a.nii', undefined],
    ['an empty string with no base', '', undefined],
    ['a scheme with no host', 'http://', undefined],
    ['a host with a space', 'https://exa mple.com/a.nii', undefined],
    ['an unclosed IPv6 literal', 'http://[::1/a.nii', undefined],
    ['a bad port', 'https://data.example:99999/a.nii', undefined],
    ['a relative path against a malformed base', 'a.nii', 'not a url'],
  ])('rejects %s with invalid-argument', (_name, input, base) => {
    const error = catchError(() => resolveVolumeUrl(input, base));
    expect(error).toBeInstanceOf(VolumeCacheError);
    expect(error).toMatchObject({ code: 'invalid-argument' });
  });
});
