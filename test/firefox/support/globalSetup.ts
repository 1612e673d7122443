import type { TestProject } from 'vitest/node';
import { resolveFirefox } from '../../support/firefox.mjs';
import { startTestServer } from '../../support/startTestServer';

/** Starts one dev server for the Firefox run: the same test page and routes as the Chromium project's, on a server of its own. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Fail the run up front, with the fix, rather than in every test file.
  resolveFirefox();
  const server = await startTestServer('.vite-firefox-tests');
  project.provide('baseURL', server.baseURL);
  return () => server.close();
}
