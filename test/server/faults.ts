/**
 * Fault injection for the /data and /gen routes, chosen per request by query
 * parameters so that a URL alone describes the misbehaviour under test. All
 * parameters compose. Because they are part of the URL, the browser's HTTP
 * cache and the library's cache keys see each faulty URL as its own resource.
 * /gen/<k>-<seed>.nii.gz (k <= 256) is the same volume gzipped with stored
 * deflate blocks, so all its versions have one length (generatedGzipVolume.ts).
 *
 * | parameter         | effect                                                                                  |
 * |-------------------|-----------------------------------------------------------------------------------------|
 * | status=<code>     | answer <code> with a short text/plain body (429 and 503 also send Retry-After: 1)       |
 * | retryafter=<when> | Retry-After of a status= answer: <seconds>, date+<seconds> or date-<seconds> (an        |
 * |                   | HTTP-date that far from the server's clock), or none; default 1 for 429 and 503         |
 * | html200=1         | answer 200 text/html with an error page instead of the bytes (captive portal, proxy)   |
 * | fails=<n>         | status= and html200= hit only the first n GETs of this exact URL; later GETs are served |
 * | failafter=<k>     | status= and html200= spare the first k GETs of this exact URL (a server that falls over |
 * |                   | mid-download); with fails=<n> they then hit the n GETs after those                      |
 * | redirect=<n>      | answer 302 to this URL with redirect=<n-1> (redirect=1 points at the URL without it),   |
 * |                   | so the bytes come after n hops; redirect=loop points at this very URL, forever          |
 * | drop=<bytes>      | destroy the connection after <bytes> body bytes (browser sees a network error)         |
 * | drops=<n>         | drop= hits only the first n body-sending GETs of this exact URL (default: every one)   |
 * | stall=<bytes>     | after <bytes> body bytes send nothing more but keep the connection open (a hung link)  |
 * | stalls=<n>        | stall= hits only the first n body-sending GETs of this exact URL (default: every one)  |
 * | norange=1         | ignore Range and If-Range (always 200 with the full body), send no Accept-Ranges       |
 * | ignoreifrange=1   | honour Range even when If-Range names another version (a server that ignores If-Range) |
 * | noetag=1          | send no ETag and no Last-Modified (so never 304, and If-Range never matches)           |
 * | chunked=1         | omit Content-Length (chunked transfer encoding)                                         |
 * | short=<bytes>     | advertise the full Content-Length but end cleanly after <bytes> body bytes, then close |
 * | gzipenc=1         | Content-Encoding: gzip, compressed on the fly, no Content-Length; Range ignored (like   |
 * |                   | nginx), so the browser hands the page the decoded bytes of the whole file               |
 * | gzlabel=1         | the file's own bytes, with Content-Length, labelled Content-Encoding: gzip (what Vite's |
 * |                   | servers and sirv send for a .gz file): the browser inflates a .nii.gz into its .nii     |
 * | delay=<ms>        | wait before sending the status line and headers                                         |
 * | rate=<B/s>        | throttle the body to about <B/s> bytes per second                                       |
 * | cc=<value>        | Cache-Control value (default "no-cache")                                                |
 * | ttl=<seconds>     | add max-age=<seconds> to Cache-Control                                                  |
 * | vary=<value>      | send Vary: <value> (a response that may differ per request header)                      |
 * | members=<n>       | /gen .nii.gz only: the gzip file as n concatenated members (`cat a.gz b.gz`, as BGZF)   |
 * | v=<n>             | /gen only, not a fault: content version; changes bytes, ETag and Last-Modified          |
 * | v=<n>,<m>,...     | /gen only: the file changes on the server: the first GET of this exact URL that reaches |
 * |                   | the bytes gets version n, the next m, ..., and the last version every later one         |
 * | label=<n>         | /gen only: send the ETag and Last-Modified of version <n> whatever version's bytes are |
 * |                   | served (a server that changes a file but not its validators)                            |
 *
 * "This exact URL" is path plus query as the client sent it (Range is a header,
 * so a resumed download counts as the same URL). POST /__test/reset forgets
 * the counts. HEAD requests never use up a count (and get the version a GET
 * would get next).
 */
export interface Faults {
  status?: number;
  /** The Retry-After header value to send with status=, or undefined for none. */
  retryAfter?: string;
  html200: boolean;
  fails?: number;
  failAfter?: number;
  /** Hops left before the bytes, or 'loop'. */
  redirect?: number | 'loop';
  dropAfterBytes?: number;
  drops?: number;
  stallAfterBytes?: number;
  stalls?: number;
  noRange: boolean;
  ignoreIfRange: boolean;
  noETag: boolean;
  chunked: boolean;
  shortAfterBytes?: number;
  gzip: boolean;
  labelGzip: boolean;
  delayMs: number;
  rateBytesPerSecond?: number;
  cacheControl: string;
  /** The Vary header to send, or undefined for none. */
  vary?: string;
  /** /gen .nii.gz: how many gzip members the file is made of (undefined: one). */
  members?: number;
  /** Content versions served to successive GETs (/gen); undefined: version 1. */
  versions?: number[];
  /** Version whose validators are sent (/gen); undefined: the served version's. */
  label?: number;
}

/** Throws on a malformed value: a typo in a test URL must not silently mean "no fault". */
export function parseFaults(query: URLSearchParams): Faults {
  const ttl = count(query, 'ttl');
  const cc = query.get('cc') ?? (ttl === undefined ? 'no-cache' : undefined);
  const status = statusCode(query);
  return {
    status,
    retryAfter: retryAfter(query, status),
    html200: flag(query, 'html200'),
    fails: count(query, 'fails'),
    failAfter: count(query, 'failafter'),
    redirect: query.get('redirect') === 'loop' ? 'loop' : positive(query, 'redirect'),
    dropAfterBytes: count(query, 'drop'),
    drops: count(query, 'drops'),
    stallAfterBytes: count(query, 'stall'),
    stalls: count(query, 'stalls'),
    noRange: flag(query, 'norange'),
    ignoreIfRange: flag(query, 'ignoreifrange'),
    noETag: flag(query, 'noetag'),
    chunked: flag(query, 'chunked'),
    shortAfterBytes: count(query, 'short'),
    gzip: flag(query, 'gzipenc'),
    labelGzip: flag(query, 'gzlabel'),
    delayMs: count(query, 'delay') ?? 0,
    rateBytesPerSecond: positive(query, 'rate'),
    cacheControl: [cc, ttl === undefined ? undefined : `max-age=${ttl}`].filter(Boolean).join(', '),
    ...(query.has('vary') ? { vary: query.get('vary')! } : {}),
    ...(query.has('members') ? { members: positive(query, 'members')! } : {}),
    versions: versions(query),
    label: count(query, 'label'),
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

/** digits: delta-seconds; date+N / date-N: an HTTP-date N seconds from now, made per request; none: no header. */
function retryAfter(query: URLSearchParams, status: number | undefined): string | undefined {
  const value = query.get('retryafter');
  if (value === null) return status === 429 || status === 503 ? '1' : undefined;
  if (value === 'none') return undefined;
  if (/^\d+$/.test(value)) return value;
  const relative = /^date([+-])(\d+)$/.exec(value);
  // "+" arrives as a space when the test did not percent-encode it.
  const spaced = /^date (\d+)$/.exec(value);
  if (relative || spaced) {
    const seconds = relative ? Number(relative[2]) * (relative[1] === '-' ? -1 : 1) : Number(spaced![1]);
    return new Date(Date.now() + seconds * 1000).toUTCString();
  }
  throw new Error(`retryafter=${value}: expected <seconds>, date+<seconds>, date-<seconds> or none`);
}

function versions(query: URLSearchParams): number[] | undefined {
  const value = query.get('v');
  if (value === null) return undefined;
  if (!/^\d+(,\d+)*$/.test(value)) throw new Error(`v=${value}: expected a version or a comma-separated list of versions`);
  return value.split(',').map(Number);
}
