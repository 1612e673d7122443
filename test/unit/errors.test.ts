import { describe, it, expect } from 'vitest';
import { ERROR_CODES, VolumeCacheError, isErrorCode, isVolumeCacheError, type VolumeCacheErrorCode } from '../../src/errors';

describe('ERROR_CODES', () => {
  it('lists every code once', () => {
    expect([...ERROR_CODES].sort()).toEqual(
      ['aborted', 'closed', 'corrupt', 'http-status', 'integrity', 'invalid-argument', 'key-mismatch', 'network', 'not-nifti', 'quota', 'unsupported'],
    );
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});

describe('VolumeCacheError', () => {
  it('carries code, detail, url and status', () => {
    const error = new VolumeCacheError('http-status', 'The server answered 404.', { url: 'https://data.example/a.nii', status: 404 });
    expect(error).toBeInstanceOf(VolumeCacheError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('VolumeCacheError');
    expect(error.code).toBe('http-status');
    expect(error.detail).toBe('The server answered 404.');
    expect(error.url).toBe('https://data.example/a.nii');
    expect(error.status).toBe(404);
    expect(typeof error.stack).toBe('string');
  });

  it('builds the message from the detail followed by the advice for the code', () => {
    const error = new VolumeCacheError('quota', 'No room for 2 GB.');
    expect(error.message.startsWith('No room for 2 GB. ')).toBe(true);
    expect(error.message.length).toBeGreaterThan('No room for 2 GB. '.length);
    expect(String(error)).toBe(`VolumeCacheError: ${error.message}`);
  });

  it('gives every code its own non-empty advice', () => {
    const advice = ERROR_CODES.map((code) => new VolumeCacheError(code, 'X.').message.slice('X. '.length));
    for (const text of advice) expect(text.trim().length).toBeGreaterThan(10);
    expect(new Set(advice).size).toBe(ERROR_CODES.length);
  });

  it('leaves url, status and cause absent when not given', () => {
    const error = new VolumeCacheError('network', 'offline');
    // url/status are declared class fields, so they exist as own properties holding undefined.
    expect('cause' in error).toBe(false);
    expect(error.url).toBeUndefined();
    expect(error.status).toBeUndefined();
  });

  it('keeps the cause', () => {
    const cause = new TypeError('Failed to fetch');
    const error = new VolumeCacheError('network', 'The connection dropped.', { cause });
    expect(error.cause).toBe(cause);
  });

  it('keeps a falsy status of 0', () => {
    expect(new VolumeCacheError('http-status', 'opaque', { status: 0 }).status).toBe(0);
  });
});

describe('isVolumeCacheError', () => {
  const error = new VolumeCacheError('corrupt', 'bad crc');

  it('recognises a VolumeCacheError, with or without a code', () => {
    expect(isVolumeCacheError(error)).toBe(true);
    expect(isVolumeCacheError(error, 'corrupt')).toBe(true);
    expect(isVolumeCacheError(error, 'not-nifti')).toBe(false);
  });

  it.each<[string, unknown]>([
    ['a plain Error', new Error('corrupt')],
    ['a look-alike object', { name: 'VolumeCacheError', code: 'corrupt', detail: 'x', message: 'x' }],
    ['an Error with a code property', Object.assign(new Error('x'), { code: 'corrupt' })],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'corrupt'],
  ])('rejects %s', (_name, value) => {
    expect(isVolumeCacheError(value)).toBe(false);
    expect(isVolumeCacheError(value, 'corrupt')).toBe(false);
  });
});

describe('isErrorCode', () => {
  it.each(ERROR_CODES.map((code) => [code]))('accepts %s', (code) => {
    expect(isErrorCode(code)).toBe(true);
  });

  it.each<[unknown]>([['Corrupt'], ['timeout'], [''], [undefined], [null], [3], [['corrupt']]])('rejects %j', (value) => {
    expect(isErrorCode(value)).toBe(false);
  });

  it('narrows to VolumeCacheErrorCode usable by the constructor', () => {
    const raw: unknown = 'aborted';
    if (!isErrorCode(raw)) throw new Error('expected a code');
    const code: VolumeCacheErrorCode = raw;
    expect(new VolumeCacheError(code, 'x').code).toBe('aborted');
  });
});
