import { VolumeCacheError } from '../errors';
import { IV_BYTES } from './chunkFormat';
import { deserializeStructured } from './structured/deserializeStructured';
import { serializeStructured } from './structured/serializeStructured';

/** A derived result's inline value (a memo value, a decoded header) as an encrypted partition keeps it in its row. */
export interface SealedValue {
  iv: Uint8Array;
  data: ArrayBuffer;
  /**
   * 'structured-1': serializeStructured() bytes, sealed with the row's id as
   * additional data. Absent: JSON text without additional data, as releases
   * before it sealed values; still read.
   */
  encoding?: 'structured-1';
}

const STRUCTURED = 'structured-1';

/** The additional data binding a sealed value to its row: moved to another row, it fails authentication. */
function rowBinding(id: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`volume-cache:derived:${id}`);
}

/**
 * Seals a value so that it reads back as structured clone would have kept
 * it (see serializeStructured): a plain partition keeps the same value by
 * structured clone, so both kinds of partition give back the same thing.
 */
export async function sealDerivedValue(key: CryptoKey, id: string, value: unknown): Promise<SealedValue> {
  const plaintext = await serializeStructured(value);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: rowBinding(id) }, key, plaintext);
  return { iv, data, encoding: STRUCTURED };
}

/** The value sealed for row `id`; `corrupt` when it fails authentication (altered, or moved from another row). */
export async function openDerivedValue(key: CryptoKey, id: string, sealed: SealedValue): Promise<unknown> {
  const structured = sealed.encoding === STRUCTURED;
  let plaintext: ArrayBuffer;
  try {
    const iv = sealed.iv as Uint8Array<ArrayBuffer>;
    plaintext = await crypto.subtle.decrypt(structured ? { name: 'AES-GCM', iv, additionalData: rowBinding(id) } : { name: 'AES-GCM', iv }, key, sealed.data);
  } catch (error) {
    throw new VolumeCacheError('corrupt', 'A sealed derived result failed its authentication check.', { cause: error });
  }
  if (structured) return deserializeStructured(new Uint8Array(plaintext));
  try {
    return JSON.parse(new TextDecoder().decode(plaintext));
  } catch (error) {
    throw new VolumeCacheError('corrupt', 'A sealed derived result is not the JSON it should be.', { cause: error });
  }
}
