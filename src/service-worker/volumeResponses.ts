import { decryptRange } from '../encryption/readEncryptedFile';
import { parseRangeHeader } from './parseRangeHeader';
import type { CacheEntry } from '../types';

export type CacheHeaderValue = 'hit' | 'stale' | 'revalidated' | 'miss';

/** A stored volume's bytes: a plaintext File, or an encrypted file and its key (decrypted chunk by chunk as the body is read). */
export type StoredContent = { file: File } | { stored: Blob; encryptionKey: CryptoKey };

/**
 * A response for a stored volume: the File itself as the body (the browser
 * streams it from disk), range requests as a slice of it, HEAD from metadata.
 */
export async function responseFromEntry(request: Request, entry: CacheEntry, content: StoredContent, state: CacheHeaderValue): Promise<Response> {
  const slice = (start: number, end: number): Blob | ReadableStream<Uint8Array> =>
    'file' in content ? content.file.slice(start, end + 1) : decryptRange(content.stored, content.encryptionKey, entry.bytes, start, end);
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
  if (range.kind === 'whole') return new Response('file' in content ? content.file : slice(0, entry.bytes - 1), { status: 200, headers });
  if (range.kind === 'unsatisfiable') {
    // RFC 9110 asks a 416 to say the current length.
    return new Response(null, { status: 416, statusText: 'Range Not Satisfiable', headers: { 'Content-Range': `bytes */${entry.bytes}`, 'X-Volume-Cache': state } });
  }
  // Slicing the OPFS-backed File reads only that part from disk; an encrypted one decrypts only the chunks it covers.
  headers.set('Content-Range', `bytes ${range.start}-${range.end}/${entry.bytes}`);
  headers.set('Content-Length', String(range.end - range.start + 1));
  return new Response(slice(range.start, range.end), { status: 206, statusText: 'Partial Content', headers });
}

/** How many bytes of the volume a response built by responseFromEntry carries in its body. */
export function bodyBytesOf(request: Request, response: Response): number {
  if (request.method === 'HEAD' || response.status === 416) return 0;
  return Number(response.headers.get('Content-Length') ?? 0);
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
