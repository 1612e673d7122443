import { describe, it, expect } from 'vitest';
import { countStoredBytes } from '../../../src/metadata/countStoredBytes';

describe('countStoredBytes', () => {
  it('is 0 for no entries', () => {
    expect(countStoredBytes([])).toBe(0);
  });

  it('sums entries with distinct files', () => {
    expect(countStoredBytes([{ sha256: 'a', bytes: 10 }, { sha256: 'b', bytes: 32 }, { sha256: 'c', bytes: 0 }])).toBe(42);
  });

  it('counts a file shared by several entries once', () => {
    expect(countStoredBytes([{ sha256: 'a', bytes: 100 }, { sha256: 'b', bytes: 7 }, { sha256: 'a', bytes: 100 }, { sha256: 'a', bytes: 100 }])).toBe(107);
  });

  it('handles sizes beyond 32 bits', () => {
    expect(countStoredBytes([{ sha256: 'a', bytes: 3 * 2 ** 32 }, { sha256: 'b', bytes: 2 ** 32 }])).toBe(2 ** 34);
  });
});
