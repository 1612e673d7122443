import { VolumeCacheError } from '../errors';
import { chunkAdditionalData, IV_BYTES } from './chunkFormat';

/** IV ‖ AES-GCM(ciphertext ‖ tag) of one chunk. A fresh random IV per chunk: never reused under one key. */
export async function sealChunk(key: CryptoKey, fileId: Uint8Array, index: number, last: boolean, plaintext: Uint8Array): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: chunkAdditionalData(fileId, index, last) },
    key,
    plaintext as Uint8Array<ArrayBuffer>,
  );
  const sealed = new Uint8Array(IV_BYTES + ciphertext.byteLength);
  sealed.set(iv, 0);
  sealed.set(new Uint8Array(ciphertext), IV_BYTES);
  return sealed;
}

/** The plaintext of a sealed chunk; `corrupt` if it was altered, moved or cut. */
export async function openChunk(key: CryptoKey, fileId: Uint8Array, index: number, last: boolean, sealed: Uint8Array): Promise<Uint8Array> {
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.subarray(0, IV_BYTES) as Uint8Array<ArrayBuffer>, additionalData: chunkAdditionalData(fileId, index, last) },
      key,
      sealed.subarray(IV_BYTES) as Uint8Array<ArrayBuffer>,
    );
    return new Uint8Array(plaintext);
  } catch (error) {
    throw new VolumeCacheError('corrupt', `Encrypted chunk ${index} failed its authentication check: the stored file was altered or truncated.`, { cause: error });
  }
}
