/**
 * What to call an entry in a list: the file name of its URL (decoded), or the
 * whole URL when the path has none.
 */
export function entryDisplayName(url: string): string {
  try {
    const parsed = new URL(url);
    const last = parsed.pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : parsed.href;
  } catch {
    return url;
  }
}
