import type { IntensityWindow } from './percentileWindow';

/**
 * Maps values to opaque grey RGBA pixels (ImageData layout): `low` and below
 * black, `high` and above white, linear between. Non-finite values are black.
 * A zero-width window (a constant image) makes values above it white and the
 * rest black. Pure.
 */
export function windowToGrayscale(values: ArrayLike<number>, window: IntensityWindow | null): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(values.length * 4);
  const low = window?.low ?? 0;
  const width = window ? window.high - window.low : 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    let grey = 0;
    // Divide first: (v - low) * (255 / width) lands just below .5 where the exact value is on it.
    if (Number.isFinite(value)) grey = width > 0 ? ((value - low) / width) * 255 : value > low ? 255 : 0;
    // Uint8ClampedArray clamps to 0..255 and rounds.
    pixels[i * 4] = grey;
    pixels[i * 4 + 1] = grey;
    pixels[i * 4 + 2] = grey;
    pixels[i * 4 + 3] = 255;
  }
  return pixels;
}
