import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../src/ui/formatBytes';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.00 kB'],
    [43_192, '43.2 kB'],
    [346_451, '346 kB'],
    [999_950, '1.00 MB'],
    [4_056_970, '4.06 MB'],
    [2 * 1024 ** 3, '2.15 GB'],
    [1.5e12, '1.50 TB'],
    [2e15, '2000 TB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('%d is shown as unknown', (bytes) => {
    expect(formatBytes(bytes)).toBe('–');
  });
});
