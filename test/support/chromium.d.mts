export declare const DEFAULT_CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: string[];
/** Resolves once Chromium has declared startup complete (no BEST_EFFORT work held back); throws after `timeoutMs`. */
export declare function waitForBrowserStartup(context: import('playwright-core').BrowserContext, timeoutMs?: number): Promise<void>;
/** An executable Chromium (CHROME_PATH, else /usr/bin/chromium); throws with the fix if there is none. */
export declare function resolveChromium(): string;
/** The first line of `<executablePath> --version`. */
export declare function chromiumVersion(executablePath: string): string;
