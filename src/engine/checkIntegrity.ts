import { VolumeCacheError } from '../errors';

/** Throws `integrity` when the caller asked for a SHA-256 (an SRI `integrity`) and the download has another. */
export function checkIntegrity(sha256: string, expectedSha256: string | null, url: string): void {
  if (expectedSha256 !== null && sha256 !== expectedSha256) {
    throw new VolumeCacheError('integrity', `SHA-256 of the download is ${sha256}, expected ${expectedSha256}.`, { url });
  }
}
