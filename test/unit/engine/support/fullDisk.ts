import { vi } from 'vitest';
import type { PartitionContext } from '../../../../src/engine/PartitionContext';
import type { ByteSink } from '../../../../src/storage/ByteSink';

/** What a browser throws when a write meets the quota. */
export function quotaExceeded(): DOMException {
  return new DOMException('The quota has been exceeded.', 'QuotaExceededError');
}

/** Makes the writes of the next derived file (a decoded copy, a thumbnail, a memo's bytes) fail as on a full disk. */
export function failNextDerivedFileWrite(context: PartitionContext): void {
  const { files } = context;
  const create = files.createDerivedTemporary.bind(files);
  vi.spyOn(files, 'createDerivedTemporary').mockImplementationOnce(async () => {
    const temporary = await create();
    const open = temporary.openSink.bind(temporary);
    vi.spyOn(temporary, 'openSink').mockImplementation(async (): Promise<ByteSink> => {
      const sink = await open();
      return { ...sink, write: () => Promise.reject(quotaExceeded()) };
    });
    return temporary;
  });
}
