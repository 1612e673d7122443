import { DEFAULTS } from '../defaults';
import { VolumeCacheError } from '../errors';

/**
 * What the prebuilt service worker intercepts and how, carried in its script
 * URL's query string so it survives service-worker restarts and a change of
 * configuration installs a new version.
 */
export interface ServiceWorkerConfig {
  /** Partition shared with the page's cache. */
  name: string;
  /** File-name endings that mark a volume. @default [".nii", ".nii.gz"] */
  extensions: string[];
  /** Only URLs under these path prefixes, if any are given. */
  pathPrefixes: string[];
  /** Regular expressions (sources) the whole URL may match instead of an extension. */
  patterns: string[];
  /** The flags of each pattern, by position ('' or missing: none). */
  patternFlags: string[];
  /** Origins besides the service worker's own whose volumes are cached. */
  origins: string[];
  /** Query parameters left out of the cache key (signed-URL tokens); use cacheKeyIgnoring() on the page too. */
  ignoreSearchParams: string[];
  skipWaiting: boolean;
  clientsClaim: boolean;
  /** Cache responses marked Cache-Control: no-store. @default false */
  cacheNoStore: boolean;
  /** Cache cross-origin responses to credentialed requests. @default false */
  cacheCredentialed: boolean;
  /** Cache responses to requests carrying Authorization. @default false */
  cacheAuthorized: boolean;
  /**
   * The browser profile is shared by several people (a ward workstation):
   * responses marked Cache-Control: private are then not cached. @default false
   */
  shared: boolean;
  /** Validate as NIfTI ("nifti") or cache any matching body ("any"). @default "nifti" */
  expect: 'nifti' | 'any';
  /**
   * Also keep the application itself available offline: other same-origin GETs
   * are answered network-first from a Cache Storage copy, so a reload with
   * the network gone still opens the page. @default false
   */
  offlineShell: boolean;
  /** How long a stored file opened for one request is reused for the next ones, ms. @default 2000 */
  reuseOpenedFileMs: number;
}

/** The message a page sends the service worker with an encrypted partition's key. */
export const ENCRYPTION_KEY_MESSAGE = 'volume-cache:encryption-key';
/** A page asks the service worker its library version with this message; the answer comes on the port sent with it. */
export const VERSION_MESSAGE = 'volume-cache:version';

export const DEFAULT_SERVICE_WORKER_CONFIG: ServiceWorkerConfig = {
  name: 'default',
  extensions: ['.nii', '.nii.gz'],
  pathPrefixes: [],
  patterns: [],
  patternFlags: [],
  origins: [],
  ignoreSearchParams: [],
  skipWaiting: true,
  clientsClaim: true,
  cacheNoStore: false,
  cacheCredentialed: false,
  cacheAuthorized: false,
  shared: false,
  expect: 'nifti',
  offlineShell: false,
  reuseOpenedFileMs: DEFAULTS.reuseOpenedFileMs,
};

const LISTS = ['extensions', 'pathPrefixes', 'patterns', 'patternFlags', 'origins', 'ignoreSearchParams'] as const;
const FLAGS = ['skipWaiting', 'clientsClaim', 'cacheNoStore', 'cacheCredentialed', 'cacheAuthorized', 'shared', 'offlineShell'] as const;

export function encodeServiceWorkerConfig(config: ServiceWorkerConfig): URLSearchParams {
  const query = new URLSearchParams({ name: config.name, expect: config.expect, reuseOpenedFileMs: String(config.reuseOpenedFileMs) });
  for (const list of LISTS) for (const value of config[list]) query.append(list, value);
  for (const flag of FLAGS) query.set(flag, config[flag] ? '1' : '0');
  return query;
}

export function decodeServiceWorkerConfig(query: URLSearchParams): ServiceWorkerConfig {
  const config: ServiceWorkerConfig = { ...DEFAULT_SERVICE_WORKER_CONFIG };
  if (query.has('name')) config.name = query.get('name') as string;
  const expect = query.get('expect');
  if (expect === 'any' || expect === 'nifti') config.expect = expect;
  for (const list of LISTS) if (query.has(list)) config[list] = query.getAll(list);
  for (const flag of FLAGS) if (query.has(flag)) config[flag] = query.get(flag) === '1';
  const reuseMs = Number(query.get('reuseOpenedFileMs') ?? Number.NaN);
  if (isReuseWindow(reuseMs)) config.reuseOpenedFileMs = reuseMs;
  config.patterns.forEach((pattern, index) => compilePattern(pattern, config.patternFlags[index]));
  return config;
}

/** A reuse window the engine accepts: whole or fractional milliseconds from 0 to 60 s. */
export function isReuseWindow(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 && ms <= 60_000;
}

export function compilePattern(source: string, flags = ''): RegExp {
  try {
    return new RegExp(source, flags);
  } catch {
    throw new VolumeCacheError('invalid-argument', `match pattern ${JSON.stringify(source)}${flags ? ` with flags "${flags}"` : ''} is not a valid regular expression.`);
  }
}
