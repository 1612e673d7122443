/** Whether `error` is the browser saying the origin's storage is full (a write, or creating a file). */
export function isQuotaExceeded(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'QuotaExceededError';
}
