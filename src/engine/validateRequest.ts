import { VolumeCacheError } from '../errors';
import { parseIntegrity } from '../metadata/parseIntegrity';
import { validateTtlSeconds } from '../metadata/validateConfig';
import type { EngineRequest } from '../protocol';

/**
 * Checks a request as it arrives from the page, where TypeScript's types no
 * longer hold; returns the SHA-256 its `integrity` asks for, or null.
 */
export function validateRequest(request: EngineRequest): { expectedSha256: string | null } {
  if (request.ttlSeconds !== undefined) validateTtlSeconds(request.ttlSeconds);
  if (request.expect !== undefined && request.expect !== 'nifti' && request.expect !== 'any') {
    throw new VolumeCacheError('invalid-argument', `expect must be "nifti" or "any", got ${JSON.stringify(request.expect)}.`);
  }
  if (request.headers !== undefined) {
    if (typeof request.headers !== 'object' || request.headers === null || Object.values(request.headers).some((v) => typeof v !== 'string')) {
      throw new VolumeCacheError('invalid-argument', 'headers must be an object of string values.');
    }
  }
  return { expectedSha256: request.integrity === undefined ? null : parseIntegrity(request.integrity) };
}
