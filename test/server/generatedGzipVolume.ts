import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ByteSource } from './byteSource.ts';
import { generatedVolumeBytes, generatedVolumeSource, type GeneratedVolumeSpec } from './generatedVolume.ts';

/**
 * /gen/<k>-<seed>.nii.gz: the generated volume gzipped with stored (level 0)
 * deflate blocks. Stored blocks make the compressed layout depend only on the
 * length, so every version of a volume has the same size and block boundaries:
 * a download spliced from two versions then inflates without error and only
 * the gzip CRC-32 can tell, which is the check the tests want to exercise.
 * Built in memory, so it is limited to small volumes.
 */
export const MAX_GZIP_SLICES = 256;

const built = new Map<string, Uint8Array>();
const KEEP_BUILT = 8;

export function isValidGzipVolumeSlices(slices: number): boolean {
  return slices <= MAX_GZIP_SLICES;
}

/** The bytes /gen/<slices>-<seed>.nii.gz?v=<version>&members=<members> serves: `members` gzip members, concatenated. */
export function generatedGzipVolumeBytes(spec: GeneratedVolumeSpec, members = 1): Uint8Array {
  const key = `${spec.slices}-${spec.seed}-${spec.version}-${members}`;
  let bytes = built.get(key);
  if (!bytes) {
    const plain = Buffer.alloc(generatedVolumeBytes(spec.slices));
    let offset = 0;
    for (const chunk of generatedVolumeSource(spec).chunks(0, plain.length - 1) as Iterable<Uint8Array>) {
      plain.set(chunk, offset);
      offset += chunk.byteLength;
    }
    const part = Math.ceil(plain.length / members);
    const parts: Uint8Array[] = [];
    for (let start = 0; start < plain.length || parts.length === 0; start += part) parts.push(gzipSync(plain.subarray(start, start + part), { level: 0 }));
    bytes = parts.length === 1 ? parts[0]! : new Uint8Array(Buffer.concat(parts));
    if (built.size >= KEEP_BUILT) built.delete(built.keys().next().value!);
    built.set(key, bytes);
  }
  return bytes;
}

export function generatedGzipVolumeSha256(spec: GeneratedVolumeSpec, members = 1): string {
  return createHash('sha256').update(generatedGzipVolumeBytes(spec, members)).digest('hex');
}

export function generatedGzipVolumeSource(spec: GeneratedVolumeSpec, members = 1): ByteSource {
  const plain = generatedVolumeSource(spec);
  const bytes = generatedGzipVolumeBytes(spec, members);
  return {
    size: bytes.byteLength,
    // Another representation than the .nii, so another ETag.
    etag: plain.etag.replace(/"$/, '.gz"'),
    lastModified: plain.lastModified,
    chunks: (start, endInclusive) => [bytes.subarray(start, endInclusive + 1)],
  };
}
