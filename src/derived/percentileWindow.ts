export interface IntensityWindow {
  low: number;
  high: number;
}

export interface PercentileWindowOptions {
  /** @default 2 */
  lowPercentile?: number;
  /** @default 98 */
  highPercentile?: number;
  /**
   * Values beyond this count are sampled at an even stride before sorting, so
   * a huge slice costs no more than this many. @default 65536
   */
  maxSamples?: number;
}

/** Linear interpolation between closest ranks (numpy's default "linear" method). */
function percentile(sorted: Float64Array, p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (rank - below);
}

/**
 * A robust display window: the 2nd and 98th percentiles of the finite values,
 * so a few extreme voxels (artefacts, spikes) do not wash out the image. When
 * those percentiles coincide (a sparse mask, mostly one value) it widens to
 * the minimum and maximum so the rare values still show. Null when there is
 * no finite value. Pure and deterministic (sampling is by stride, not random).
 */
export function percentileWindow(values: ArrayLike<number>, options: PercentileWindowOptions = {}): IntensityWindow | null {
  const { lowPercentile = 2, highPercentile = 98, maxSamples = 65536 } = options;
  const step = Math.max(1, Math.floor(values.length / maxSamples));
  const sample = new Float64Array(Math.ceil(values.length / step));
  let count = 0;
  for (let i = 0; i < values.length; i += step) {
    const value = values[i]!;
    if (Number.isFinite(value)) sample[count++] = value;
  }
  if (count === 0) return null;
  const sorted = sample.subarray(0, count).sort();
  const low = percentile(sorted, lowPercentile);
  const high = percentile(sorted, highPercentile);
  if (high > low) return { low, high };
  return { low: sorted[0]!, high: sorted[count - 1]! };
}
