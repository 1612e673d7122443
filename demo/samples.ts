/** The sample volumes the demo server has at /data/nifti/<file> (from ../shared/data; see public/DATA-NOTICE.txt). */
export const SAMPLE_VOLUMES: readonly { file: string; about: string }[] = [
  { file: 'spm152.nii.gz', about: 'T1 template, 207×256×215 uint8' },
  { file: 'MNI152_2009_template.nii.gz', about: 'MNI152 2009, 193×229×193 int16' },
  { file: 'avg152T1_LR_nifti.nii', about: 'avg152T1, big-endian uint8' },
  { file: 'avg152T1_LR_nifti2.nii.gz', about: 'avg152T1 as NIfTI-2 float32' },
  { file: 'example4d.nii.gz', about: '4D, 128×96×24×2 int16' },
  { file: 'big.nii.gz', about: 'EPI map, big-endian float32' },
  { file: 'functional.nii', about: '4D fMRI, 17×21×3×20 int16' },
  { file: 'example_nifti2.nii.gz', about: 'NIfTI-2 4D int16' },
];

export function sampleUrl(file: string): string {
  return `/data/nifti/${file}`;
}
