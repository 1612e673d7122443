import { IV_BYTES } from './chunkFormat';

/** Sealed with the partition's key when it is created, so opening it with another key is caught at once. */
export interface KeyCheck {
  iv: Uint8Array;
  data: ArrayBuffer;
}

const CHECK_TEXT = new TextEncoder().encode('volume-cache key check v1');

export async function createKeyCheck(key: CryptoKey): Promise<KeyCheck> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  return { iv, data: await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, CHECK_TEXT) };
}

export async function keyMatches(key: CryptoKey, check: KeyCheck): Promise<boolean> {
  try {
    const text = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: check.iv as Uint8Array<ArrayBuffer> }, key, check.data));
    return text.length === CHECK_TEXT.length && text.every((byte, i) => byte === CHECK_TEXT[i]);
  } catch {
    return false;
  }
}
