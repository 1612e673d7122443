import { VolumeCacheError } from '../errors';

/**
 * One AbortController per running call, by the request id the page chose:
 * the page's AbortSignal cannot cross to the worker, so its abort arrives
 * as abort(requestId).
 */
export class CallerAborts {
  private readonly controllers = new Map<string, AbortController>();

  /** The signal of the call `requestId`; end() it when the call settles. */
  signal(requestId: string): AbortSignal {
    const controller = new AbortController();
    this.controllers.set(requestId, controller);
    return controller.signal;
  }

  end(requestId: string): void {
    this.controllers.delete(requestId);
  }

  /** Ends the call `requestId`: the page aborted it, or the engine refused it with `reason`. */
  abort(requestId: string, reason = new VolumeCacheError('aborted', 'Aborted by the caller.')): void {
    this.controllers.get(requestId)?.abort(reason);
  }

  /** Ends every running call with `reason` (the engine closing). */
  abortAll(reason: VolumeCacheError): void {
    for (const controller of this.controllers.values()) controller.abort(reason);
  }
}
