import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../src/ui/formatBytes';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    // From 1000 B on, the next unit: never four digits.
    [1000, '0.98 KiB'],
    [1024, '1 KiB'],
    [43_192, '42.2 KiB'],
    [346_451, '338 KiB'],
    [1_023_590, '0.98 MiB'],
    [4_056_970, '3.87 MiB'],
    [11.4 * 1024 ** 2, '11.4 MiB'],
    [256 * 1024 ** 2, '256 MiB'],
    [2 * 1024 ** 3, '2 GiB'],
    [4 * 1024 ** 3, '4 GiB'],
    [1.5 * 1024 ** 4, '1.5 TiB'],
    [2e15, '1819 TiB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('%d is shown as unknown', (bytes) => {
    expect(formatBytes(bytes)).toBe('–');
  });
});
