import { expect } from 'vitest';
import { VolumeCacheError } from '../../../src/errors';

/**
 * The VolumeCacheError `promise` rejects with, for the test to check its
 * code and detail. Fails the test if the promise resolves, or rejects with
 * anything else.
 */
export async function rejection(promise: Promise<unknown>): Promise<VolumeCacheError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(VolumeCacheError);
  return error as VolumeCacheError;
}
