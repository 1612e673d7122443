import { describe, expect, it } from 'vitest';
import { FLUSH_EVERY_BYTES, createMemorySink, openSyncAccessSink, openWritableSink } from '../../../src/storage/ByteSink';
import { SLICE_BYTES } from '../../../src/shared/volumeBuffer';
import { createMemoryOpfs } from '../support/memoryOpfs';

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

describe('reopen after a failed write', () => {
  it('a WritableStream sink starts a fresh, empty writer ("lost"), and writes and closes through it', async () => {
    const disk = createMemoryOpfs();
    const root = await disk.getDirectory();
    const handle = await root.getFileHandle('download.part', { create: true });
    const sink = await openWritableSink(handle);
    await sink.write(new Uint8Array([1, 2, 3]), 0);
    expect(await sink.reopen()).toBe('lost');
    await sink.write(new Uint8Array([9, 8]), 0);
    await sink.close();
    expect(new Uint8Array(await (await handle.getFile()).arrayBuffer())).toEqual(new Uint8Array([9, 8]));
  });

  it('a SyncAccessHandle sink and a memory sink keep what they had ("intact")', async () => {
    const { handle } = fakeFileHandle();
    expect(await (await openSyncAccessSink(handle)).reopen()).toBe('intact');
    const memory = createMemorySink();
    memory.write(new Uint8Array([1, 2]), 0);
    expect(await memory.reopen()).toBe('intact');
    memory.write(new Uint8Array([3]), 2);
    expect(new Uint8Array(await memory.toFile('v', '').arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });
});

describe('writes larger than one browser call takes', () => {
  // Chromium refuses a single SyncAccessHandle write past 2 GiB ("Cannot write more than 2GB"); Firefox's buffers can be larger.
  const chunk = new Uint8Array(2 * SLICE_BYTES + 5);
  chunk[SLICE_BYTES] = 7;

  it('a SyncAccessHandle sink writes a slice at a time, each where it belongs', async () => {
    const calls: Array<{ at: number; bytes: number; first: number }> = [];
    const access = {
      write: (data: Uint8Array, { at }: { at: number }) => (calls.push({ at, bytes: data.byteLength, first: data[0]! }), data.byteLength),
      flush: () => undefined,
      close: () => undefined,
    };
    const sink = await openSyncAccessSink({ createSyncAccessHandle: async () => access } as unknown as FileSystemFileHandle);
    await sink.write(chunk, 100);
    expect(calls).toEqual([
      { at: 100, bytes: SLICE_BYTES, first: 0 },
      { at: 100 + SLICE_BYTES, bytes: SLICE_BYTES, first: 7 },
      { at: 100 + 2 * SLICE_BYTES, bytes: 5, first: 0 },
    ]);
  });

  it('a WritableStream sink does the same', async () => {
    const calls: Array<{ position: number; bytes: number; first: number }> = [];
    const writable = {
      write: async ({ position, data }: { position: number; data: Uint8Array }) => void calls.push({ position, bytes: data.byteLength, first: data[0]! }),
    };
    const sink = await openWritableSink({ createWritable: async () => writable } as unknown as FileSystemFileHandle);
    await sink.write(chunk, 0);
    expect(calls).toEqual([
      { position: 0, bytes: SLICE_BYTES, first: 0 },
      { position: SLICE_BYTES, bytes: SLICE_BYTES, first: 7 },
      { position: 2 * SLICE_BYTES, bytes: 5, first: 0 },
    ]);
  });
});
