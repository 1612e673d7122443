/**
 * Fault injection for the /data and /gen routes, chosen per request by query
 * parameters so that a URL alone describes the misbehaviour under test. All
 * parameters compose. Because they are part of the URL, the browser's HTTP
 * cache and the library's cache keys see each faulty URL as its own resource.
 *
 * | parameter       | effect                                                                                  |
 * |-----------------|-----------------------------------------------------------------------------------------|
 * | status=<code>   | answer <code> with a short text/plain body (429 and 503 also send Retry-After: 1)       |
 * | html200=1       | answer 200 text/html with an error page instead of the bytes (captive portal, proxy)   |
 * | fails=<n>       | status= and html200= hit only the first n GETs of this exact URL; later GETs are served |
 * | drop=<bytes>    | destroy the connection after <bytes> body bytes (browser sees a network error)         |
 * | drops=<n>       | drop= hits only the first n body-sending GETs of this exact URL (default: every one)   |
 * | stall=<bytes>   | after <bytes> body bytes send nothing more but keep the connection open (a hung link)  |
 * | stalls=<n>      | stall= hits only the first n body-sending GETs of this exact URL (default: every one)  |
 * | norange=1       | ignore Range and If-Range (always 200 with the full body), send no Accept-Ranges       |
 * | noetag=1        | send no ETag and no Last-Modified (so never 304, and If-Range never matches)           |
 * | chunked=1       | omit Content-Length (chunked transfer encoding)                                         |
 * | short=<bytes>   | advertise the full Content-Length but end cleanly after <bytes> body bytes, then close |
 * | gzipenc=1       | Content-Encoding: gzip, compressed on the fly, no Content-Length; Range ignored (like   |
 * |                 | nginx), so the browser hands the page the decoded bytes of the whole file               |
 * | delay=<ms>      | wait before sending the status line and headers                                         |
 * | rate=<B/s>      | throttle the body to about <B/s> bytes per second                                       |
 * | cc=<value>      | Cache-Control value (default "no-cache")                                                |
 * | ttl=<seconds>   | add max-age=<seconds> to Cache-Control                                                  |
 * | v=<n>           | /gen only, not a fault: content version; changes bytes, ETag and Last-Modified          |
 *
 * "This exact URL" is path plus query as the client sent it (Range is a header,
 * so a resumed download counts as the same URL). POST /__test/reset forgets
 * the counts. HEAD requests never use up a count.
 */
export interface Faults {
  status?: number;
  html200: boolean;
  fails?: number;
  dropAfterBytes?: number;
  drops?: number;
  stallAfterBytes?: number;
  stalls?: number;
  noRange: boolean;
  noETag: boolean;
  chunked: boolean;
  shortAfterBytes?: number;
  gzip: boolean;
  delayMs: number;
  rateBytesPerSecond?: number;
  cacheControl: string;
}

/** Throws on a malformed value: a typo in a test URL must not silently mean "no fault". */
export function parseFaults(query: URLSearchParams): Faults {
  const ttl = count(query, 'ttl');
  const cc = query.get('cc') ?? (ttl === undefined ? 'no-cache' : undefined);
  return {
    status: statusCode(query),
    html200: flag(query, 'html200'),
    fails: count(query, 'fails'),
    dropAfterBytes: count(query, 'drop'),
    drops: count(query, 'drops'),
    stallAfterBytes: count(query, 'stall'),
    stalls: count(query, 'stalls'),
    noRange: flag(query, 'norange'),
    noETag: flag(query, 'noetag'),
    chunked: flag(query, 'chunked'),
    shortAfterBytes: count(query, 'short'),
    gzip: flag(query, 'gzipenc'),
    delayMs: count(query, 'delay') ?? 0,
    rateBytesPerSecond: positive(query, 'rate'),
    cacheControl: [cc, ttl === undefined ? undefined : `max-age=${ttl}`].filter(Boolean).join(', '),
  };
}

function flag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null || value === '0') return false;
  if (value === '1' || value === '') return true;
  throw new Error(`${name}=${value}: expected 1 or 0`);
}

function count(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`${name}=${value}: expected a non-negative integer`);
  return Number(value);
}

function positive(query: URLSearchParams, name: string): number | undefined {
  const value = count(query, name);
  if (value === 0) throw new Error(`${name}=0: expected a positive integer`);
  return value;
}

function statusCode(query: URLSearchParams): number | undefined {
  const value = count(query, 'status');
  if (value !== undefined && (value < 200 || value > 599)) throw new Error(`status=${value}: expected 200..599`);
  return value;
}
