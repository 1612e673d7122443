// Entry for applications that build their own service worker:
//   import { installVolumeCacheRoutes } from 'volume-cache/service-worker';
export { installVolumeCacheRoutes, type InstallVolumeCacheRoutesOptions } from './installVolumeCacheRoutes';
export type { ServiceWorkerConfig } from '../shared/serviceWorkerConfig';
