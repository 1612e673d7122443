/** One 2D slice ready to draw: row 0 is the bottom of the picture (superior/anterior up). */
export interface Slice {
  label: 'Axial' | 'Coronal' | 'Sagittal';
  width: number;
  height: number;
  values: Float32Array;
  /** Physical size of one pixel, [across, up], in the file's units: for the aspect ratio. */
  pixelSize: [number, number];
}

export interface VolumeGrid {
  /** Voxels along i, j, k (a 4D file's first volume is used). */
  size: [number, number, number];
  /** Voxel size along i, j, k. */
  spacing: [number, number, number];
  read(index: number): number;
}

/**
 * The three orthogonal slices through the middle of the voxel grid (axial at
 * k = nz/2, coronal at j = ny/2, sagittal at i = nx/2), in voxel order: the
 * affine is ignored, which is fine for a preview of typical RAS/LAS files.
 */
export function middleSlices({ size: [nx, ny, nz], spacing: [dx, dy, dz], read }: VolumeGrid): Slice[] {
  const k = Math.floor(nz / 2);
  const j = Math.floor(ny / 2);
  const i = Math.floor(nx / 2);
  const take = (label: Slice['label'], width: number, height: number, pixelSize: [number, number], at: (u: number, v: number) => number): Slice => {
    const values = new Float32Array(width * height);
    for (let v = 0; v < height; v++) for (let u = 0; u < width; u++) values[v * width + u] = at(u, v);
    return { label, width, height, values, pixelSize };
  };
  return [
    take('Axial', nx, ny, [dx, dy], (x, y) => read(x + nx * (y + ny * k))),
    take('Coronal', nx, nz, [dx, dz], (x, z) => read(x + nx * (j + ny * z))),
    take('Sagittal', ny, nz, [dy, dz], (y, z) => read(i + nx * (y + ny * z))),
  ];
}
