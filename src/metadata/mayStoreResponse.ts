import { hasNoStore } from './hasNoStore';
import { variesPerRequest } from './variesPerRequest';

/** What a response, and the request that asked for it, say about who may see it again. */
export interface ResponseFacts {
  cacheControl: string;
  /** The response's Vary header, or null. */
  vary: string | null;
  /** The request carried Authorization: the response may be one user's. */
  authorized: boolean;
  /** A cross-origin response to a request with credentials. */
  credentialedCrossOrigin: boolean;
}

/** What the caller has opted into keeping despite what the response says. */
export interface StorePolicy {
  keepNoStore: boolean;
  keepAuthorized: boolean;
  /** false where several people share the profile: `private` then means someone else's. */
  keepPrivate: boolean;
  keepCredentialed: boolean;
}

/**
 * Whether a downloaded volume may be kept, by the rules the engine's get()
 * and the service worker share (their defaults differ: see each caller's
 * options; Vary has no opt-in). Pure: the callers read the facts off the
 * request and response.
 */
export function mayStoreResponse(facts: ResponseFacts, policy: StorePolicy): boolean {
  // Entries are keyed by URL: a response that may differ per caller is never kept, whatever the policy.
  if (variesPerRequest(facts.vary)) return false;
  if (!policy.keepNoStore && hasNoStore(facts.cacheControl)) return false;
  if (!policy.keepPrivate && /(^|,)\s*private\s*(,|=|$)/i.test(facts.cacheControl)) return false;
  if (!policy.keepAuthorized && facts.authorized) return false;
  if (!policy.keepCredentialed && facts.credentialedCrossOrigin) return false;
  return true;
}
