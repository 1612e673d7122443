export declare const DEFAULT_FIREFOX_PATH: string;
/** An executable Firefox (FIREFOX_PATH, else /usr/bin/firefox-esr); throws with the fix if there is none. */
export declare function resolveFirefox(): string;
/** The first line of `<executablePath> --version`. */
export declare function firefoxVersion(executablePath: string): string;
