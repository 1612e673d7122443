/**
 * navigator.storage.persist(), settled: false when it throws, or when the
 * browser has not answered within `waitMs`. Firefox answers persist() only
 * once the user has answered its permission prompt, and headless Firefox
 * never does, so an application awaiting it would hang. The browser may
 * still grant it later; `stats().persisted` then says so.
 */
export async function persistWithin(storage: Pick<StorageManager, 'persist'> | undefined, waitMs: number): Promise<boolean> {
  if (typeof storage?.persist !== 'function') return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const unanswered = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), waitMs);
  });
  try {
    // Through then(), so a persist() that throws at once is a false like one that rejects.
    const answer = Promise.resolve().then(() => storage.persist()).then((granted) => granted === true, () => false);
    return await Promise.race([answer, unanswered]);
  } finally {
    clearTimeout(timer);
  }
}
