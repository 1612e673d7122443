/// <reference lib="webworker" />
// The prebuilt service worker (dist/volume-cache-sw.js): its configuration
// comes from the query string registerVolumeCacheServiceWorker() puts on it.
import { installVolumeCacheRoutes } from './installVolumeCacheRoutes';
import { decodeServiceWorkerConfig } from '../shared/serviceWorkerConfig';

declare const self: ServiceWorkerGlobalScope;

installVolumeCacheRoutes(decodeServiceWorkerConfig(new URL(self.location.href).searchParams));
