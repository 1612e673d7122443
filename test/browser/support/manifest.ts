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
