import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../../support/repoPaths';

export interface ManifestFile {
  file: string;
  bytes: number;
  sha256: string;
  niftiVersion: 1 | 2;
  dims: number[];
  datatype: string;
  datatypeCode: number;
  compressed: boolean;
}

interface Manifest {
  files: ManifestFile[];
  bad: { file: string; bytes: number; sha256: string }[];
}

/** Facts about the shared sample data (sizes, hashes, dims), from ../shared/data/manifest.json. */
export const manifest: Manifest = JSON.parse(readFileSync(join(sharedDataDir, 'manifest.json'), 'utf8')) as Manifest;

export function sample(name: string): ManifestFile {
  const found = manifest.files.find((file) => file.file === `nifti/${name}`);
  if (!found) throw new Error(`no sample ${name} in manifest.json`);
  return found;
}

/** The error code each broken file in ../shared/data/bad must get, whichever path reads it. */
export const BAD_FILE_CODES: Readonly<Record<string, 'corrupt' | 'not-nifti'>> = {
  'truncated_gzip.nii.gz': 'corrupt',
  'bad_crc.nii.gz': 'corrupt',
  'gzip_not_nifti.nii.gz': 'not-nifti',
  'truncated_voxels.nii': 'corrupt',
  'wrong_magic.nii': 'not-nifti',
  'bad_sizeof_hdr.nii': 'not-nifti',
  'short_header.nii': 'not-nifti',
  'empty.nii': 'not-nifti',
};
