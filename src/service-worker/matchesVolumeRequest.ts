import { compilePattern, type ServiceWorkerConfig } from '../shared/serviceWorkerConfig';

export type VolumeMatcher = (url: URL) => boolean;

/**
 * Which requests are volumes: same origin (or a listed origin), under a
 * listed path prefix if any, and with a volume extension or matching a
 * pattern. Only GET and HEAD are ever considered by the caller.
 */
export function createVolumeMatcher(config: Pick<ServiceWorkerConfig, 'extensions' | 'pathPrefixes' | 'patterns' | 'patternFlags' | 'origins'>, ownOrigin: string): VolumeMatcher {
  const patterns = config.patterns.map((pattern, index) => compilePattern(pattern, config.patternFlags[index]));
  const origins = new Set([ownOrigin, ...config.origins.map((origin) => new URL(origin).origin)]);
  const extensions = config.extensions.map((extension) => extension.toLowerCase());
  return (url) => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (!origins.has(url.origin)) return false;
    if (config.pathPrefixes.length > 0 && !config.pathPrefixes.some((prefix) => url.pathname.startsWith(prefix))) return false;
    const path = url.pathname.toLowerCase();
    return extensions.some((extension) => path.endsWith(extension)) || patterns.some((pattern) => pattern.test(url.href));
  };
}
