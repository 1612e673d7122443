import type { TestProject } from 'vitest/node';
import { startTestServer } from '../../support/startTestServer';
import { resolveWebKitBinaries } from '../../support/webkit.mjs';

/** Starts one dev server for the WebKit run: the same test page and routes as the Chromium project's, on a server of its own. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Fail the run up front, with the apt-get line, rather than in every describe.
  resolveWebKitBinaries();
  const server = await startTestServer('.vite-webkit-tests');
  project.provide('baseURL', server.baseURL);
  return () => server.close();
}
