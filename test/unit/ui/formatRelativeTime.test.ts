import { describe, expect, it } from 'vitest';
import { formatDuration, formatExpiry, formatRelativeTime } from '../../../src/ui/formatRelativeTime';

const NOW = 1_700_000_000_000;
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [44 * S, '44 s'],
    [90 * S, '2 min'],
    [59 * MIN, '59 min'],
    [H, '1 h'],
    [3 * H + 5 * MIN, '3 h 5 min'],
    [2 * H + 59.6 * MIN, '3 h'],
    [D, '1 day'],
    [7 * D - 1, '7 days'],
    [-5 * MIN, '5 min'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatRelativeTime', () => {
  it.each([
    [NOW, 'just now'],
    [NOW - 4 * S, 'just now'],
    [NOW - 5 * MIN, '5 min ago'],
    [NOW + 6 * D, 'in 6 days'],
  ])('%d is %s', (at, text) => {
    expect(formatRelativeTime(at, NOW)).toBe(text);
  });
});

describe('formatExpiry', () => {
  it('is "expired" at and after the expiry, like isExpired()', () => {
    expect(formatExpiry(NOW, NOW)).toBe('expired');
    expect(formatExpiry(NOW - D, NOW)).toBe('expired');
  });

  it('says when a fresh entry expires', () => {
    expect(formatExpiry(NOW + 7 * D, NOW)).toBe('in 7 days');
    expect(formatExpiry(NOW + 30 * S, NOW)).toBe('in 30 s');
  });
});
