import { describe, expect, it } from 'vitest';
import { fromUnitAmount, SIZE_UNITS, TTL_UNITS, toUnitAmount } from '../../../src/ui/quantityUnits';

describe('toUnitAmount', () => {
  it.each([
    [2 * 1024 ** 3, SIZE_UNITS, 2, 'GiB'],
    [4 * 1024 ** 3, SIZE_UNITS, 4, 'GiB'],
    [512 * 1024 ** 2, SIZE_UNITS, 512, 'MiB'],
    [300_000, SIZE_UNITS, 0.286, 'MiB'],
    [7 * 86_400, TTL_UNITS, 7, 'd'],
    [7200, TTL_UNITS, 2, 'h'],
    [90, TTL_UNITS, 1.5, 'min'],
    [0, TTL_UNITS, 0, 'min'],
  ])('%d is %d %s', (value, units, amount, unit) => {
    expect(toUnitAmount(value, units)).toMatchObject({ amount, unit: { id: unit } });
  });
});

describe('fromUnitAmount', () => {
  it('multiplies by the unit and rounds to whole base units', () => {
    expect(fromUnitAmount('0.3', 'MiB', SIZE_UNITS)).toEqual({ ok: true, value: 314_573 });
    expect(fromUnitAmount('2', 'GiB', SIZE_UNITS)).toEqual({ ok: true, value: 2 * 1024 ** 3 });
    expect(fromUnitAmount(' 2 ', 'h', TTL_UNITS)).toEqual({ ok: true, value: 7200 });
    expect(fromUnitAmount('1.0000001', 'MiB', SIZE_UNITS)).toEqual({ ok: true, value: 1024 ** 2 });
  });

  it.each([
    ['', 'MiB', 'Enter a number.'],
    ['abc', 'MiB', '"abc" is not a number.'],
    // The decimal units the panel used to offer are gone.
    ['1', 'GB', 'Unknown unit GB.'],
    ['-1', 'd', 'Enter zero or more.'],
    ['1', 'parsec', 'Unknown unit parsec.'],
  ])('refuses %j %s', (text, unit, message) => {
    expect(fromUnitAmount(text, unit, unit === 'd' ? TTL_UNITS : SIZE_UNITS)).toEqual({ ok: false, message });
  });

  it('round-trips with toUnitAmount', () => {
    for (const value of [300_000, 2 * 1024 ** 3, 4_056_970]) {
      const { amount, unit } = toUnitAmount(value, SIZE_UNITS);
      const back = fromUnitAmount(String(amount), unit.id, SIZE_UNITS);
      expect(back.ok && Math.abs(back.value - value) <= unit.factor / 1000).toBe(true);
    }
  });
});
