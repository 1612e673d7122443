import { parseRangeHeader } from './parseRangeHeader';
import type { CacheEntry } from '../types';

export type CacheHeaderValue = 'hit' | 'stale' | 'revalidated' | 'miss';

/**
 * A response for a stored volume: the File itself as the body (the browser
 * streams it from disk), range requests as a slice of it, HEAD from metadata.
 */
export async function responseFromEntry(request: Request, entry: CacheEntry, file: File, state: CacheHeaderValue): Promise<Response> {
  const headers = new Headers({
    'Content-Type': entry.contentType,
    'Content-Length': String(entry.bytes),
    'Accept-Ranges': 'bytes',
    ETag: entry.etag ?? `"sha256-${entry.sha256}"`,
    'X-Volume-Cache': state,
  });
  if (entry.lastModified) headers.set('Last-Modified', entry.lastModified);
  if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
  const range = parseRangeHeader(request.headers.get('Range'), entry.bytes);
  if (range.kind === 'whole') return new Response(file, { status: 200, headers });
  if (range.kind === 'unsatisfiable') {
    // RFC 9110 asks a 416 to say the current length.
    return new Response(null, { status: 416, statusText: 'Range Not Satisfiable', headers: { 'Content-Range': `bytes */${entry.bytes}`, 'X-Volume-Cache': state } });
  }
  // Slicing the OPFS-backed File reads only that part from disk.
  headers.set('Content-Range', `bytes ${range.start}-${range.end}/${entry.bytes}`);
  headers.set('Content-Length', String(range.end - range.start + 1));
  return new Response(file.slice(range.start, range.end + 1), { status: 206, statusText: 'Partial Content', headers });
}

/** A miss while the network is unreachable: a clear answer instead of a hang or a bare network error. */
export function notAvailableOfflineResponse(url: string): Response {
  const body = {
    error: 'not-available-offline',
    url,
    message: 'This volume is not in the offline cache and the network is unreachable. Load it once while online, or pin it to keep it available offline.',
  };
  return new Response(JSON.stringify(body), {
    status: 504,
    statusText: 'Gateway Timeout',
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Volume-Cache': 'offline-miss' },
  });
}

export function withCacheHeader(response: Response, body: ReadableStream<Uint8Array> | null, state: CacheHeaderValue): Response {
  const headers = new Headers(response.headers);
  headers.set('X-Volume-Cache', state);
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}
