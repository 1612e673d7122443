import { VolumeCacheError } from '../../errors';
import { ByteReader } from './ByteReader';
import { FORMAT_VERSION } from './format';
import { ValueDecoder } from './ValueDecoder';

/** The value serializeStructured() wrote; `corrupt` for bytes it did not write. */
export function deserializeStructured(bytes: Uint8Array): unknown {
  try {
    const reader = new ByteReader(bytes);
    if (reader.byte() !== FORMAT_VERSION) throw new Error('unknown format version');
    const blobs: Uint8Array[] = [];
    for (let count = reader.uint(); count > 0; count--) blobs.push(reader.bytes());
    const value = new ValueDecoder(reader, blobs).value(0);
    if (!reader.done()) throw new Error('bytes left over');
    return value;
  } catch (error) {
    // A fault the decoder named (a view type this browser lacks) keeps its code; anything else means the bytes are not ours.
    if (error instanceof VolumeCacheError) throw error;
    throw new VolumeCacheError('corrupt', 'A sealed derived value could not be decoded.', { cause: error });
  }
}
