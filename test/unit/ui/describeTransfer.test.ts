import { describe, expect, it } from 'vitest';
import { describeTransfer, formatEta, formatRate } from '../../../src/ui/describeTransfer';

describe('describeTransfer', () => {
  it('gives fraction, rate and time left', () => {
    expect(describeTransfer(1_000_000, 4_000_000, 500)).toEqual({ fraction: 0.25, bytesPerSecond: 2_000_000, etaSeconds: 1.5 });
  });

  it('knows no fraction or time left without a total', () => {
    expect(describeTransfer(1_000_000, null, 1000)).toEqual({ fraction: null, bytesPerSecond: 1_000_000, etaSeconds: null });
  });

  it('knows no rate before time has passed or bytes arrived', () => {
    expect(describeTransfer(0, 100, 1000)).toMatchObject({ fraction: 0, bytesPerSecond: null, etaSeconds: null });
    expect(describeTransfer(50, 100, 0)).toMatchObject({ fraction: 0.5, bytesPerSecond: null });
  });

  it('never goes past 1 or below 0 s left when the server sends more than it said', () => {
    expect(describeTransfer(150, 100, 1000)).toMatchObject({ fraction: 1, etaSeconds: 0 });
  });
});

describe('formatRate / formatEta', () => {
  it.each([
    [null, '– MiB/s'],
    [250_000, '244 KiB/s'],
    [2 * 1024 ** 2, '2 MiB/s'],
    [12_345_678, '11.8 MiB/s'],
    [123_000_000, '117 MiB/s'],
  ])('rate %s is %s', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });

  it.each([
    [null, ''],
    [0.4, 'almost done'],
    [12.1, '13 s left'],
    [61, '2 min left'],
  ])('eta %s is %s', (eta, text) => {
    expect(formatEta(eta)).toBe(text);
  });
});
