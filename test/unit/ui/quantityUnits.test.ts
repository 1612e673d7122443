import { describe, expect, it } from 'vitest';
import { fromUnitAmount, SIZE_UNITS, TTL_UNITS, toUnitAmount } from '../../../src/ui/quantityUnits';

describe('toUnitAmount', () => {
  it.each([
    [2 * 1024 ** 3, SIZE_UNITS, 2.147, 'GB'],
    [500_000_000, SIZE_UNITS, 500, 'MB'],
    [300_000, SIZE_UNITS, 0.3, 'MB'],
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
    expect(fromUnitAmount('0.3', 'MB', SIZE_UNITS)).toEqual({ ok: true, value: 300_000 });
    expect(fromUnitAmount(' 2 ', 'h', TTL_UNITS)).toEqual({ ok: true, value: 7200 });
    expect(fromUnitAmount('1.0000001', 'MB', SIZE_UNITS)).toEqual({ ok: true, value: 1_000_000 });
  });

  it.each([
    ['', 'MB', 'Enter a number.'],
    ['abc', 'MB', '"abc" is not a number.'],
    ['-1', 'd', 'Enter zero or more.'],
    ['1', 'parsec', 'Unknown unit parsec.'],
  ])('refuses %j %s', (text, unit, message) => {
    expect(fromUnitAmount(text, unit, unit === 'd' ? TTL_UNITS : SIZE_UNITS)).toEqual({ ok: false, message });
  });

  it('round-trips with toUnitAmount', () => {
    for (const value of [300_000, 2_000_000_000, 4_056_970]) {
      const { amount, unit } = toUnitAmount(value, SIZE_UNITS);
      const back = fromUnitAmount(String(amount), unit.id, SIZE_UNITS);
      expect(back.ok && Math.abs(back.value - value) <= unit.factor / 1000).toBe(true);
    }
  });
});
