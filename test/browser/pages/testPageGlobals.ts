import type { RangeReadResult } from './readRangeFromServer';

/** The library's public module, as the test page exposes it. */
export type VolumeCacheModule = typeof import('../../../src/index');

declare global {
  interface Window {
    /** /src/index.ts, once imported. */
    volumeCache?: VolumeCacheModule;
    /** Set (successful import or not) once the page has finished starting. */
    testReady?: boolean;
    /** Why /src/index.ts failed to import, if it did. */
    testImportError?: string;
    /**
     * import() run by the page. Tests must use this instead of writing import()
     * inside page.evaluate: vitest rewrites import() in test files to a helper
     * that does not exist in the browser.
     */
    importModule(specifier: string): Promise<unknown>;
    sha256Hex(data: Blob | ArrayBuffer | ArrayBufferView): Promise<string>;
    readRangeFromServer(url: string, start: number, end: number): Promise<RangeReadResult>;
    /** Settles once nothing caches `path` in `partition` any more (see cachingSettled.ts). */
    cachingSettled(partition: string, path: string): Promise<void>;
  }
}
