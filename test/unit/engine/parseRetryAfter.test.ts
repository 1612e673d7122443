import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/engine/parseRetryAfter';

const NOW = Date.UTC(2025, 5, 15, 12, 0, 0); // Sun, 15 Jun 2025 12:00:00 GMT

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['120', 120],
    [' 30 ', 30],
    ['007', 7],
    ['86400', 86_400],
  ])('delta-seconds %j -> %d', (value, seconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(seconds);
  });

  it.each([
    ['IMF-fixdate', 'Sun, 15 Jun 2025 12:02:00 GMT', 120],
    ['IMF-fixdate, weekday not checked', 'Mon, 15 Jun 2025 12:00:05 GMT', 5],
    ['RFC 850', 'Sunday, 15-Jun-25 12:00:30 GMT', 30],
    ['asctime, two-digit day', 'Sun Jun 15 12:01:00 2025', 60],
    ['asctime, a day later', 'Mon Jun 16 12:00:00 2025', 86_400],
    ['a fraction of a second rounds up', 'Sun, 15 Jun 2025 12:00:01 GMT', 1],
    ['a date in the past is now', 'Sun, 06 Nov 1994 08:49:37 GMT', 0],
    ['this very second', 'Sun, 15 Jun 2025 12:00:00 GMT', 0],
    ['leap second', 'Sun, 15 Jun 2025 12:00:60 GMT', 60],
  ])('HTTP-date (%s) %j -> %d s', (_, value, seconds) => {
    expect(parseRetryAfter(value, NOW)).toBe(seconds);
  });

  it('reads an asctime date with a space-padded day as UTC', () => {
    const now = Date.UTC(2025, 10, 5, 23, 59, 0);
    expect(parseRetryAfter('Wed Nov  5 23:59:30 2025', now)).toBe(30);
  });

  it('puts a two-digit RFC 850 year within 50 years of now', () => {
    // In 2025, "74" is 2074 (49 years ahead), "76" is 1976 (51 would be too far).
    expect(parseRetryAfter('Sunday, 01-Jan-74 00:00:00 GMT', NOW)).toBe((Date.UTC(2074, 0, 1) - NOW) / 1000);
    expect(parseRetryAfter('Thursday, 01-Jan-76 00:00:00 GMT', NOW)).toBe(0);
  });

  it.each([
    ['absent', null],
    ['empty', ''],
    ['negative', '-5'],
    ['fraction', '1.5'],
    ['unit', '10s'],
    ['hex', '0x10'],
    ['beyond safe integers', '9'.repeat(20)],
    ['lower-case month', 'Sun, 15 jun 2025 12:02:00 GMT'],
    ['not GMT', 'Sun, 15 Jun 2025 12:02:00 UTC'],
    ['ISO 8601', '2025-06-15T12:02:00Z'],
    ['no such day', 'Mon, 31 Feb 2025 12:00:00 GMT'],
    ['hour 24', 'Sun, 15 Jun 2025 24:00:00 GMT'],
    ['minute 60', 'Sun, 15 Jun 2025 12:60:00 GMT'],
    ['day 0', 'Sun, 00 Jun 2025 12:00:00 GMT'],
    ['single-digit day in IMF-fixdate', 'Sun, 5 Jun 2025 12:00:00 GMT'],
    ['text', 'soon'],
  ])('%s -> null', (_, value) => {
    expect(parseRetryAfter(value, NOW)).toBeNull();
  });
});
