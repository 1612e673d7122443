/**
 * Whether the network is there: navigator.onLine and its events, corrected
 * by experience (a load that failed with `network` means offline in effect,
 * even when the browser still claims to be online).
 */
export function watchConnectivity(onChange: (online: boolean) => void): { readonly online: boolean; unreachable(): void; reachable(): void } {
  let online = navigator.onLine;
  const set = (value: boolean): void => {
    if (value === online) return;
    online = value;
    onChange(online);
  };
  addEventListener('online', () => set(true));
  addEventListener('offline', () => set(false));
  return {
    get online() {
      return online;
    },
    unreachable: () => set(false),
    reachable: () => set(navigator.onLine),
  };
}
