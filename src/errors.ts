/**
 * Every failure the cache reports is a VolumeCacheError with a `code` from
 * this table, so callers branch on codes rather than on message text.
 */
export const ERROR_CODES = [
  'network',
  'http-status',
  'integrity',
  'not-nifti',
  'quota',
  'aborted',
  'unsupported',
  'corrupt',
  'invalid-argument',
  'closed',
  'key-mismatch',
] as const;

export type VolumeCacheErrorCode = (typeof ERROR_CODES)[number];

/** What the user can do about each code; the specific cause is appended. */
const ADVICE: Record<VolumeCacheErrorCode, string> = {
  network: 'The download failed on the network. Check the connection and try again.',
  'http-status': 'The server refused the request. Check the URL and your access to it.',
  integrity: 'The downloaded bytes do not match the expected hash. Nothing was cached; check the integrity value or the source.',
  'not-nifti': 'The response is not a NIfTI volume (pass expect: "any" to cache other files). Nothing was cached.',
  quota: 'The browser has no room left for this volume. Free space with clear() or unpin entries, or raise maxBytes.',
  aborted: 'The request was aborted by the caller. Nothing was cached.',
  unsupported: 'This browser lacks a capability the cache needs for this operation.',
  corrupt: 'The data is damaged (truncated or failing its checksum). Nothing damaged was cached.',
  'invalid-argument': 'An argument is invalid; see the message for which one.',
  closed: 'This cache was closed. Create a new one with createVolumeCache().',
  'key-mismatch': 'The encryption key does not fit this cache partition. Open it with the key it was created with, or destroy() it and start afresh.',
};

export interface VolumeCacheErrorDetails {
  /** The URL the operation concerned, if any. */
  url?: string;
  /** HTTP status for code `http-status`. */
  status?: number;
  /**
   * For code `http-status` on a 503 or 429: the wait in seconds the server's
   * Retry-After asked for, so a caller can schedule its own retry.
   */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class VolumeCacheError extends Error {
  override readonly name = 'VolumeCacheError';
  readonly code: VolumeCacheErrorCode;
  /** The specific cause, without the generic advice (kept so the error can be rebuilt after crossing a worker boundary). */
  readonly detail: string;
  readonly url?: string;
  readonly status?: number;
  /** Seconds the server asked to wait before retrying (Retry-After of a 503 or 429 that was not waited out). */
  readonly retryAfterSeconds?: number;

  constructor(code: VolumeCacheErrorCode, detail: string, details: VolumeCacheErrorDetails = {}) {
    super(`${detail} ${ADVICE[code]}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.detail = detail;
    if (details.url !== undefined) this.url = details.url;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export function isVolumeCacheError(value: unknown, code?: VolumeCacheErrorCode): value is VolumeCacheError {
  return value instanceof VolumeCacheError && (code === undefined || value.code === code);
}

export function isErrorCode(value: unknown): value is VolumeCacheErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
