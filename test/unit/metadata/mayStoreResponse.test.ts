import { describe, expect, it } from 'vitest';
import { mayStoreResponse, type ResponseFacts, type StorePolicy } from '../../../src/metadata/mayStoreResponse';

const plain: ResponseFacts = { cacheControl: 'max-age=60', vary: null, authorized: false, credentialedCrossOrigin: false };
const strict: StorePolicy = { keepNoStore: false, keepAuthorized: false, keepPrivate: false, keepCredentialed: false };
const lenient: StorePolicy = { keepNoStore: true, keepAuthorized: true, keepPrivate: true, keepCredentialed: true };

describe('mayStoreResponse', () => {
  it.each<[string, Partial<ResponseFacts>, keyof StorePolicy | null]>([
    ['a plain response', {}, null],
    ['no-store', { cacheControl: 'no-store' }, 'keepNoStore'],
    ['private', { cacheControl: 'private, max-age=60' }, 'keepPrivate'],
    ['private="Set-Cookie"', { cacheControl: 'private="Set-Cookie"' }, 'keepPrivate'],
    ['a request with Authorization', { authorized: true }, 'keepAuthorized'],
    ['a credentialed cross-origin response', { credentialedCrossOrigin: true }, 'keepCredentialed'],
  ])('%s: refused by the strict policy unless its opt-in is set', (_name, facts, optIn) => {
    const response = { ...plain, ...facts };
    expect(mayStoreResponse(response, lenient)).toBe(true);
    expect(mayStoreResponse(response, strict)).toBe(optIn === null);
    if (optIn !== null) expect(mayStoreResponse(response, { ...strict, [optIn]: true })).toBe(true);
  });

  it('needs every opt-in a response calls for', () => {
    const response = { ...plain, cacheControl: 'no-store', authorized: true };
    expect(mayStoreResponse(response, { ...strict, keepNoStore: true })).toBe(false);
    expect(mayStoreResponse(response, { ...strict, keepNoStore: true, keepAuthorized: true })).toBe(true);
  });

  it.each(['X-Tenant', 'Accept-Encoding, Cookie', '*', 'accept'])('never keeps a response with Vary: %s, whatever the policy', (vary) => {
    expect(mayStoreResponse({ ...plain, vary }, lenient)).toBe(false);
  });

  it('keeps a response varying only on what every request from this origin sends alike', () => {
    expect(mayStoreResponse({ ...plain, vary: 'Accept-Encoding, Origin, Access-Control-Request-Method, Access-Control-Request-Headers' }, strict)).toBe(true);
  });
});
