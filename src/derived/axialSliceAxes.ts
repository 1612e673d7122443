/** Which voxel axes an axial view shows, and in which direction, from the header's affine. */
export interface AxialSliceAxes {
  /** Voxel axis (0 = i, 1 = j, 2 = k) running left to right on screen: the one closest to world x. */
  columnAxis: 0 | 1 | 2;
  /** Voxel axis running down the screen: the one closest to world y. */
  rowAxis: 0 | 1 | 2;
  /** Voxel axis across slices: the one closest to world z (superior). */
  sliceAxis: 0 | 1 | 2;
  /** Whether screen left-to-right walks up the column axis (true when that axis points to world +x, the subject's right). */
  columnsAscending: boolean;
  /** Whether screen top-to-bottom walks up the row axis (true when that axis points to world -y, posterior): anterior is up. */
  rowsAscending: boolean;
}

/** Voxel grids without a usable affine are shown as if stored RAS: i to the right, j up, slices along k. */
const FALLBACK: AxialSliceAxes = { columnAxis: 0, rowAxis: 1, sliceAxis: 2, columnsAscending: true, rowsAscending: false };

/**
 * Picks the axial view of a volume in the NIfTI world (RAS+) convention,
 * whatever order the voxels were stored in: each voxel axis is matched with
 * the world axis its affine column points along most, and the view is laid
 * out like a neurological-convention viewer (subject's right on the right,
 * anterior up). Sagittal or coronal acquisitions and LPS-stored volumes thus
 * still give an axial, upright thumbnail. Pure.
 */
export function axialSliceAxes(affine: readonly (readonly number[])[]): AxialSliceAxes {
  const worldOf = (axis: number): number => {
    let best = -1;
    let bestMagnitude = 0;
    for (let world = 0; world < 3; world++) {
      const magnitude = Math.abs(affine[world]?.[axis] ?? Number.NaN);
      if (!Number.isFinite(magnitude)) return -1;
      if (magnitude > bestMagnitude) {
        best = world;
        bestMagnitude = magnitude;
      }
    }
    return best;
  };
  const voxelAxisFor: number[] = [-1, -1, -1];
  for (let axis = 0; axis < 3; axis++) {
    const world = worldOf(axis);
    // An axis with no direction, or two voxel axes along one world axis: no usable orientation.
    if (world < 0 || voxelAxisFor[world] !== -1) return FALLBACK;
    voxelAxisFor[world] = axis;
  }
  const [columnAxis, rowAxis, sliceAxis] = voxelAxisFor as [0 | 1 | 2, 0 | 1 | 2, 0 | 1 | 2];
  return {
    columnAxis,
    rowAxis,
    sliceAxis,
    columnsAscending: affine[0]![columnAxis]! > 0,
    rowsAscending: affine[1]![rowAxis]! < 0,
  };
}
