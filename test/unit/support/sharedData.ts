import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared/data beside the repository root (test/unit/support → ../../../../shared/data). */
export const sharedDataDir = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));

export interface ManifestFile {
  file: string;
  bytes: number;
  sha256: string;
  niftiVersion: 1 | 2;
  dims: number[];
  datatype: string;
  datatypeCode: number;
  bitPix: number;
  compressed: boolean;
  decompressedBytes: number;
  littleEndian: boolean;
  pixDims: number[];
  voxOffset: number;
  voxelBytes: number;
}

export interface ManifestBadFile {
  file: string;
  bytes: number;
  sha256: string;
  compressed: boolean | null;
}

export interface Manifest {
  files: ManifestFile[];
  bad: ManifestBadFile[];
}

/** Read synchronously so `describe.each` / `it.each` can be built from it at collection time. */
export const manifest: Manifest = JSON.parse(readFileSync(`${sharedDataDir}manifest.json`, 'utf8')) as Manifest;

export async function readSharedFile(relativePath: string): Promise<Uint8Array> {
  const buffer = await readFile(`${sharedDataDir}${relativePath}`);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
