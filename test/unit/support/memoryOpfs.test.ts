import { describe, expect, it } from 'vitest';
import { createMemoryOpfs } from './memoryOpfs';

/** Only what PartitionFiles and DerivedResults rely on. */
async function origin(now = () => 1_000) {
  const events: string[] = [];
  const disk = createMemoryOpfs({ now, log: (event) => events.push(event) });
  return { disk, events, root: await disk.getDirectory() };
}

async function text(handle: FileSystemFileHandle): Promise<string> {
  return (await handle.getFile()).text();
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof DOMException ? `DOMException ${error.name}` : (error as Error).constructor.name;
  }
  return 'resolved';
}

describe('createMemoryOpfs', () => {
  it.each([
    ['a missing file', (root: FileSystemDirectoryHandle) => root.getFileHandle('missing'), 'DOMException NotFoundError'],
    ['a missing folder', (root: FileSystemDirectoryHandle) => root.getDirectoryHandle('missing'), 'DOMException NotFoundError'],
    ['removing a missing entry', (root: FileSystemDirectoryHandle) => root.removeEntry('missing'), 'DOMException NotFoundError'],
    ['a folder opened as a file', (root: FileSystemDirectoryHandle) => root.getFileHandle('folder'), 'DOMException TypeMismatchError'],
    ['a file opened as a folder', (root: FileSystemDirectoryHandle) => root.getDirectoryHandle('file'), 'DOMException TypeMismatchError'],
    ['a non-empty folder removed without recursive', (root: FileSystemDirectoryHandle) => root.removeEntry('folder'), 'DOMException InvalidModificationError'],
    ['a name with a slash', (root: FileSystemDirectoryHandle) => root.getFileHandle('a/b', { create: true }), 'TypeError'],
  ])('rejects %s as the platform does', async (_name, act, expected) => {
    const { root } = await origin();
    await (await root.getDirectoryHandle('folder', { create: true })).getFileHandle('inside', { create: true });
    await root.getFileHandle('file', { create: true });
    expect(await errorName(act(root))).toBe(expected);
  });

  it('creates nested folders and files, and lists them by path and by iterator', async () => {
    const { disk, root } = await origin();
    const blobs = await (await root.getDirectoryHandle('p', { create: true })).getDirectoryHandle('blobs', { create: true });
    await blobs.getFileHandle('b', { create: true });
    await blobs.getFileHandle('a', { create: true });
    expect(disk.list()).toEqual(['p/blobs/a', 'p/blobs/b']);
    const entries: [string, string][] = [];
    for await (const [name, handle] of blobs.entries()) entries.push([name, handle.kind]);
    const keys: string[] = [];
    for await (const name of blobs.keys()) keys.push(name);
    expect(entries.sort()).toEqual([['a', 'file'], ['b', 'file']]);
    expect(keys.sort()).toEqual(['a', 'b']);
  });

  it('writes as createWritable({ keepExistingData: false }) does: at positions, truncated, seen only on close', async () => {
    const { disk, root } = await origin(() => 42);
    const handle = await root.getFileHandle('f', { create: true });
    const writable = await handle.createWritable({ keepExistingData: false });
    await writable.write({ type: 'write', position: 0, data: new TextEncoder().encode('hello world') });
    await writable.write({ type: 'write', position: 6, data: new TextEncoder().encode('there') });
    expect(await text(handle)).toBe('');
    await writable.truncate(9);
    await writable.close();
    expect(await text(handle)).toBe('hello the');
    expect((await handle.getFile()).lastModified).toBe(42);
    expect(new TextDecoder().decode(disk.read('f')!)).toBe('hello the');
    // A new writable without existing data starts empty; abort keeps what was there.
    const again = await handle.createWritable({ keepExistingData: false });
    await again.write({ type: 'write', position: 0, data: new Uint8Array([1]) });
    await again.abort();
    expect(await text(handle)).toBe('hello the');
  });

  it('a file open for writing cannot be removed or moved until the writable closes', async () => {
    const { root } = await origin();
    const handle = await root.getFileHandle('f', { create: true });
    const writable = await handle.createWritable();
    expect(await errorName(root.removeEntry('f'))).toBe('DOMException NoModificationAllowedError');
    expect(await errorName(handle.move(root, 'g'))).toBe('DOMException NoModificationAllowedError');
    await writable.close();
    await root.removeEntry('f');
    expect(await errorName(handle.getFile())).toBe('DOMException NotFoundError');
  });

  it('move(directory, name) takes the file there under the new name, replacing a file, and the handle follows', async () => {
    const { disk, events, root } = await origin();
    const tmp = await root.getDirectoryHandle('tmp', { create: true });
    const blobs = await root.getDirectoryHandle('blobs', { create: true });
    const handle = await tmp.getFileHandle('x.part', { create: true });
    const writable = await handle.createWritable();
    await writable.write({ type: 'write', position: 0, data: new TextEncoder().encode('new') });
    await writable.close();
    await blobs.getFileHandle('abc', { create: true });
    await handle.move(blobs, 'abc');
    expect(disk.list()).toEqual(['blobs/abc']);
    expect(await text(handle)).toBe('new');
    expect(handle.name).toBe('abc');
    // move(newName) renames in place; TypeScript's DOM lib (and src/storage/opfsExtensions.d.ts) lacks it.
    await (handle as unknown as { move(newName: string): Promise<void> }).move('renamed');
    expect(disk.list()).toEqual(['blobs/renamed']);
    expect(events).toEqual(['write tmp/x.part', 'move tmp/x.part -> blobs/abc', 'move blobs/abc -> blobs/renamed']);
  });

  it('removes a folder with everything in it when recursive, and its handles stop working', async () => {
    const { disk, root } = await origin();
    const folder = await root.getDirectoryHandle('p', { create: true });
    const file = await (await folder.getDirectoryHandle('blobs', { create: true })).getFileHandle('a', { create: true });
    await root.removeEntry('p', { recursive: true });
    expect(disk.list()).toEqual([]);
    expect(await errorName(file.getFile())).toBe('DOMException NotFoundError');
    expect(await errorName(folder.getFileHandle('a', { create: true }))).toBe('DOMException NotFoundError');
  });
});

describe('createMemoryOpfs with a quota', () => {
  it('fails a write past the quota with QuotaExceededError and errors its writable for good; a fresh writable works once there is room', async () => {
    const disk = createMemoryOpfs({ quotaBytes: 10 });
    const root = await disk.getDirectory();
    const kept = await root.getFileHandle('kept', { create: true });
    const first = await kept.createWritable();
    await first.write(new Uint8Array(6));
    await first.close();
    const handle = await root.getFileHandle('big', { create: true });
    const writable = await handle.createWritable();
    await writable.write(new Uint8Array(4));
    await expect(writable.write(new Uint8Array(1))).rejects.toMatchObject({ name: 'QuotaExceededError' });
    await expect(writable.write(new Uint8Array(1))).rejects.toThrow(); // errored: no second try on the same stream
    await root.removeEntry('kept');
    const fresh = await handle.createWritable();
    await fresh.write(new Uint8Array(9));
    await fresh.close();
    expect(disk.read('big')?.byteLength).toBe(9);
  });

  it('refuses to create a file once the quota is reached, as Chromium does; opening one that exists still works', async () => {
    const disk = createMemoryOpfs({ quotaBytes: 4 });
    const root = await disk.getDirectory();
    const full = await (await root.getFileHandle('full', { create: true })).createWritable();
    await full.write(new Uint8Array(4));
    await full.close();
    await expect(root.getFileHandle('more', { create: true })).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect((await (await root.getFileHandle('full', { create: true })).getFile()).size).toBe(4);
  });
});
