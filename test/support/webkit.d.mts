/** Debian 12 packages the WebKit run needs. */
export declare const WEBKIT_DEBIAN_PACKAGES: string[];
/** Everything the WebKit run starts. */
export interface WebKitBinaries {
  /** WebKitGTK's WebDriver server (webkit2gtk-driver). */
  driver: string;
  /** The GTK port's MiniBrowser (libwebkit2gtk-4.1-0): the "as shipped" browser. */
  miniBrowser: string;
  /** The interpreter for the launcher (python3-gi, gir1.2-webkit2-4.1). */
  python: string;
  /** test/webkit/support/webkitLauncher.py: the persistent-profile browser. */
  launcher: string;
  xvfb: string;
  /** e.g. "WebKitGTK 2.50.6". */
  version: string;
}
/** Everything the WebKit run starts; throws with the apt-get line if something is missing. */
export declare function resolveWebKitBinaries(): WebKitBinaries;
/** Checks everything the run needs, like resolveWebKitBinaries(), and returns Debian's MiniBrowser (MINIBROWSER_PATH overrides): the shape ensure-browsers.mjs expects. */
export declare function resolveWebKit(): string;
/** e.g. "WebKitGTK 2.50.6", from the library the launcher loads. */
export declare function webkitVersion(miniBrowser?: string): string;
