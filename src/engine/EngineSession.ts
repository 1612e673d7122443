import { DEFAULTS } from '../defaults';
import { MemoryLru } from '../derived/MemoryLru';
import type { EngineInitOptions } from '../protocol';
import type { MissingCapability } from '../types';
import type { BackgroundJobs } from './BackgroundJobs';
import { DecodedVolumes, type DecodedVolume } from './DecodedVolumes';
import type { EngineBackend } from './EngineBackend';
import type { EnginePlatform } from './EnginePlatform';
import { GetPipeline } from './GetPipeline';
import { hashWorkerSource } from './hashWorkerSource';
import { NetworkOnlyBackend } from './NetworkOnlyBackend';
import { openPartitionStorage } from './openPartitionStorage';
import { parseEngineOptions, type EngineSettings } from './parseEngineOptions';
import { StoredBackend } from './StoredBackend';
import { canHashHere } from './StreamingSha256';

/** Everything an initialised engine works with, made once by init() and dropped by close(). */
export interface EngineSession {
  readonly settings: EngineSettings;
  readonly backend: EngineBackend;
  readonly pipeline: GetPipeline;
  readonly volumes: DecodedVolumes;
  /** Recently decoded volumes, in memory. */
  readonly memoryTier: MemoryLru<DecodedVolume>;
  /** What this context lacks; a hash worker that fails to start adds itself later. */
  readonly missing: MissingCapability[];
}

/**
 * Opens a partition for the engine: checks the options, opens what storage
 * this context allows, and chooses the backend once: the partition's
 * storage, or network-only when IndexedDB, OPFS or WebAssembly (hashing,
 * without which nothing can be verified) is missing.
 */
export async function openEngineSession(platform: EnginePlatform, options: EngineInitOptions, background: BackgroundJobs): Promise<EngineSession> {
  const settings = parseEngineOptions(options);
  const missing: MissingCapability[] = [];
  const hashWorker = hashWorkerSource(settings.hashWorkerUrl, platform.startHashWorker, (reason) => {
    missing.push('hash-worker');
    console.warn(
      `volume-cache: ${reason}, so downloads of 8 MiB or more are hashed in the cache's own worker: correct, but slower. ` +
        'If your bundler did not copy sha256-worker.js, pass hashWorkerUrl to createVolumeCache() (see the Bundlers section of the README).',
    );
  });
  if (!(await canHashHere())) missing.push('webassembly');
  if (!platform.locks) missing.push('web-locks');

  const { store, files, missing: unavailable } = await openPartitionStorage(platform, settings.partition, settings.encryptionKey);
  missing.push(...unavailable);
  let backend: EngineBackend;
  if (store && files && !missing.includes('webassembly')) {
    backend = await StoredBackend.open(platform, settings, store, files);
  } else {
    store?.close();
    backend = new NetworkOnlyBackend(
      { maxBytes: settings.maxBytes ?? DEFAULTS.maxBytes, defaultTtlSeconds: settings.defaultTtlSeconds ?? DEFAULTS.defaultTtlSeconds },
      missing,
    );
  }

  const memoryTier = new MemoryLru<DecodedVolume>(settings.memoryBytes);
  const volumes = new DecodedVolumes({
    partition: () => backend.partition(),
    keepDecoded: settings.keepDecoded,
    thumbnails: settings.thumbnails,
    memoryTier,
    background,
    addTotals: (delta) => backend.addTotals(delta),
  });
  const pipeline = new GetPipeline({
    backend,
    platform,
    partition: settings.partition,
    background,
    hashWorker,
    stallTimeoutMs: settings.stallTimeoutMs,
    onStored: (entry) => {
      if (entry.nifti) volumes.scheduleThumbnail(entry);
    },
  });
  return { settings, backend, pipeline, volumes, memoryTier, missing };
}
