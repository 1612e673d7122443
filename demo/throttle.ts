/**
 * Choices of the "Network speed" menu; the demo server throttles a body to
 * ?rate=<bytes/s>. Labelled in Mbit/s, the decimal unit network speeds are
 * sold in, so they are not mistaken for the binary MiB/s of the progress line.
 */
export const RATE_CHOICES: readonly { label: string; bytesPerSecond: number | null }[] = [
  { label: 'Unthrottled (local)', bytesPerSecond: null },
  { label: '160 Mbit/s (fast broadband)', bytesPerSecond: 20_000_000 },
  { label: '40 Mbit/s', bytesPerSecond: 5_000_000 },
  { label: '8 Mbit/s', bytesPerSecond: 1_000_000 },
  { label: '2 Mbit/s', bytesPerSecond: 250_000 },
];

/**
 * The URL to request: with ?rate= for the demo server's own volumes, as is
 * for anything else (another server would not know the parameter, and a
 * signed URL must not be changed). The cache and the service worker both
 * ignore `rate`, so a throttled and an unthrottled load are one entry.
 */
export function throttled(url: URL, bytesPerSecond: number | null): URL {
  const result = new URL(url.href);
  result.searchParams.delete('rate');
  if (bytesPerSecond !== null && result.origin === location.origin && result.pathname.startsWith('/data/')) {
    result.searchParams.set('rate', String(bytesPerSecond));
  }
  return result;
}
