/**
 * A cacheKey function that drops the given query parameters (signed-URL
 * tokens, cache busters) and the fragment. The service worker takes the same
 * list as `ignoreSearchParams`, so page and service worker agree on keys.
 */
export function cacheKeyIgnoring(names: readonly string[]): (url: URL) => string {
  return (url) => {
    const key = new URL(url.href);
    for (const name of names) key.searchParams.delete(name);
    key.hash = '';
    return key.href;
  };
}
