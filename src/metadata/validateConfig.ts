import { VolumeCacheError } from '../errors';
import { LIMITS } from '../defaults';
import type { CacheConfig } from '../types';

/** Rejects sizes and TTLs that are negative, not finite, or absurd (a unit mistake). */
export function validateMaxBytes(value: unknown, name = 'maxBytes'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > LIMITS.maxBytes) {
    throw new VolumeCacheError('invalid-argument', `${name} must be a number of bytes from 0 to 2^53-1, got ${String(value)}.`);
  }
  return Math.floor(value);
}

export function validateTtlSeconds(value: unknown, name = 'ttlSeconds'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > LIMITS.ttlSeconds) {
    throw new VolumeCacheError('invalid-argument', `${name} must be a number of seconds from 0 to ${LIMITS.ttlSeconds} (100 years), got ${String(value)}.`);
  }
  return value;
}

export function validateConfigPatch(patch: Partial<CacheConfig>): Partial<CacheConfig> {
  const valid: Partial<CacheConfig> = {};
  if (patch.maxBytes !== undefined) valid.maxBytes = validateMaxBytes(patch.maxBytes);
  if (patch.defaultTtlSeconds !== undefined) valid.defaultTtlSeconds = validateTtlSeconds(patch.defaultTtlSeconds, 'defaultTtlSeconds');
  return valid;
}
