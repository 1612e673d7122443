// Page of test/bench/readyAndEncrypted.mjs: time to ready voxels (getVolume
// cold, warm from the compressed file, warm from the decoded copy) against
// NiiVue-style loading, and encrypted against plain partitions.
import { createVolumeCache, type VolumeCache, type VolumeCacheOptions } from '../../../src/index';

let cache: VolumeCache | null = null;
let key: CryptoKey | null = null;

const timed = async <T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
};

const calls = {
  async open(name: string, options: { encrypted?: boolean; keepDecoded?: boolean; memoryBytes?: number } = {}): Promise<void> {
    cache?.close();
    const settings: VolumeCacheOptions = { name, maxBytes: 16 * 1024 ** 3, thumbnails: false, memoryBytes: options.memoryBytes ?? 0 };
    if (options.keepDecoded !== undefined) settings.keepDecoded = options.keepDecoded;
    if (options.encrypted) {
      key ??= await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      settings.encryption = { key };
    }
    cache = await createVolumeCache(settings);
  },
  async destroy(): Promise<void> {
    await cache?.destroy();
    cache = null;
  },
  async getVolume(url: string) {
    const { ms, value } = await timed(() => cache!.getVolume(url));
    return { ms, from: value.decodedFrom, bytes: value.voxels.byteLength };
  },
  async coldGet(url: string) {
    const { ms, value } = await timed(() => cache!.get(url));
    return { ms, status: value.status, bytes: value.file.size, sha256: value.entry?.sha256 ?? '' };
  },
  async warmArrayBuffer(url: string) {
    const { ms, value } = await timed(() => cache!.getArrayBuffer(url));
    return { ms, bytes: value.byteLength };
  },
  /**
   * The floor under any WebCrypto design of encrypted reads: AES-GCM
   * decryption of `bytes` in 1 MiB calls, 8 in flight (as the engine does),
   * into one buffer, with no storage involved.
   */
  async webCryptoDecrypt(bytes: number) {
    const chunk = 1024 * 1024;
    const aesKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const iv = new Uint8Array(12);
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, new Uint8Array(chunk)));
    const count = Math.ceil(bytes / chunk);
    const { ms } = await timed(async () => {
      const plaintext = new Uint8Array(count * chunk);
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < count) {
          const index = next++;
          plaintext.set(new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, aesKey, sealed)), index * chunk);
        }
      };
      await Promise.all(Array.from({ length: 8 }, lane));
    });
    return { ms };
  },
  /** What a viewer does today on every open: fetch, gunzip, take the voxels after vox_offset. */
  async niivueStyle(url: string) {
    const { ms, value } = await timed(async () => {
      const compressed = await (await fetch(url, { cache: 'no-store' })).arrayBuffer();
      const raw = await new Response(new Blob([compressed]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
      const voxOffset = new DataView(raw).getFloat32(108, true);
      return raw.slice(voxOffset);
    });
    return { ms, bytes: value.byteLength };
  },
};

declare global {
  interface Window {
    readyBench?: { call(name: string, ...args: unknown[]): Promise<unknown> };
  }
}

window.readyBench = {
  call: (name, ...args) => (calls as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!(...args),
};
