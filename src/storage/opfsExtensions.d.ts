// FileSystemSyncAccessHandle exists only in dedicated workers, so TypeScript
// declares it in the WebWorker lib, which cannot be combined with DOM. These
// are the members the engine uses.
interface FileSystemSyncAccessHandle {
  read(buffer: ArrayBufferView, options?: { at?: number }): number;
  write(buffer: ArrayBufferView, options?: { at?: number }): number;
  truncate(newSize: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

interface FileSystemFileHandle {
  createSyncAccessHandle(options?: { mode?: 'readwrite' | 'read-only' | 'readwrite-unsafe' }): Promise<FileSystemSyncAccessHandle>;
}

// FileSystemHandle.move() is in Chromium and Firefox but not yet in TypeScript's DOM lib.
interface FileSystemFileHandle {
  move(destination: FileSystemDirectoryHandle, newName: string): Promise<void>;
}
