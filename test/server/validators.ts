import type { IncomingMessage } from 'node:http';

export interface Validators {
  etag?: string;
  lastModified?: Date;
}

/**
 * Whether a GET/HEAD may be answered 304. If-None-Match wins over
 * If-Modified-Since when both are sent (RFC 9110 13.2.2); If-None-Match uses
 * weak comparison, so W/"x" matches "x".
 */
export function isNotModified(request: IncomingMessage, { etag, lastModified }: Validators): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (etag === undefined) return false;
    if (ifNoneMatch.trim() === '*') return true;
    return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
  }
  const ifModifiedSince = request.headers['if-modified-since'];
  if (ifModifiedSince === undefined || lastModified === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && lastModified.getTime() <= since;
}

/**
 * Whether a Range request may be honoured: without If-Range always; with it
 * only if it names the current representation, by strong ETag or by exact
 * Last-Modified date. Otherwise the client gets the whole new body.
 */
export function ifRangeMatches(request: IncomingMessage, { etag, lastModified }: Validators): boolean {
  const ifRange = request.headers['if-range'];
  if (ifRange === undefined) return true;
  const value = String(ifRange).trim();
  if (value.startsWith('W/')) return false;
  if (value.startsWith('"')) return etag !== undefined && value === etag;
  const date = Date.parse(value);
  return lastModified !== undefined && !Number.isNaN(date) && date === lastModified.getTime();
}
