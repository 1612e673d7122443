/**
 * Faults a hostile server may throw at a download (query parameters of the
 * test server's /gen routes, see test/server/faults.ts), and what bytes a
 * success may carry: the content `versions` it may serve (none: it must
 * fail). Shared by the Node torture (test/unit/torture/) and its browser
 * counterpart (test/browser/soak/hostileSoak.test.ts), so both attack with
 * the same table.
 *
 * `keepable` false: a response the cache must not keep (Vary on a caller's
 * header; no-store is kept by get(), so it is keepable), for which nothing
 * may be evicted.
 */
export const HOSTILE_FAULTS: readonly { query: string; versions: readonly number[]; keepable?: false }[] = [
  { query: '', versions: [1] },
  { query: 'drop=40000&drops=1', versions: [1] },
  { query: 'norange=1&drop=30000&drops=1', versions: [1] },
  { query: 'stall=20000&stalls=1', versions: [1] },
  { query: 'status=503&fails=1', versions: [1] },
  { query: 'status=404', versions: [] },
  { query: 'html200=1', versions: [] },
  // A body cut short of its Content-Length is resumed: the whole file or an error.
  { query: 'short=50000', versions: [1] },
  { query: 'chunked=1', versions: [1] },
  { query: 'gzipenc=1', versions: [1] },
  { query: 'redirect=2', versions: [1] },
  { query: 'redirect=loop', versions: [] },
  { query: 'vary=X-Tenant', versions: [1], keepable: false },
  { query: 'cc=no-store', versions: [1] },
  { query: 'v=1,2', versions: [1, 2] },
  { query: 'v=2&label=1', versions: [2] },
  { query: 'ignoreifrange=1&v=1,2&drop=30000&drops=1', versions: [1, 2] },
  { query: 'noetag=1&ttl=0', versions: [1] },
];
