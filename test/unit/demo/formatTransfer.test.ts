import { describe, expect, it } from 'vitest';
import { formatSize, formatTransfer } from '../../../demo/formatTransfer';
import { formatBytes } from '../../../src/ui/formatBytes';

describe('formatSize (demo)', () => {
  const sizes: [number, string][] = [
    [0, '0 B'],
    [999, '999 B'],
    [1000, '0.98 KiB'],
    [346_451, '338 KiB'],
    [902_981, '882 KiB'],
    [1_023_590, '0.98 MiB'],
    [4_056_970, '3.87 MiB'],
    [11.4 * 1024 ** 2, '11.4 MiB'],
    [4 * 1024 ** 3, '4 GiB'],
  ];
  it.each(sizes)('%d bytes is %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  // The demo keeps its own copy (it uses the library only through its public API): it must read as the panel does.
  it.each(sizes)('%d bytes reads as in the cache panel', (bytes) => {
    expect(formatSize(bytes)).toBe(formatBytes(bytes));
  });
});

describe('formatTransfer (demo)', () => {
  it.each([
    [1_258_291, 4_056_970, 5000, '1.2 MiB of 3.87 MiB · 246 KiB/s · 12 s left'],
    [4_056_970, 4_056_970, 0, '3.87 MiB of 3.87 MiB'],
    [2 * 1024 ** 2, null, 1000, '2 MiB · 2 MiB/s'],
    [4_000_000, 4_056_970, 1000, '3.81 MiB of 3.87 MiB · 3.81 MiB/s · almost done'],
  ])('%d of %s bytes after %d ms is %s', (loaded, total, elapsedMs, text) => {
    expect(formatTransfer(loaded, total, elapsedMs)).toBe(text);
  });
});
