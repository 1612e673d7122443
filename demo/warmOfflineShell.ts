const WARMUP_PARAM = 'offline-shell-warmup';

/** True in the hidden frame warmOfflineShell() opens: the page loads its modules and starts nothing. */
export function isOfflineShellWarmup(): boolean {
  return new URLSearchParams(location.search).has(WARMUP_PARAM);
}

/**
 * Loads the page once more, in a hidden frame, now that the service worker
 * controls this origin, so its network-first shell cache holds every module
 * after the first visit, not only after the second.
 *
 * A plain fetch() of each module would not do: module scripts are requested
 * with an Origin header and Vite's dev server answers `Vary: Origin`, so a
 * copy cached from fetch() (no Origin) never matches the page's own
 * requests. The frame makes exactly the page's requests.
 */
export async function warmOfflineShell(): Promise<void> {
  if (!navigator.serviceWorker?.controller) return;
  // The document itself: a navigation, whose request carries no Origin either way.
  await fetch(location.href, { credentials: 'same-origin' }).catch(() => undefined);
  const frame = document.createElement('iframe');
  frame.hidden = true;
  frame.tabIndex = -1;
  frame.setAttribute('aria-hidden', 'true');
  frame.title = 'offline cache warm-up';
  const url = new URL(location.href);
  url.searchParams.set(WARMUP_PARAM, '1');
  frame.src = url.href;
  await new Promise<void>((resolve) => {
    frame.addEventListener('load', () => resolve(), { once: true });
    frame.addEventListener('error', () => resolve(), { once: true });
    document.body.append(frame);
  });
  frame.remove();
}
