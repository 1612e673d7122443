import { describe, expect, it } from 'vitest';
import { VolumeCacheError } from '../../../src/errors';
import { parseEncryptionOption } from '../../../src/shared/parseEncryptionOption';

const aesKey = (usages: KeyUsage[] = ['encrypt', 'decrypt']) => crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, usages) as Promise<CryptoKey>;

function refusal(option: unknown): VolumeCacheError {
  try {
    parseEncryptionOption(option);
  } catch (error) {
    expect(error).toBeInstanceOf(VolumeCacheError);
    expect((error as VolumeCacheError).code).toBe('invalid-argument');
    return error as VolumeCacheError;
  }
  throw new Error(`accepted ${String(option)}`);
}

describe('parseEncryptionOption', () => {
  it('returns the key of { key }, and undefined when there is no option', async () => {
    const key = await aesKey();
    expect(parseEncryptionOption({ key })).toBe(key);
    expect(parseEncryptionOption(undefined)).toBeUndefined();
  });

  it('refuses everything that would otherwise open a plaintext partition', async () => {
    expect(refusal({}).message).toMatch(/^encryption\.key must be .*got undefined \(is the key loaded yet\?\)/);
    expect(refusal({ key: undefined }).message).toMatch(/is the key loaded yet/);
    expect(refusal({ kye: await aesKey() }).message).toMatch(/"kye" is not an option/);
    expect(refusal({ key: await aesKey(), algorithm: 'AES' }).message).toMatch(/"algorithm" is not an option/);
    expect(refusal(null).message).toMatch(/^encryption must be \{ key: CryptoKey \}, got null/);
    expect(refusal(true).message).toMatch(/got boolean true/);
    expect(refusal([]).message).toMatch(/^encryption must be/);
    expect(refusal({ key: 'secret' }).message).toMatch(/got string secret/);
  });

  it('refuses a key of another algorithm or without both usages', async () => {
    expect(refusal({ key: await aesKey(['encrypt']) }).message).toMatch(/got a AES-GCM key for encrypt/);
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    expect(refusal({ key: hmac }).message).toMatch(/got a HMAC key/);
  });
});
