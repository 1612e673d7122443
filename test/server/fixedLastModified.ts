/**
 * Last-Modified of every served file. Fixed rather than the file's mtime so
 * If-Modified-Since behaves the same on every checkout; whole seconds because
 * HTTP dates have no sub-second part.
 */
export const fixedLastModified = new Date(Date.UTC(2024, 0, 1, 0, 0, 0));
