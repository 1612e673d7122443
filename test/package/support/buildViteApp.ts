import { build } from 'vite';

/**
 * `vite build` of a fixture app with Vite's defaults, as a new project gets
 * them (no config file: nothing the package would need an app to add).
 * public/ is copied to the output root, so a service worker installed
 * there is served at /volume-cache-sw.js.
 * @returns the output directory
 */
export async function buildViteApp(appDir: string): Promise<string> {
  const outDir = `${appDir}/dist`;
  await build({
    configFile: false,
    root: appDir,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
