// The page entry, used as an application would: `volume-cache`.
import { createVolumeCache, isVolumeCacheError, type VolumeCache } from 'volume-cache';
// `.js`, as a node16 application writes it (tsc maps it to assertType.ts).
import { assertType, type Equal } from './assertType.js';

const url = 'https://example.org/brain.nii.gz';

export async function open(): Promise<File> {
  const cache = await createVolumeCache({ name: 'types-consumer', maxBytes: 2 ** 30 });
  // Unannotated callbacks: with `any` types these are implicit-any errors.
  cache.subscribe((change) => change.type);
  return cache.getFile(url);
}

assertType<Equal<ReturnType<VolumeCache['getFile']>, Promise<File>>>();
declare const cache: VolumeCache;
// @ts-expect-error getFile resolves to a File, not a number.
export const notANumber: Promise<number> = cache.getFile(url);

// @ts-expect-error maxBytes is a number of bytes.
void createVolumeCache({ maxBytes: 'lots' });

// @ts-expect-error 'lost' is not one of the error codes.
isVolumeCacheError(new Error('x'), 'lost');
