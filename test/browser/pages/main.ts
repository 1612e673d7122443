import { readRangeFromServer } from './readRangeFromServer';
import { cachingSettled } from './cachingSettled';
import { sha256Hex } from './sha256Hex';
import type { VolumeCacheModule } from './testPageGlobals';

window.importModule = (specifier) => import(/* @vite-ignore */ specifier);
window.sha256Hex = sha256Hex;
window.readRangeFromServer = readRangeFromServer;
window.cachingSettled = cachingSettled;

// Imported dynamically so a missing or broken library is reported on the page
// (testImportError) instead of leaving it half-started.
const libraryEntry = '/src/index.ts';
try {
  window.volumeCache = (await import(/* @vite-ignore */ libraryEntry)) as VolumeCacheModule;
} catch (error) {
  window.testImportError = error instanceof Error ? (error.stack ?? error.message) : String(error);
} finally {
  window.testReady = true;
}
