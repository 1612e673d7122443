import { SLICE_BYTES } from '../shared/volumeBuffer';

/**
 * Where a download's bytes go. The engine picks the best the context offers:
 * a SyncAccessHandle (dedicated workers; synchronous, the fastest), a
 * WritableStream from createWritable() (pages, service workers), or memory
 * when there is no usable storage at all (the bytes are still returned).
 */
export interface ByteSink {
  /** Writes `chunk` at byte `offset`. May throw a QuotaExceededError DOMException. */
  write(chunk: Uint8Array, offset: number): Promise<void> | void;
  /** Drops everything from `length` on, for a restarted download. */
  truncate(length: number): Promise<void> | void;
  /** Flushes and releases the file; the sink cannot be used afterwards. */
  close(): Promise<void>;
  /** Releases the file without keeping what was written. */
  discard(): Promise<void>;
  /**
   * After a write failed (a QuotaExceededError), makes the sink writable
   * again: 'intact' when everything written before the failure is still
   * there, 'lost' when the sink had to start a fresh, empty file (a
   * WritableStream is errored for good by a failed write, and what it held
   * is gone with it); the caller then writes from byte 0 again.
   */
  reopen(): Promise<'intact' | 'lost'>;
}

/**
 * How much a SyncAccessHandle sink writes between flushes. Flushing only at
 * the end made the last step of a cold download write all of it to disk at
 * once (about 100 ms for 200 MB here) while the caller waited; flushing as
 * it goes does that work while the network is still delivering.
 */
export const FLUSH_EVERY_BYTES = 32 * 1024 * 1024;

export async function openSyncAccessSink(handle: FileSystemFileHandle): Promise<ByteSink> {
  const access = await handle.createSyncAccessHandle();
  let unflushed = 0;
  let open = true;
  const release = (): void => {
    if (open) {
      open = false;
      access.close();
    }
  };
  return {
    write(chunk, offset) {
      let written = 0;
      // write() may write less than asked on some implementations, and refuses more than 2 GiB at once: loop, a slice at a time.
      while (written < chunk.byteLength) {
        written += access.write(chunk.subarray(written, written + SLICE_BYTES), { at: offset + written });
      }
      unflushed += written;
      if (unflushed >= FLUSH_EVERY_BYTES) {
        unflushed = 0;
        access.flush();
      }
    },
    truncate: (length) => access.truncate(length),
    close: async () => {
      if (open) access.flush();
      release();
    },
    discard: async () => release(),
    // A failed write leaves the handle open and what was written in place.
    reopen: async () => 'intact',
  };
}

export async function openWritableSink(handle: FileSystemFileHandle): Promise<ByteSink> {
  let writable = await handle.createWritable({ keepExistingData: false });
  return {
    async write(chunk, offset) {
      // A slice at a time: a single write of more than 2 GiB is refused.
      for (let start = 0; start < chunk.byteLength; start += SLICE_BYTES) {
        const data = chunk.subarray(start, start + SLICE_BYTES) as Uint8Array<ArrayBuffer>;
        await writable.write({ type: 'write', position: offset + start, data });
      }
    },
    truncate: (length) => writable.truncate(length),
    close: () => writable.close(),
    discard: async () => {
      await writable.abort().catch(() => undefined);
      writable = undefined as never;
    },
    async reopen() {
      // The errored stream's swap file held everything since it opened; abort frees it.
      await writable.abort().catch(() => undefined);
      writable = await handle.createWritable({ keepExistingData: false });
      return 'lost';
    },
  };
}

/** Collects the bytes in memory; `toFile()` returns them once closed. */
export function createMemorySink(): ByteSink & { toFile(name: string, type: string): File } {
  let parts: Uint8Array[] = [];
  let length = 0;
  return {
    write(chunk, offset) {
      if (offset !== length) throw new Error(`memory sink expects sequential writes (at ${length}, got ${offset})`);
      parts.push(chunk.slice()); // the caller reuses its buffer
      length += chunk.byteLength;
    },
    truncate(newLength) {
      if (newLength !== 0) throw new Error('memory sink can only restart from zero');
      parts = [];
      length = 0;
    },
    close: async () => undefined,
    discard: async () => {
      parts = [];
    },
    reopen: async () => 'intact',
    toFile: (name, type) => new File(parts as BlobPart[], name, { type }),
  };
}
