import { DEFAULTS } from '../defaults';
import { VolumeCacheError } from '../errors';
import { isUsableKey } from '../shared/isUsableKey';
import { validateMaxBytes, validateTtlSeconds } from '../metadata/validateConfig';
import type { EngineInitOptions } from '../protocol';
import { isReuseWindow } from '../shared/serviceWorkerConfig';
import { isValidPartitionName } from '../storage/PartitionFiles';

/** The engine's settings for one partition, checked and in the units the engine uses. */
export interface EngineSettings {
  partition: string;
  verifyOnRead: boolean;
  cacheAuthorized: boolean;
  stallTimeoutMs: number;
  fileLeaseMs: number;
  /** How long a stored file opened for one read is reused for the next ones (see PartitionContext). */
  reuseOpenedFileMs: number;
  /** null: the partition is not encrypted. */
  encryptionKey: CryptoKey | null;
  keepDecoded: boolean | 'pinned-only';
  thumbnails: boolean;
  memoryBytes: number;
  /** An absolute URL of the hash worker script, or null for the one the engine was started with. */
  hashWorkerUrl: string | null;
  /** Only when given: the stored configuration fills in the rest (see init). */
  maxBytes?: number;
  defaultTtlSeconds?: number;
}

/**
 * Checks init options as they arrive from the page, where TypeScript's types
 * no longer hold: every wrong value is an invalid-argument error naming the
 * option, thrown before anything is opened.
 */
export function parseEngineOptions(options: EngineInitOptions): EngineSettings {
  if (!isValidPartitionName(options.name)) {
    throw new VolumeCacheError('invalid-argument', `name must be 1-64 letters, digits, ".", "_" or "-", got ${JSON.stringify(options.name)}.`);
  }
  const maxBytes = options.maxBytes === undefined ? undefined : validateMaxBytes(options.maxBytes);
  const defaultTtlSeconds = options.defaultTtlSeconds === undefined ? undefined : validateTtlSeconds(options.defaultTtlSeconds, 'defaultTtlSeconds');
  const stallSeconds = options.stallTimeoutSeconds ?? DEFAULTS.stallTimeoutSeconds;
  if (typeof stallSeconds !== 'number' || !Number.isFinite(stallSeconds) || stallSeconds <= 0 || stallSeconds > 3600) {
    throw new VolumeCacheError('invalid-argument', `stallTimeoutSeconds must be a number of seconds from 0 to 3600 (exclusive of 0), got ${String(stallSeconds)}.`);
  }
  const leaseSeconds = options.fileLeaseSeconds ?? DEFAULTS.fileLeaseSeconds;
  if (typeof leaseSeconds !== 'number' || !Number.isFinite(leaseSeconds) || leaseSeconds < 0 || leaseSeconds > 86_400) {
    throw new VolumeCacheError('invalid-argument', `fileLeaseSeconds must be a number of seconds from 0 to 86400, got ${String(leaseSeconds)}.`);
  }
  const reuseOpenedFileMs = options.reuseOpenedFileMs ?? DEFAULTS.reuseOpenedFileMs;
  if (!isReuseWindow(reuseOpenedFileMs)) {
    throw new VolumeCacheError('invalid-argument', `reuseOpenedFileMs must be a number of milliseconds from 0 to 60000, got ${String(reuseOpenedFileMs)}.`);
  }
  // Present but undefined is a key not loaded yet, not "no encryption": refused, never a plaintext partition.
  if ('encryptionKey' in options && !isUsableKey(options.encryptionKey)) {
    throw new VolumeCacheError('invalid-argument', 'encryption.key must be an AES-GCM CryptoKey usable to encrypt and decrypt.');
  }
  const keepDecoded = options.keepDecoded ?? true;
  if (keepDecoded !== true && keepDecoded !== false && keepDecoded !== 'pinned-only') {
    throw new VolumeCacheError('invalid-argument', `keepDecoded must be true, false or "pinned-only", got ${JSON.stringify(keepDecoded)}.`);
  }
  const hashWorkerUrl = options.hashWorkerUrl ?? null;
  if (hashWorkerUrl !== null && (typeof hashWorkerUrl !== 'string' || !URL.canParse(hashWorkerUrl))) {
    throw new VolumeCacheError('invalid-argument', `hashWorkerUrl must be a URL string, got ${JSON.stringify(hashWorkerUrl)}.`);
  }
  return {
    partition: options.name,
    hashWorkerUrl,
    verifyOnRead: options.verifyOnRead === true,
    cacheAuthorized: options.cacheAuthorized === true,
    stallTimeoutMs: stallSeconds * 1000,
    fileLeaseMs: leaseSeconds * 1000,
    reuseOpenedFileMs,
    encryptionKey: options.encryptionKey ?? null,
    keepDecoded,
    thumbnails: options.thumbnails !== false,
    memoryBytes: options.memoryBytes === undefined ? DEFAULTS.memoryBytes : validateMaxBytes(options.memoryBytes, 'memoryBytes'),
    ...(maxBytes === undefined ? {} : { maxBytes }),
    ...(defaultTtlSeconds === undefined ? {} : { defaultTtlSeconds }),
  };
}
