import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ByteSource } from './byteSource.ts';
import type { Faults } from './faults.ts';
import { requestedRange } from './rangeHeader.ts';
import { ifRangeMatches, isNotModified, type Validators } from './validators.ts';
import { writeBody } from './writeBody.ts';

export interface ServeOptions {
  faults: Faults;
  /** Asked once, when a body is about to be sent: does drop= hit this request? */
  claimDrop: () => boolean;
  /** Likewise for stall=. */
  claimStall: () => boolean;
  onBodyBytes: (count: number) => void;
}

/**
 * Answers a GET or HEAD for `source` the way a real static file server does
 * (validators, 304, single ranges, 416), bent by the transfer-level faults.
 */
export async function serveBytes(
  request: IncomingMessage,
  response: ServerResponse,
  source: ByteSource,
  { faults, claimDrop, claimStall, onBodyBytes }: ServeOptions,
): Promise<void> {
  const validators: Validators = faults.noETag ? {} : { etag: source.etag, lastModified: source.lastModified };
  const headers: OutgoingHttpHeaders = {
    'Cache-Control': faults.cacheControl,
    ...(faults.vary === undefined ? {} : { Vary: faults.vary }),
    ...(validators.etag === undefined ? {} : { ETag: validators.etag }),
    ...(validators.lastModified === undefined ? {} : { 'Last-Modified': validators.lastModified.toUTCString() }),
  };

  if (isNotModified(request, validators)) {
    response.writeHead(304, headers).end();
    return;
  }

  const rangesSupported = !faults.noRange && !faults.gzip && !faults.labelGzip;
  const range = rangesSupported && (faults.ignoreIfRange || ifRangeMatches(request, validators))
    ? requestedRange(header(request, 'range'), source.size)
    : { kind: 'whole' as const };
  if (rangesSupported) headers['Accept-Ranges'] = 'bytes';

  if (range.kind === 'unsatisfiable') {
    response.writeHead(416, { ...headers, 'Content-Range': `bytes */${source.size}`, 'Content-Length': 0 }).end();
    return;
  }

  const [start, end] = range.kind === 'part' ? [range.start, range.end] : [0, source.size - 1];
  const length = end - start + 1;
  headers['Content-Type'] = 'application/octet-stream';
  if (range.kind === 'part') headers['Content-Range'] = `bytes ${start}-${end}/${source.size}`;
  if (faults.gzip || faults.labelGzip) headers['Content-Encoding'] = 'gzip';
  if (!faults.gzip && !faults.chunked) headers['Content-Length'] = length;
  // Without this the client would wait for the missing bytes on a kept-alive connection.
  if (faults.shortAfterBytes !== undefined) headers['Connection'] = 'close';

  response.writeHead(range.kind === 'part' ? 206 : 200, headers);
  if (request.method === 'HEAD' || length <= 0) {
    response.end();
    return;
  }

  const stallAfter = faults.stallAfterBytes !== undefined && claimStall() ? faults.stallAfterBytes : undefined;
  const dropAfter = faults.dropAfterBytes !== undefined && claimDrop() ? faults.dropAfterBytes : undefined;
  const shortAfter = faults.shortAfterBytes;
  const cut =
    stallAfter !== undefined
      ? { afterBytes: stallAfter, how: 'stall' as const }
      : dropAfter !== undefined && (shortAfter === undefined || dropAfter <= shortAfter)
        ? { afterBytes: dropAfter, how: 'drop' as const }
        : shortAfter === undefined
          ? undefined
          : { afterBytes: shortAfter, how: 'end' as const };
  const body = cut?.afterBytes === 0 ? [] : faults.gzip ? gzipped(source.chunks(start, end)) : source.chunks(start, end);
  await writeBody(response, body, {
    cut,
    rateBytesPerSecond: faults.rateBytesPerSecond,
    onBytes: onBodyBytes,
  });
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function gzipped(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const gzip = createGzip();
  // Errors surface through the gzip stream the caller iterates.
  pipeline(Readable.from(body, { objectMode: false }), gzip, () => {});
  return gzip;
}
