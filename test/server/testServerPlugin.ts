import type { Plugin } from 'vite';
import { sharedDataDir } from '../support/repoPaths.ts';
import { FaultBudget } from './faultBudget.ts';
import type { GeneratedChunkCache } from './generatedVolume.ts';
import { RequestLog } from './requestLog.ts';
import { testControlRoutes } from './testControlRoutes.ts';
import { volumeRoutes } from './volumeRoutes.ts';

export interface TestServerOptions {
  /** Folder holding nifti/, bad/ and manifest.json; defaults to the shared data set. */
  dataDir?: string;
  /**
   * Keep each generated volume's bytes in memory once produced (the bench: its
   * server shares the cores with the browser it measures, and a real static
   * server costs a copy, not a generation). Off for tests, which use many
   * volumes once each.
   */
  keepGeneratedBytes?: boolean;
}

/**
 * Mounts the fault-injecting volume server on the Vite dev server, so test
 * pages, the library under test and the data share one origin (no CORS, and
 * OPFS/WebCrypto get the secure context 127.0.0.1 provides).
 */
export function testServerPlugin({ dataDir = sharedDataDir, keepGeneratedBytes = false }: TestServerOptions = {}): Plugin {
  return {
    name: 'volume-cache-test-server',
    configureServer(server) {
      const log = new RequestLog();
      const budget = new FaultBudget();
      // Added directly (not from a returned hook) so these run before Vite's own middlewares.
      server.middlewares.use(testControlRoutes(log, budget));
      const generatedChunks: GeneratedChunkCache | undefined = keepGeneratedBytes ? new Map() : undefined;
      server.middlewares.use(volumeRoutes({ dataDir, log, budget, generatedChunks }));
    },
  };
}
