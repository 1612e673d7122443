import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../../src/defaults';
import { VolumeCacheError } from '../../../src/errors';
import type { EngineInitOptions } from '../../../src/protocol';
import { parseEngineOptions } from '../../../src/engine/parseEngineOptions';

const base: EngineInitOptions = { name: 'default', verifyOnRead: false };

/** The invalid-argument error parseEngineOptions throws for `options`. */
function rejection(options: Record<string, unknown>): VolumeCacheError {
  try {
    parseEngineOptions({ ...base, ...options } as EngineInitOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(VolumeCacheError);
    expect((error as VolumeCacheError).code).toBe('invalid-argument');
    return error as VolumeCacheError;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
}

describe('parseEngineOptions', () => {
  it('fills in the defaults and leaves the stored configuration to fill maxBytes and the TTL', () => {
    const settings = parseEngineOptions(base);
    expect(settings).toEqual({
      partition: 'default',
      verifyOnRead: false,
      cacheAuthorized: false,
      stallTimeoutMs: DEFAULTS.stallTimeoutSeconds * 1000,
      fileLeaseMs: DEFAULTS.fileLeaseSeconds * 1000,
      reuseOpenedFileMs: DEFAULTS.reuseOpenedFileMs,
      encryptionKey: null,
      keepDecoded: true,
      thumbnails: true,
      memoryBytes: DEFAULTS.memoryBytes,
      hashWorkerUrl: null,
    });
    expect('maxBytes' in settings).toBe(false);
    expect('defaultTtlSeconds' in settings).toBe(false);
  });

  it('converts seconds to milliseconds and keeps what was given', async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const settings = parseEngineOptions({
      name: 'study-7',
      verifyOnRead: true,
      cacheAuthorized: true,
      stallTimeoutSeconds: 2.5,
      fileLeaseSeconds: 0,
      reuseOpenedFileMs: 0,
      encryptionKey: key,
      keepDecoded: 'pinned-only',
      thumbnails: false,
      memoryBytes: 1024,
      maxBytes: 10_000.7,
      defaultTtlSeconds: 60,
      hashWorkerUrl: 'https://cdn.example/volume-cache/sha256-worker.js',
    });
    expect(settings).toMatchObject({
      partition: 'study-7',
      verifyOnRead: true,
      cacheAuthorized: true,
      stallTimeoutMs: 2500,
      fileLeaseMs: 0,
      reuseOpenedFileMs: 0,
      encryptionKey: key,
      keepDecoded: 'pinned-only',
      thumbnails: false,
      memoryBytes: 1024,
      maxBytes: 10_000, // whole bytes, as configure() stores them
      defaultTtlSeconds: 60,
      hashWorkerUrl: 'https://cdn.example/volume-cache/sha256-worker.js',
    });
  });

  it.each([
    [{ name: '' }, /^name must be/],
    [{ name: '../other' }, /^name must be/],
    [{ name: 'x'.repeat(65) }, /^name must be/],
    [{ maxBytes: -1 }, /^maxBytes must be/],
    [{ defaultTtlSeconds: Number.NaN }, /^defaultTtlSeconds must be/],
    [{ stallTimeoutSeconds: 0 }, /^stallTimeoutSeconds must be .*, got 0\./],
    [{ stallTimeoutSeconds: 3601 }, /^stallTimeoutSeconds must be/],
    [{ stallTimeoutSeconds: '30' }, /^stallTimeoutSeconds must be/],
    [{ reuseOpenedFileMs: -1 }, /^reuseOpenedFileMs must be/],
    // Present but undefined: a key not loaded yet must not open a plaintext partition.
    [{ encryptionKey: undefined }, /^encryption\.key must be/],
    [{ reuseOpenedFileMs: 60_001 }, /^reuseOpenedFileMs must be/],
    [{ fileLeaseSeconds: -1 }, /^fileLeaseSeconds must be/],
    [{ fileLeaseSeconds: 86_401 }, /^fileLeaseSeconds must be/],
    [{ keepDecoded: 'always' }, /^keepDecoded must be true, false or "pinned-only", got "always"\./],
    [{ memoryBytes: Infinity }, /^memoryBytes must be/],
    // The page resolves relative URLs before sending: a worker would resolve them against its own script.
    [{ hashWorkerUrl: 'sha256-worker.js' }, /^hashWorkerUrl must be a URL string, got "sha256-worker\.js"\./],
    [{ hashWorkerUrl: 42 }, /^hashWorkerUrl must be a URL string/],
  ])('rejects %j with an error naming the option', (options, message) => {
    expect(rejection(options).message).toMatch(message);
  });

  it('rejects an encryption key that cannot both encrypt and decrypt with AES-GCM', async () => {
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const encryptOnly = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt']);
    for (const key of [hmac, encryptOnly, 'secret']) {
      expect(rejection({ encryptionKey: key }).message).toMatch(/^encryption\.key must be an AES-GCM CryptoKey/);
    }
  });
});
