/** A unit a number input can be expressed in, and how many base units (bytes, seconds) one of it is. */
export interface QuantityUnit {
  id: string;
  label: string;
  factor: number;
}

/** Binary, like the API's sizes and formatBytes: the 2 GiB default reads "2 GiB", not "2.147 GB". */
export const SIZE_UNITS: readonly QuantityUnit[] = [
  { id: 'MiB', label: 'MiB', factor: 1024 ** 2 },
  { id: 'GiB', label: 'GiB', factor: 1024 ** 3 },
];

export const TTL_UNITS: readonly QuantityUnit[] = [
  { id: 'min', label: 'minutes', factor: 60 },
  { id: 'h', label: 'hours', factor: 3600 },
  { id: 'd', label: 'days', factor: 86_400 },
];

/**
 * Splits a base quantity into the largest unit in which it is at least 1,
 * rounded to 3 decimals, for a form field: 7 days of seconds → 7 "d";
 * 512 MiB → 512 "MiB" (0.5 GiB would read worse). Units must be in ascending order.
 */
export function toUnitAmount(value: number, units: readonly QuantityUnit[]): { amount: number; unit: QuantityUnit } {
  let chosen = units[0]!;
  for (const unit of units) if (value >= unit.factor) chosen = unit;
  return { amount: Math.round((value / chosen.factor) * 1000) / 1000, unit: chosen };
}

/**
 * The base quantity for what a user typed in a number field, or an error
 * message that says what is wrong (empty, not a number, negative).
 */
export function fromUnitAmount(text: string, unitId: string, units: readonly QuantityUnit[]): { ok: true; value: number } | { ok: false; message: string } {
  const unit = units.find((candidate) => candidate.id === unitId);
  if (!unit) return { ok: false, message: `Unknown unit ${unitId}.` };
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Enter a number.' };
  const amount = Number(trimmed);
  if (!Number.isFinite(amount)) return { ok: false, message: `"${trimmed}" is not a number.` };
  if (amount < 0) return { ok: false, message: 'Enter zero or more.' };
  return { ok: true, value: Math.round(amount * unit.factor) };
}
