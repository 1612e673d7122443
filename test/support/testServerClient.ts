import { inject } from 'vitest';
import type { RequestRecord } from '../server/requestLog';

// What a browser project's tests (Chromium, Firefox, WebKit) ask of the test
// server their globalSetup started (startTestServer): its URLs, its request
// log and its reset. Each project has its own server, so each log sees only
// its own browser.

export type { RequestRecord };

/** Origin of this project's test dev server, e.g. http://127.0.0.1:41234 */
export const baseURL: string = inject('baseURL');

export function urlFor(path: string): string {
  return new URL(path, baseURL).href;
}

/** The test page: window.volumeCache (/src/index.ts), sha256Hex, readRangeFromServer. */
export const testPageURL = urlFor('/test/browser/pages/index.html');

/** What the test server has seen for paths (with query) starting with `pathPrefix`, oldest first. */
export async function serverRequests(pathPrefix: string): Promise<RequestRecord[]> {
  const response = await fetch(urlFor(`/__test/requests?path=${encodeURIComponent(pathPrefix)}`));
  if (!response.ok) throw new Error(`GET /__test/requests: ${response.status}`);
  return (await response.json()) as RequestRecord[];
}

/** The GET requests the test server has seen for paths starting with `pathPrefix`, oldest first. */
export async function serverGets(pathPrefix: string): Promise<RequestRecord[]> {
  return (await serverRequests(pathPrefix)).filter((request) => request.method === 'GET');
}

/** Forgets the request log and the fails=/drops= counts. */
export async function resetServer(): Promise<void> {
  const response = await fetch(urlFor('/__test/reset'), { method: 'POST' });
  if (!response.ok) throw new Error(`POST /__test/reset: ${response.status}`);
}
