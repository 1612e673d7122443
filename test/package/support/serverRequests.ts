import type { RequestRecord } from '../../server/requestLog.ts';

/** What the fixture's server logged for paths (with query) starting with `pathPrefix`, oldest first. */
export async function serverRequests(origin: string, pathPrefix: string): Promise<RequestRecord[]> {
  const response = await fetch(`${origin}/__test/requests?path=${encodeURIComponent(pathPrefix)}`);
  if (!response.ok) throw new Error(`GET ${origin}/__test/requests: ${response.status}`);
  return (await response.json()) as RequestRecord[];
}

/** Forgets the server's request log (and its fault counts). */
export async function resetServerLog(origin: string): Promise<void> {
  const response = await fetch(`${origin}/__test/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`POST ${origin}/__test/reset: ${response.status}`);
}
