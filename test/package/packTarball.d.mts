/** Everything the package tests write: the tarball, the extracted package, the fixture apps. */
export declare const PACKAGE_ARTIFACTS_DIR: string;
/** The tarball, under a name that does not change with the version. */
export declare const TARBALL_PATH: string;
/** What the last pack printed (absent when VOLUME_CACHE_TARBALL gave the tarball). */
export declare const PACK_LOG_PATH: string;
/** The tarball extracted: the package root (package.json, dist/, bin/). */
export declare const PACKAGE_DIR: string;
/** Packs the current source (or VOLUME_CACHE_TARBALL) and extracts it; returns TARBALL_PATH. */
export declare function packTarball(): string;
