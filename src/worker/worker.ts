import { expose } from 'comlink';
import { installErrorTransferHandler } from '../shared/errorTransfer';
import { browserPlatform, createEngine } from '../engine/createEngine';

installErrorTransferHandler();
// The nested hash worker is named here, in the worker's entry, as a literal
// `new Worker(new URL(...))`: the form an application's bundler follows when
// it bundles this worker, and which stays relative when dist/ is served as is.
expose(createEngine(browserPlatform(() => new Worker(new URL('./sha256Worker.ts', import.meta.url), { type: 'module', name: 'volume-cache-sha256' }))));
