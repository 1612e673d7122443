import { describe, expect, it } from 'vitest';
import { FLUSH_EVERY_BYTES, openSyncAccessSink } from '../../../src/storage/ByteSink';

/** A file handle whose SyncAccessHandle records its length and when it was flushed. */
function fakeFileHandle() {
  const events: string[] = [];
  let length = 0;
  let writtenSinceFlush = 0;
  const access = {
    write(data: Uint8Array, { at }: { at: number }) {
      length = Math.max(length, at + data.byteLength);
      writtenSinceFlush += data.byteLength;
      return data.byteLength;
    },
    flush() {
      events.push(`flush after ${writtenSinceFlush}`);
      writtenSinceFlush = 0;
    },
    truncate(newLength: number) {
      length = newLength;
    },
    close() {
      events.push('close');
    },
  };
  const handle = { createSyncAccessHandle: async () => access } as unknown as FileSystemFileHandle;
  return { handle, events, length: () => length };
}

describe('openSyncAccessSink', () => {
  const MiB = 1024 * 1024;

  it('flushes every FLUSH_EVERY_BYTES while writing, and the rest on close', async () => {
    const file = fakeFileHandle();
    const sink = await openSyncAccessSink(file.handle);
    const chunk = new Uint8Array(MiB).fill(7);
    const total = 2 * FLUSH_EVERY_BYTES + 5 * MiB;
    for (let offset = 0; offset < total; offset += MiB) await sink.write(chunk, offset);
    expect(file.events).toEqual([`flush after ${FLUSH_EVERY_BYTES}`, `flush after ${FLUSH_EVERY_BYTES}`]);
    await sink.close();
    expect(file.events).toEqual([`flush after ${FLUSH_EVERY_BYTES}`, `flush after ${FLUSH_EVERY_BYTES}`, `flush after ${5 * MiB}`, 'close']);
    expect(file.length()).toBe(total);
  });

  it('discard releases the file without flushing', async () => {
    const file = fakeFileHandle();
    const sink = await openSyncAccessSink(file.handle);
    await sink.write(new Uint8Array(MiB), 0);
    await sink.discard();
    expect(file.events).toEqual(['close']);
  });
});
