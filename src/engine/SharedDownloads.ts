import { VolumeCacheError } from '../errors';
import type { DownloadProgress } from '../types';

interface Flight<T> {
  promise: Promise<T>;
  controller: AbortController;
  listeners: Set<(progress: DownloadProgress) => void>;
  callers: number;
}

/**
 * Lets concurrent calls for one key share one download. Each caller can
 * leave on its own (its abort rejects only its own promise); the network
 * transfer is aborted when the last caller leaves.
 */
export class SharedDownloads<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /**
   * Joins the flight for `key`, starting it with `start` if there is none.
   * `leave` is called by the caller's abort.
   */
  join(
    key: string,
    start: (signal: AbortSignal, report: (progress: DownloadProgress) => void) => Promise<T>,
    onProgress: ((progress: DownloadProgress) => void) | undefined,
    callerSignal: AbortSignal,
    url: string,
  ): Promise<T> {
    let flight = this.flights.get(key);
    if (!flight) {
      const controller = new AbortController();
      const listeners = new Set<(progress: DownloadProgress) => void>();
      const report = (progress: DownloadProgress): void => {
        for (const listener of listeners) listener(progress);
      };
      const created: Flight<T> = { promise: Promise.resolve() as Promise<T>, controller, listeners, callers: 0 };
      created.promise = start(controller.signal, report).finally(() => {
        if (this.flights.get(key) === created) this.flights.delete(key);
      });
      // Callers may all leave; the flight's own rejection must not go unhandled.
      created.promise.catch(() => undefined);
      this.flights.set(key, created);
      flight = created;
    }
    const joined = flight;
    joined.callers++;
    if (onProgress) joined.listeners.add(onProgress);

    return new Promise<T>((resolve, reject) => {
      let left = false;
      const leave = (): void => {
        if (left) return;
        left = true;
        if (onProgress) joined.listeners.delete(onProgress);
        joined.callers--;
        if (joined.callers === 0) {
          // Forget it now, not when it settles, so a retry right after an
          // abort starts a fresh download instead of joining the dying one.
          if (this.flights.get(key) === joined) this.flights.delete(key);
          joined.controller.abort(callerSignal.reason);
        }
      };
      const onAbort = (): void => {
        leave();
        // A reason the engine gave (closed) stands; the page's abort is 'aborted'.
        const reason: unknown = callerSignal.reason;
        reject(reason instanceof VolumeCacheError ? reason : new VolumeCacheError('aborted', `The request for ${url} was aborted.`, { url }));
      };
      if (callerSignal.aborted) return onAbort();
      callerSignal.addEventListener('abort', onAbort, { once: true });
      joined.promise.then(
        (value) => {
          callerSignal.removeEventListener('abort', onAbort);
          if (onProgress) joined.listeners.delete(onProgress);
          resolve(value);
        },
        (error: unknown) => {
          callerSignal.removeEventListener('abort', onAbort);
          if (onProgress) joined.listeners.delete(onProgress);
          reject(error);
        },
      );
    });
  }

  has(key: string): boolean {
    return this.flights.has(key);
  }

  abortAll(reason: unknown): void {
    for (const flight of this.flights.values()) flight.controller.abort(reason);
  }

  get size(): number {
    return this.flights.size;
  }
}
