import { gunzipSync } from 'node:zlib';
import type { NiftiHeaderFields } from '../../../../src/nifti/NiftiHeaderFields';
import { readNiftiHeader } from '../../../../src/nifti/readNiftiHeader';
import { readSharedFile } from '../../support/sharedData';

/** A shared file's bytes as the header readers see them: gunzipped when it is a .nii.gz. */
export async function decodedFile(relativePath: string, compressed: boolean): Promise<Uint8Array> {
  const raw = await readSharedFile(relativePath);
  return compressed ? new Uint8Array(gunzipSync(raw)) : raw;
}

/** readNiftiHeader for bytes a test knows hold a readable header. */
export function fieldsOf(bytes: Uint8Array): NiftiHeaderFields {
  const fields = readNiftiHeader(bytes);
  if (typeof fields === 'string') throw new Error(`expected a readable header, got ${fields}`);
  return fields;
}

/** Overwrites a NIfTI-1 header's float32 field (vox_offset is at 108) in the header's byte order. */
export function setFloat32(bytes: Uint8Array, offset: number, value: number, littleEndian = true): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setFloat32(offset, value, littleEndian);
  return bytes;
}

/** Overwrites a NIfTI-1 header's int16 field (dim[] is int16[8] at 40, bitpix at 72). */
export function setInt16(bytes: Uint8Array, offset: number, value: number, littleEndian = true): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setInt16(offset, value, littleEndian);
  return bytes;
}

/** Overwrites a NIfTI-2 header's int64 field (dim[] is int64[8] at 16, vox_offset at 168). */
export function setInt64(bytes: Uint8Array, offset: number, value: bigint, littleEndian = true): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setBigInt64(offset, value, littleEndian);
  return bytes;
}
