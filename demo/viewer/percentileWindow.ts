/** The intensity range mapped to black..white. */
export interface IntensityWindow {
  min: number;
  max: number;
}

/** Values sampled at most: enough for stable percentiles, cheap to sort. */
const MAX_SAMPLES = 262_144;

/**
 * A robust display window: the `low` and `high` quantiles of the finite
 * values (2nd and 98th percentile by default), so a few hot voxels or a sea
 * of background zeros do not wash the image out. Pure. A constant image gets
 * a window one unit wide so it still draws (as black) instead of dividing by zero.
 */
export function percentileWindow(values: ArrayLike<number>, low = 0.02, high = 0.98): IntensityWindow {
  const stride = Math.max(1, Math.ceil(values.length / MAX_SAMPLES));
  const finite: number[] = [];
  for (let index = 0; index < values.length; index += stride) {
    const value = values[index]!;
    if (Number.isFinite(value)) finite.push(value);
  }
  if (finite.length === 0) return { min: 0, max: 1 };
  const sorted = Float64Array.from(finite).sort();
  const at = (fraction: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(fraction * (sorted.length - 1))))]!;
  let min = at(low);
  let max = at(high);
  if (max <= min) {
    // Mostly one value (e.g. background): fall back to the full range, then to a unit window.
    min = sorted[0]!;
    max = sorted[sorted.length - 1]!;
    if (max <= min) max = min + 1;
  }
  return { min, max };
}
