export interface RangeReadResult {
  status: number;
  contentRange: string | null;
  contentLength: string | null;
  /** The body as plain numbers so it survives page.evaluate serialisation. */
  bytes: number[];
}

/** Fetches bytes start..end (inclusive) with a Range request, bypassing the HTTP cache. */
export async function readRangeFromServer(url: string, start: number, end: number): Promise<RangeReadResult> {
  const response = await fetch(url, { headers: { Range: `bytes=${start}-${end}` }, cache: 'no-store' });
  return {
    status: response.status,
    contentRange: response.headers.get('Content-Range'),
    contentLength: response.headers.get('Content-Length'),
    bytes: Array.from(new Uint8Array(await response.arrayBuffer())),
  };
}
