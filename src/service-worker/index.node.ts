// What `volume-cache/service-worker` resolves to under the "node" export
// condition. Workbox's modules touch `self` when they load, so the real entry
// cannot be imported in Node; server-side rendering that reaches this module
// through a shared import gets one that loads, and a call that says why it
// cannot work there.
import { VolumeCacheError } from '../errors';
import type { InstallVolumeCacheRoutesOptions } from './installVolumeCacheRoutes';

export type { InstallVolumeCacheRoutesOptions };
export type { ServiceWorkerConfig } from '../shared/serviceWorkerConfig';

export function installVolumeCacheRoutes(_options?: InstallVolumeCacheRoutesOptions): void {
  throw new VolumeCacheError('unsupported', 'installVolumeCacheRoutes() runs in a service worker; this is Node (server-side rendering or a test), where it cannot.');
}
