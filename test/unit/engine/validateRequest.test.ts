import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../../src/engine/validateRequest';
import { VolumeCacheError } from '../../../src/errors';
import type { EngineRequest } from '../../../src/protocol';

const request: EngineRequest = { requestId: 'r1', url: 'https://x/a.nii', key: 'https://x/a.nii' };
const sha256 = 'a'.repeat(64);
const integrity = `sha256-${Buffer.from(sha256, 'hex').toString('base64')}`;

function refusal(patch: Record<string, unknown>): VolumeCacheError {
  try {
    validateRequest({ ...request, ...patch } as EngineRequest);
  } catch (error) {
    expect(error).toBeInstanceOf(VolumeCacheError);
    return error as VolumeCacheError;
  }
  throw new Error(`accepted ${JSON.stringify(patch)}`);
}

describe('validateRequest', () => {
  it('returns the SHA-256 integrity asks for, or null', () => {
    expect(validateRequest(request)).toEqual({ expectedSha256: null });
    expect(validateRequest({ ...request, integrity })).toEqual({ expectedSha256: sha256 });
  });

  it('refuses what the page should not have sent, as invalid-argument naming it', () => {
    expect(refusal({ expect: 'dicom' })).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/^expect must be/) });
    expect(refusal({ headers: { Accept: 1 } })).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/^headers must be/) });
    expect(refusal({ headers: null })).toMatchObject({ code: 'invalid-argument' });
    expect(refusal({ ttlSeconds: -1 })).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/ttlSeconds/) });
    expect(refusal({ integrity: 'md5-abc' }).code).toBe('invalid-argument');
  });
});
