/**
 * An in-memory Origin Private File System, as much of it as
 * src/storage/PartitionFiles.ts and DerivedResults use, so the engine's
 * modules run in Node. Errors are DOMExceptions named as Chromium names them
 * (NotFoundError, TypeMismatchError, InvalidModificationError,
 * NoModificationAllowedError). There is no createSyncAccessHandle: Node has
 * no FileSystemFileHandle global either, so PartitionFiles.open() finds
 * `canUseSyncAccess` false and writes through createWritable().
 *
 * Like Chromium, a file open for writing (createWritable not yet closed or
 * aborted) cannot be removed or moved; PartitionFiles.sweepTemporaries relies
 * on that to leave a download in progress alone.
 */
export interface MemoryOpfs {
  getDirectory: () => Promise<FileSystemDirectoryHandle>;
  /** Every file on "disk" as a path from the origin's root (`volume-cache/p/blobs/abc`), sorted. */
  list(): string[];
  /** A file's bytes by path, or null. */
  read(path: string): Uint8Array | null;
}

export interface MemoryOpfsOptions {
  /** The clock behind File.lastModified. */
  now?: () => number;
  /** Told of every change to the disk (`remove <path>`, `move <from> -> <to>`, `write <path>`), as it happens. */
  log?: (event: string) => void;
  /**
   * The origin's quota: a write that would take the files and the open
   * writables' data past it fails with QuotaExceededError and errors its
   * writable for good, as a browser's does; so does creating a file once the
   * quota is reached (Chromium refuses getFileHandle({ create: true }) then).
   * Undefined: no limit.
   */
  quotaBytes?: number;
}

type MemoryNode = FileNode | DirectoryNode;

interface FileNode {
  kind: 'file';
  name: string;
  parent: DirectoryNode | null;
  bytes: Uint8Array;
  lastModified: number;
  /** Open writables: while any is open the file cannot be removed or moved. */
  writers: number;
}

interface DirectoryNode {
  kind: 'directory';
  name: string;
  parent: DirectoryNode | null;
  children: Map<string, MemoryNode>;
}

export function createMemoryOpfs({ now = Date.now, log = () => undefined, quotaBytes }: MemoryOpfsOptions = {}): MemoryOpfs {
  const root: DirectoryNode = { kind: 'directory', name: '', parent: null, children: new Map() };
  const writables = new Set<{ pendingBytes(): number }>();
  const disk: Disk = { now, log, quotaBytes, writables, usage: () => storedBytes(root) + [...writables].reduce((sum, writable) => sum + writable.pendingBytes(), 0) };
  return {
    getDirectory: async () => new MemoryDirectoryHandle(root, disk) as unknown as FileSystemDirectoryHandle,
    list: () => filePaths(root).sort(),
    read(path) {
      let node: MemoryNode | undefined = root;
      for (const part of path.split('/')) node = node?.kind === 'directory' ? node.children.get(part) : undefined;
      return node?.kind === 'file' ? node.bytes.slice() : null;
    },
  };
}

interface Disk {
  now: () => number;
  log: (event: string) => void;
  quotaBytes: number | undefined;
  /** Open writables, whose copies count against the quota until they close. */
  writables: Set<{ pendingBytes(): number }>;
  usage(): number;
}

function storedBytes(directory: DirectoryNode): number {
  let total = 0;
  for (const child of directory.children.values()) total += child.kind === 'file' ? child.bytes.byteLength : storedBytes(child);
  return total;
}

function domError(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

function pathOf(node: MemoryNode): string {
  const parts: string[] = [];
  for (let at: MemoryNode | null = node; at?.parent; at = at.parent) parts.unshift(at.name);
  return parts.join('/');
}

/** Whether `node` is still reachable from the root (not removed, nor inside a removed folder). */
function attached(node: MemoryNode): boolean {
  for (let at: MemoryNode = node; at.parent; at = at.parent) {
    if (at.parent.children.get(at.name) !== at) return false;
  }
  return true;
}

function filePaths(directory: DirectoryNode): string[] {
  const paths: string[] = [];
  for (const child of directory.children.values()) {
    if (child.kind === 'file') paths.push(pathOf(child));
    else paths.push(...filePaths(child));
  }
  return paths;
}

function hasWriters(node: MemoryNode): boolean {
  return node.kind === 'file' ? node.writers > 0 : [...node.children.values()].some(hasWriters);
}

function checkName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\')) {
    throw new TypeError(`Name is not allowed: ${JSON.stringify(name)}`);
  }
}

function handleFor(node: MemoryNode, disk: Disk): MemoryDirectoryHandle | MemoryFileHandle {
  return node.kind === 'file' ? new MemoryFileHandle(node, disk) : new MemoryDirectoryHandle(node, disk);
}

class MemoryDirectoryHandle {
  readonly kind = 'directory';

  constructor(
    readonly node: DirectoryNode,
    private readonly disk: Disk,
  ) {}

  get name(): string {
    return this.node.name;
  }

  async getDirectoryHandle(name: string, { create = false }: { create?: boolean } = {}): Promise<MemoryDirectoryHandle> {
    checkName(name);
    this.ensureAttached();
    let child = this.node.children.get(name);
    if (child?.kind === 'file') throw domError('TypeMismatchError', `${name} is a file`);
    if (!child) {
      if (!create) throw domError('NotFoundError', `${name} not found`);
      child = { kind: 'directory', name, parent: this.node, children: new Map() };
      this.node.children.set(name, child);
    }
    return new MemoryDirectoryHandle(child, this.disk);
  }

  async getFileHandle(name: string, { create = false }: { create?: boolean } = {}): Promise<MemoryFileHandle> {
    checkName(name);
    this.ensureAttached();
    let child = this.node.children.get(name);
    if (child?.kind === 'directory') throw domError('TypeMismatchError', `${name} is a directory`);
    if (!child) {
      if (!create) throw domError('NotFoundError', `${name} not found`);
      if (this.disk.quotaBytes !== undefined && this.disk.usage() >= this.disk.quotaBytes) throw domError('QuotaExceededError', 'The quota has been exceeded.');
      child = { kind: 'file', name, parent: this.node, bytes: new Uint8Array(0), lastModified: this.disk.now(), writers: 0 };
      this.node.children.set(name, child);
    }
    return new MemoryFileHandle(child, this.disk);
  }

  async removeEntry(name: string, { recursive = false }: { recursive?: boolean } = {}): Promise<void> {
    checkName(name);
    this.ensureAttached();
    const child = this.node.children.get(name);
    if (!child) throw domError('NotFoundError', `${name} not found`);
    if (child.kind === 'directory' && child.children.size > 0 && !recursive) throw domError('InvalidModificationError', `${name} is not empty`);
    if (hasWriters(child)) throw domError('NoModificationAllowedError', `${name} is open for writing`);
    const path = pathOf(child);
    this.node.children.delete(name);
    this.disk.log(`remove ${path}`);
  }

  /** A snapshot of the folder at the first step, as Chromium lists a folder in one read. */
  async *entries(): AsyncIterableIterator<[string, MemoryDirectoryHandle | MemoryFileHandle]> {
    this.ensureAttached();
    for (const [name, child] of [...this.node.children]) yield [name, handleFor(child, this.disk)];
  }

  async *keys(): AsyncIterableIterator<string> {
    for await (const [name] of this.entries()) yield name;
  }

  async *values(): AsyncIterableIterator<MemoryDirectoryHandle | MemoryFileHandle> {
    for await (const [, handle] of this.entries()) yield handle;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<[string, MemoryDirectoryHandle | MemoryFileHandle]> {
    return this.entries();
  }

  private ensureAttached(): void {
    if (!attached(this.node)) throw domError('NotFoundError', `${this.node.name} was removed`);
  }
}

type WriteParams =
  | { type: 'write'; position?: number; data: BufferSource | Blob | string }
  | { type: 'seek'; position: number }
  | { type: 'truncate'; size: number };

class MemoryFileHandle {
  readonly kind = 'file';

  constructor(
    private readonly node: FileNode,
    private readonly disk: Disk,
  ) {}

  get name(): string {
    return this.node.name;
  }

  /** A snapshot of the bytes now, as a real File. */
  async getFile(): Promise<File> {
    this.ensureAttached();
    return new File([this.node.bytes.slice()], this.node.name, { lastModified: this.node.lastModified });
  }

  /** Writes go to a copy that replaces the file on close(); abort() drops it. */
  async createWritable({ keepExistingData = false }: { keepExistingData?: boolean } = {}): Promise<MemoryWritable> {
    this.ensureAttached();
    return new MemoryWritable(this.node, this.disk, keepExistingData ? this.node.bytes.slice() : new Uint8Array(0));
  }

  /** move(directory, newName), move(directory) or move(newName); a file already at the destination is replaced. */
  async move(destinationOrName: MemoryDirectoryHandle | string, newName?: string): Promise<void> {
    this.ensureAttached();
    const directory = typeof destinationOrName === 'string' ? this.node.parent! : destinationOrName.node;
    const name = typeof destinationOrName === 'string' ? destinationOrName : (newName ?? this.node.name);
    checkName(name);
    if (!attached(directory)) throw domError('NotFoundError', 'destination was removed');
    if (this.node.writers > 0) throw domError('NoModificationAllowedError', `${this.node.name} is open for writing`);
    const existing = directory.children.get(name);
    if (existing === this.node) return;
    if (existing?.kind === 'directory') throw domError('InvalidModificationError', `${name} is a directory`);
    if (existing && existing.writers > 0) throw domError('NoModificationAllowedError', `${name} is open for writing`);
    const from = pathOf(this.node);
    this.node.parent!.children.delete(this.node.name);
    this.node.parent = directory;
    this.node.name = name;
    directory.children.set(name, this.node);
    this.disk.log(`move ${from} -> ${pathOf(this.node)}`);
  }

  private ensureAttached(): void {
    if (!attached(this.node)) throw domError('NotFoundError', `${this.node.name} not found`);
  }
}

class MemoryWritable {
  private position = 0;
  private open = true;

  constructor(
    private readonly node: FileNode,
    private readonly disk: Disk,
    private data: Uint8Array,
  ) {
    node.writers++;
    disk.writables.add(this);
  }

  pendingBytes(): number {
    return this.data.byteLength;
  }

  async write(chunk: WriteParams | BufferSource | Blob | string): Promise<void> {
    this.ensureOpen();
    const params: WriteParams = typeof chunk === 'object' && chunk !== null && 'type' in chunk && typeof chunk.type === 'string' && !(chunk instanceof Blob)
      ? (chunk as WriteParams)
      : { type: 'write', data: chunk as BufferSource | Blob | string };
    if (params.type === 'seek') {
      this.position = params.position;
      return;
    }
    if (params.type === 'truncate') {
      await this.truncate(params.size);
      return;
    }
    const bytes = await bytesOf(params.data);
    const at = params.position ?? this.position;
    const end = at + bytes.byteLength;
    const growth = Math.max(0, end - this.data.byteLength);
    if (this.disk.quotaBytes !== undefined && this.disk.usage() + growth > this.disk.quotaBytes) {
      this.finish(); // errored for good: a browser's WritableStream cannot be written again either
      throw domError('QuotaExceededError', 'The quota has been exceeded.');
    }
    if (end > this.data.byteLength) {
      const grown = new Uint8Array(end);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(bytes, at);
    this.position = end;
  }

  async seek(position: number): Promise<void> {
    this.ensureOpen();
    this.position = position;
  }

  async truncate(size: number): Promise<void> {
    this.ensureOpen();
    const resized = new Uint8Array(size);
    resized.set(this.data.subarray(0, size));
    this.data = resized;
    this.position = Math.min(this.position, size);
  }

  async close(): Promise<void> {
    this.ensureOpen();
    this.finish();
    if (!attached(this.node)) throw domError('NotFoundError', `${this.node.name} was removed`);
    this.node.bytes = this.data;
    this.node.lastModified = this.disk.now();
    this.disk.log(`write ${pathOf(this.node)}`);
  }

  async abort(): Promise<void> {
    if (this.open) this.finish();
  }

  private finish(): void {
    this.open = false;
    this.disk.writables.delete(this);
    this.node.writers--;
  }

  private ensureOpen(): void {
    if (!this.open) throw new TypeError('The stream is closed.');
  }
}

async function bytesOf(data: BufferSource | Blob | string): Promise<Uint8Array> {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return new Uint8Array(data).slice();
}
