const warned = new Set<string>();

/**
 * Logs a degradation once per page and topic: a cache that quietly runs
 * slower is worse than one that says why, but a warning on every call would
 * bury the application's own messages.
 */
export function warnOnce(topic: string, message: string): void {
  if (warned.has(topic)) return;
  warned.add(topic);
  console.warn(message);
}
