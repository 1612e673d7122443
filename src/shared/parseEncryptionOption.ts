import { VolumeCacheError } from '../errors';
import { isUsableKey } from './isUsableKey';

/**
 * The key of the `encryption` option, or undefined when the option is
 * absent. Anything else that is not `{ key: <AES-GCM CryptoKey> }` is refused:
 * `{}`, `{ key: undefined }` (a key not loaded yet), a misspelt property or a
 * key for the wrong algorithm would otherwise open a plaintext partition, and
 * write patient data to disk unencrypted where the application asked for
 * encryption.
 */
export function parseEncryptionOption(encryption: unknown): CryptoKey | undefined {
  if (encryption === undefined) return undefined;
  if (typeof encryption !== 'object' || encryption === null || Array.isArray(encryption)) {
    throw new VolumeCacheError('invalid-argument', `encryption must be { key: CryptoKey }, got ${describe(encryption)}.`);
  }
  const unknown = Object.keys(encryption).filter((name) => name !== 'key');
  if (unknown.length > 0) {
    throw new VolumeCacheError('invalid-argument', `encryption takes only { key }; ${unknown.map((name) => JSON.stringify(name)).join(', ')} is not an option.`);
  }
  const { key } = encryption as { key?: unknown };
  if (!isUsableKey(key)) {
    const got = key === undefined ? 'undefined (is the key loaded yet?)' : describe(key);
    throw new VolumeCacheError('invalid-argument', `encryption.key must be an AES-GCM CryptoKey usable to encrypt and decrypt, got ${got}.`);
  }
  return key;
}

function describe(value: unknown): string {
  if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) return `a ${value.algorithm.name} key for ${value.usages.join(', ') || 'nothing'}`;
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
