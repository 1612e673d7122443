import { VolumeCacheError } from '../errors';
import { canonicalBytes } from './canonicalBytes';
import { toHex } from '../shared/toHex';

export interface MemoKeyOptions {
  /** Version of the computation: bump it when its output changes, so old results no longer match. */
  version: string | number;
  /** Top-level input names left out of the key (e.g. progress callbacks, signals, debug flags). */
  ignore?: readonly string[];
}

/** Keeps keys from other uses of the same hash apart. */
const DOMAIN = 'volume-cache/memoKey/1';

/**
 * A stable key for a derived result: the lower-case hex SHA-256 of the
 * canonical encoding (see canonicalBytes) of `key`, `version` and `inputs`
 * without the top-level names in `ignore`. Object key order does not matter;
 * array order, types and typed-array bytes do.
 *
 * Meant for parameters (window levels, sizes, flags), not volumes: typed
 * arrays are copied into the hashed buffer, so identify a volume by its
 * entry's sha256 instead of passing its voxels.
 *
 * Rejects with `invalid-argument` for values that have no stable encoding
 * (functions, symbols, undefined in arrays, class instances, cycles).
 */
export async function memoKey(key: string, inputs: Record<string, unknown>, options: MemoKeyOptions): Promise<string> {
  if (typeof key !== 'string') throw new VolumeCacheError('invalid-argument', 'memoKey: key must be a string.');
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) {
    throw new VolumeCacheError('invalid-argument', 'memoKey: inputs must be a plain object of named inputs.');
  }
  const { version, ignore = [] } = options;
  if (!((typeof version === 'string') || (typeof version === 'number' && Number.isFinite(version)))) {
    throw new VolumeCacheError('invalid-argument', 'memoKey: version must be a string or a finite number.');
  }
  const ignored = new Set(ignore);
  const kept: Record<string, unknown> = {};
  for (const name of Object.keys(inputs)) if (!ignored.has(name)) kept[name] = inputs[name];
  // Each encoding is self-delimiting, so the concatenation is unambiguous;
  // encoding the inputs on their own names them `inputs.<name>` in errors.
  const head = canonicalBytes([DOMAIN, key, version], 'memoKey');
  const body = canonicalBytes(kept, 'inputs');
  const bytes = new Uint8Array(head.byteLength + body.byteLength);
  bytes.set(head, 0);
  bytes.set(body, head.byteLength);
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return toHex(new Uint8Array(digest));
}
