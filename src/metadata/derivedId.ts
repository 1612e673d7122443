import { VolumeCacheError } from '../errors';
import type { DerivedRecord } from './VolumeCacheSchema';

export type DerivedKind = DerivedRecord['kind'];

/** A memoKey() digest: 64 lower-case hex digits. */
const DIGEST = /^[0-9a-f]{64}$/;

/**
 * The row id of a derived result: its kind and a memoKey() digest. An
 * application's memo() result is kept under the bare digest (as it always
 * was, so results kept by earlier releases stay readable); the library's own
 * records carry their kind in front (`decoded-<digest>`, `thumbnail-<digest>`).
 * A digest is hex only, so no memo() key, inputs or version, whatever they
 * hash to, can name a decoded copy or a thumbnail, nor the other way round.
 * The id is also the file's name under derived/, hence `-` rather than `:`.
 */
export function derivedId(kind: DerivedKind, digest: string): string {
  if (typeof digest !== 'string' || !DIGEST.test(digest)) {
    throw new VolumeCacheError('invalid-argument', `A derived result's id must be a memoKey() digest (64 lower-case hex digits), got ${JSON.stringify(String(digest)).slice(0, 80)}.`);
  }
  return kind === 'memo' ? digest : `${kind}-${digest}`;
}

/**
 * Where a library record written before ids carried their kind belongs now
 * (it sits under the bare digest, in the memo namespace), or null when
 * `record` is not such a leftover. Those rows are renamed once (see
 * DerivedResults.sweep), so no decoded copy is lost to the change.
 */
export function migratedDerivedId(record: Pick<DerivedRecord, 'id' | 'kind'>): string | null {
  return record.kind !== 'memo' && DIGEST.test(record.id) ? derivedId(record.kind, record.id) : null;
}
