import { VolumeCacheError } from '../errors';
import { ZERO_TOTALS, type CacheTotals } from '../metadata/MetadataStore';
import type { MissingCapability, CacheConfig } from '../types';
import type { EngineBackend } from './EngineBackend';
import { downloadUncached } from './downloadUncached';

/**
 * The engine without storage (IndexedDB, OPFS or WebAssembly missing): every
 * get downloads into memory and hands the body out uncached; nothing is kept
 * but the totals, in memory, so stats() still says what happened.
 */
export class NetworkOnlyBackend implements EngineBackend {
  readonly mode = 'network-only' as const;
  readonly changes = { post: (): void => undefined, close: (): void => undefined };
  private readonly totals: CacheTotals = { ...ZERO_TOTALS };

  constructor(
    private current: CacheConfig,
    /** What is missing, for the error pin() gives. */
    private readonly missing: readonly MissingCapability[],
  ) {}

  partition = (): null => null;
  config = (): CacheConfig => this.current;

  async configure(config: CacheConfig): Promise<void> {
    this.current = config;
  }

  async addTotals(delta: Partial<CacheTotals>): Promise<void> {
    for (const [name, value] of Object.entries(delta) as [keyof CacheTotals, number][]) this.totals[name] += value;
  }

  entry = async (): Promise<null> => null;
  readFile = async (): Promise<null> => null;
  readBytes = async (): Promise<null> => null;
  plainBytes = async (): Promise<null> => null;

  async download({ download, expectedSha256 }: Parameters<EngineBackend['download']>[0]): ReturnType<EngineBackend['download']> {
    const { revalidate: _none, ...request } = download;
    const { file, bytesFromNetwork } = await downloadUncached(request, expectedSha256, this.current.maxBytes);
    await this.addTotals({ misses: 1, uncached: 1, downloads: 1, bytesFromNetwork });
    return { file, status: 'uncached', entry: null };
  }

  countHit: EngineBackend['countHit'] = (entry) => entry;
  touch: EngineBackend['touch'] = async (entry) => entry;
  hitsRecorded = async (): Promise<void> => undefined;

  async pin(url: string): Promise<never> {
    throw new VolumeCacheError('unsupported', `Cannot pin ${url}: storage is unavailable (${this.missing.join(', ')}).`, { url });
  }

  unpin = async (): Promise<boolean> => false;
  invalidate = async (): Promise<boolean> => false;
  clear = async (): Promise<void> => undefined;
  cleanup = async (): ReturnType<EngineBackend['cleanup']> => ({ expired: 0, evicted: 0, temporaries: 0, orphanFiles: 0 });
  entries = async (): ReturnType<EngineBackend['entries']> => [];

  readMemo = async (): Promise<null> => null;
  /** None: with nothing stored, memo() computes and keeps nothing, so no source needs caching first. */
  uncachedKeys = async (): Promise<string[]> => [];
  writeMemo = async (): Promise<void> => undefined;

  lookup = async (): Promise<null> => null;
  setServiceWorkerStatus = async (): Promise<void> => undefined;

  async statsInputs(): ReturnType<EngineBackend['statsInputs']> {
    return { entries: null, totals: { ...this.totals }, derived: { total: 0, count: 0 }, serviceWorker: null, writePath: 'none' };
  }

  close = async (): Promise<void> => undefined;
}
