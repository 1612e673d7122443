import type { ByteSink } from './ByteSink';
import { openSyncAccessSink, openWritableSink } from './ByteSink';
import { allocateVolumeBuffer, SLICE_BYTES } from '../shared/volumeBuffer';

/** How often, and how far apart, destroy() retries a removal another context briefly blocks. */
const DESTROY_ATTEMPTS = 20;
const DESTROY_RETRY_MS = 100;

const ROOT_DIRECTORY = 'volume-cache';
const DOWNLOAD_PREFIX = 'download-';
const UNCACHED_PREFIX = 'uncached-';

export function isValidPartitionName(name: unknown): name is string {
  return typeof name === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(name) && name !== '.' && name !== '..';
}

/**
 * A partition's files in OPFS: `volume-cache/<name>/blobs/<sha256>` holds
 * committed, content-addressed files; `tmp/` holds downloads in progress and
 * results that were returned but not cached. Only this module knows the layout.
 */
export class PartitionFiles {
  private constructor(
    private readonly blobs: FileSystemDirectoryHandle,
    private readonly tmp: FileSystemDirectoryHandle,
    private readonly derived: FileSystemDirectoryHandle,
    private syncAccess: boolean,
    private readonly partition: string,
    private readonly locks: LockManager | null,
  ) {}

  /**
   * Whether files are written (and read in one go) through SyncAccessHandles:
   * only in a dedicated worker, and only where one was opened for real (at
   * open, and on every file since: the first refusal turns it off for good,
   * and writes go through createWritable() instead).
   */
  get canUseSyncAccess(): boolean {
    return this.syncAccess;
  }

  static async open(getDirectory: () => Promise<FileSystemDirectoryHandle>, partition: string, locks: LockManager | null = null): Promise<PartitionFiles> {
    const origin = await getDirectory();
    const base = await origin.getDirectoryHandle(ROOT_DIRECTORY, { create: true });
    const root = await base.getDirectoryHandle(partition, { create: true });
    const blobs = await root.getDirectoryHandle('blobs', { create: true });
    const tmp = await root.getDirectoryHandle('tmp', { create: true });
    const derived = await root.getDirectoryHandle('derived', { create: true });
    const exposed =
      typeof FileSystemFileHandle !== 'undefined' &&
      'createSyncAccessHandle' in FileSystemFileHandle.prototype &&
      typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined' &&
      typeof (globalThis as { ServiceWorkerGlobalScope?: unknown }).ServiceWorkerGlobalScope === 'undefined';
    const files = new PartitionFiles(blobs, tmp, derived, exposed, partition, locks);
    if (exposed) await files.probeSyncAccess();
    return files;
  }

  /**
   * Opens a SyncAccessHandle on a scratch file, for real: a feature test is
   * not enough. WebKitGTK 2.50 with OPFS on exposes createSyncAccessHandle()
   * and refuses every call (NotSupportedError: "Backend does not support
   * this operation"), which failed every download. The scratch file is a
   * locked temporary like a download's, so no sweep trips over it.
   */
  private async probeSyncAccess(): Promise<void> {
    let probe: TemporaryFile;
    try {
      probe = await this.createDownload();
    } catch {
      // No room even for an empty file (the disk is full): nothing to learn now; the first download's sink tries again.
      return;
    }
    try {
      (await probe.handle.createSyncAccessHandle()).close();
    } catch {
      this.syncAccess = false;
    } finally {
      await probe.remove().catch(() => undefined);
      probe.release();
    }
  }

  /** A sink on a temporary file: a SyncAccessHandle while they work here, else (and from the first refusal on) a WritableStream. */
  private async openSink(handle: FileSystemFileHandle): Promise<ByteSink> {
    if (this.syncAccess) {
      try {
        return await openSyncAccessSink(handle);
      } catch {
        this.syncAccess = false;
      }
    }
    return openWritableSink(handle);
  }

  /**
   * Removes a partition's folder with everything in it. A file another
   * context is just letting go of (a download another tab is stopping, a
   * handle closing) refuses removal for a moment, so a refusal is retried
   * for up to about 2 s before it is thrown.
   */
  static async destroy(getDirectory: () => Promise<FileSystemDirectoryHandle>, partition: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const base = await (await getDirectory()).getDirectoryHandle(ROOT_DIRECTORY);
        await base.removeEntry(partition, { recursive: true });
        return;
      } catch (error) {
        if (isNotFound(error)) return;
        if (attempt >= DESTROY_ATTEMPTS - 1) throw error;
        await new Promise((resolve) => setTimeout(resolve, DESTROY_RETRY_MS));
      }
    }
  }

  /** Names of the partitions that have files in this origin. */
  static async list(getDirectory: () => Promise<FileSystemDirectoryHandle>): Promise<string[]> {
    try {
      const base = await (await getDirectory()).getDirectoryHandle(ROOT_DIRECTORY);
      const names: string[] = [];
      for await (const [name, handle] of base.entries()) if (handle.kind === 'directory') names.push(name);
      return names;
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }

  /**
   * A fresh temporary file for one download, with a Web Lock on its name
   * held until release(): a sweep in any context (another tab starting, the
   * service worker, cleanup()) skips files whose lock is held. A
   * SyncAccessHandle alone does not stop removeEntry() from another context.
   */
  async createDownload(): Promise<TemporaryFile> {
    return this.createTemporary(this.tmp, `${DOWNLOAD_PREFIX}${crypto.randomUUID()}.part`);
  }

  /** A temporary file for a derived result, in derived/ itself so tmp/ holds downloads only. */
  async createDerivedTemporary(): Promise<TemporaryFile> {
    return this.createTemporary(this.derived, `${crypto.randomUUID()}.part`);
  }

  private async createTemporary(directory: FileSystemDirectoryHandle, name: string): Promise<TemporaryFile> {
    const release = this.locks ? await holdLock(this.locks, this.temporaryLockName(name)) : () => undefined;
    try {
      const handle = await directory.getFileHandle(name, { create: true });
      return new TemporaryFile(directory, name, handle, () => this.openSink(handle), release);
    } catch (error) {
      release();
      throw error;
    }
  }

  private temporaryLockName(name: string): string {
    return `volume-cache:${this.partition}:tmp:${name}`;
  }

  async readBlob(sha256: string): Promise<File | null> {
    try {
      const handle = await this.blobs.getFileHandle(sha256);
      return await handle.getFile();
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /**
   * A stored file's bytes in one buffer, read with a read-only
   * SyncAccessHandle: about twice as fast as File.arrayBuffer() in Chromium,
   * and several readers may hold one at once. Null where that is unavailable.
   */
  async readBlobBytes(sha256: string): Promise<ArrayBuffer | null> {
    if (!this.canUseSyncAccess) return null;
    let access: FileSystemSyncAccessHandle;
    try {
      access = await (await this.blobs.getFileHandle(sha256)).createSyncAccessHandle({ mode: 'read-only' });
    } catch {
      return null;
    }
    try {
      const buffer = allocateVolumeBuffer(access.getSize());
      const view = new Uint8Array(buffer);
      let offset = 0;
      while (offset < view.byteLength) {
        // A slice at a time: a single read of more than 2 GiB is refused.
        const read = access.read(view.subarray(offset, offset + SLICE_BYTES), { at: offset });
        if (read === 0) return null;
        offset += read;
      }
      return buffer;
    } finally {
      access.close();
    }
  }

  async hasBlob(sha256: string): Promise<boolean> {
    return (await this.readBlob(sha256)) !== null;
  }

  /**
   * Moves a finished download into place under its hash. If the same bytes
   * are already stored (another URL, a mirror) the download is dropped.
   */
  async commit(download: TemporaryFile, sha256: string): Promise<void> {
    if (await this.hasBlob(sha256)) {
      await download.remove();
      return;
    }
    await download.handle.move(this.blobs, sha256);
  }

  /** Moves a finished temporary file into derived/ under `name`. */
  async commitDerived(file: TemporaryFile, name: string): Promise<void> {
    await removeIgnoringMissing(this.derived, name);
    await file.handle.move(this.derived, name);
  }

  async readDerived(name: string): Promise<File | null> {
    try {
      return await (await this.derived.getFileHandle(name)).getFile();
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async removeDerived(name: string): Promise<void> {
    await removeIgnoringMissing(this.derived, name);
  }

  /** Removes files in derived/ that are not in `keep`, except temporaries a writer still holds. */
  async sweepDerived(keep: ReadonlySet<string>): Promise<number> {
    const names: string[] = [];
    for await (const name of this.derived.keys()) if (!keep.has(name)) names.push(name);
    let removed = 0;
    for (const name of names) {
      const remove = async (): Promise<boolean> => {
        await removeIgnoringMissing(this.derived, name).catch(() => undefined);
        return true;
      };
      const done = this.locks && name.endsWith('.part')
        ? await this.locks.request(this.temporaryLockName(name), { ifAvailable: true }, (lock) => (lock ? remove() : false))
        : await remove();
      if (done) removed++;
    }
    return removed;
  }

  async removeBlob(sha256: string): Promise<void> {
    await removeIgnoringMissing(this.blobs, sha256);
  }

  async listBlobs(): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    for await (const [name, handle] of this.blobs.entries()) {
      if (handle.kind !== 'file') continue;
      try {
        sizes.set(name, (await (handle as FileSystemFileHandle).getFile()).size);
      } catch (error) {
        // Removed by another tab between the listing and this look: not there any more.
        if (!isNotFound(error)) throw error;
      }
    }
    return sizes;
  }

  /**
   * Removes temporary files that nothing is writing: a download killed with
   * its tab leaves one behind. A file still open for writing is locked and
   * its removal fails, which is what keeps an active download safe.
   * Uncached results younger than `keepUncachedAfter` are kept for readers.
   */
  async sweepTemporaries(keepUncachedAfter: number): Promise<number> {
    let removed = 0;
    for await (const [name, handle] of this.tmp.entries()) {
      if (name.startsWith(UNCACHED_PREFIX) && handle.kind === 'file') {
        const file = await (handle as FileSystemFileHandle).getFile();
        if (file.lastModified >= keepUncachedAfter) continue;
      }
      const remove = async (): Promise<boolean> => {
        try {
          await this.tmp.removeEntry(name, { recursive: true });
          return true;
        } catch {
          return false; // Open for writing here: leave it.
        }
      };
      // A download in progress anywhere holds its file's lock: leave that file.
      const done = this.locks
        ? await this.locks.request(this.temporaryLockName(name), { ifAvailable: true }, (lock) => (lock ? remove() : false))
        : await remove();
      if (done) removed++;
    }
    return removed;
  }

  async clearAll(): Promise<void> {
    for (const directory of [this.blobs, this.tmp, this.derived]) {
      const names: string[] = [];
      for await (const name of directory.keys()) names.push(name);
      for (const name of names) await directory.removeEntry(name, { recursive: true }).catch(() => undefined);
    }
  }

  /** Keeps a finished download that will not be cached, so the File handed out stays readable. */
  async keepUncached(download: TemporaryFile): Promise<File> {
    const name = `${UNCACHED_PREFIX}${crypto.randomUUID()}`;
    await download.handle.move(this.tmp, name);
    return download.handle.getFile();
  }
}

export class TemporaryFile {
  constructor(
    private readonly directory: FileSystemDirectoryHandle,
    private readonly name: string,
    readonly handle: FileSystemFileHandle,
    /** A sink on `handle`, as the partition writes (see PartitionFiles.canUseSyncAccess). */
    readonly openSink: () => Promise<ByteSink>,
    /** Lets sweeps remove the file again (call once it is committed, kept or removed). */
    readonly release: () => void,
  ) {}

  async remove(): Promise<void> {
    await removeIgnoringMissing(this.directory, this.name);
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError');
}

async function removeIgnoringMissing(directory: FileSystemDirectoryHandle, name: string): Promise<void> {
  try {
    await directory.removeEntry(name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Acquires a Web Lock and keeps it until the returned function is called. */
function holdLock(locks: LockManager, name: string): Promise<() => void> {
  return new Promise((acquired, failed) => {
    locks
      .request(name, () => new Promise<void>((release) => acquired(release)))
      .catch(failed);
  });
}
