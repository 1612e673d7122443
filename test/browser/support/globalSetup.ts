import type { TestProject } from 'vitest/node';
import { resolveChromium } from '../../support/chromium.mjs';
import { startTestServer } from '../../support/startTestServer';

/** Starts one dev server for the whole Chromium test run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Fail the run up front, with the fix, rather than in every test file.
  resolveChromium();
  const server = await startTestServer('.vite-browser-tests');
  project.provide('baseURL', server.baseURL);
  return () => server.close();
}
