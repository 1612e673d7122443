import { VolumeCacheError } from '../errors';

/**
 * Parses a Subresource Integrity string and returns the expected SHA-256 as
 * lower-case hex. Only sha256 is supported because that is the hash the cache
 * computes while streaming. sha384/sha512 tokens in a list are skipped; an
 * unknown algorithm or a list without sha256 is rejected (browsers ignore
 * those, but here a typo would silently turn the check off).
 */
export function parseIntegrity(integrity: string): string {
  if (typeof integrity !== 'string' || integrity.trim() === '') {
    throw new VolumeCacheError('invalid-argument', `integrity must be a non-empty "sha256-<base64>" string, got ${JSON.stringify(integrity)}.`);
  }
  const digests: string[] = [];
  for (const token of integrity.trim().split(/\s+/)) {
    const match = /^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/.exec(token);
    if (!match) {
      throw new VolumeCacheError('invalid-argument', `integrity token ${JSON.stringify(token)} is not of the form "sha256-<base64>".`);
    }
    if (match[1] === 'sha256') digests.push(base64ToHex(match[2] as string, token));
  }
  const [first, ...rest] = digests;
  if (first === undefined) {
    throw new VolumeCacheError('invalid-argument', `integrity ${JSON.stringify(integrity)} has no sha256 digest; only sha256 is supported.`);
  }
  if (rest.some((d) => d !== first)) {
    throw new VolumeCacheError('invalid-argument', 'integrity lists different sha256 digests; give one.');
  }
  return first;
}

function base64ToHex(base64: string, token: string): string {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    throw new VolumeCacheError('invalid-argument', `integrity token ${JSON.stringify(token)} is not valid base64.`);
  }
  if (binary.length !== 32) {
    throw new VolumeCacheError('invalid-argument', `integrity token ${JSON.stringify(token)} decodes to ${binary.length} bytes; a sha256 digest has 32.`);
  }
  let hex = '';
  for (let i = 0; i < binary.length; i++) hex += binary.charCodeAt(i).toString(16).padStart(2, '0');
  return hex;
}
