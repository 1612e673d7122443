// The service-worker entry, used as an application's own service worker
// would: `volume-cache/service-worker`.
import { installVolumeCacheRoutes, type InstallVolumeCacheRoutesOptions } from 'volume-cache/service-worker';
import { assertType, type Equal } from './assertType.js';

// An unannotated callback: with `any` types `url` is an implicit-any error.
installVolumeCacheRoutes({ name: 'types-consumer', match: (url) => url.pathname.endsWith('.nii') });

assertType<Equal<InstallVolumeCacheRoutesOptions['extensions'], string[] | undefined>>();
assertType<Equal<ReturnType<typeof installVolumeCacheRoutes>, void>>();

// @ts-expect-error extensions is a list of file-name endings.
installVolumeCacheRoutes({ extensions: '.nii' });
