import { transferHandlers, type TransferHandler } from 'comlink';
import { VolumeCacheError, isErrorCode, type VolumeCacheErrorDetails } from '../errors';

/**
 * comlink's built-in "throw" handler keeps only name, message and stack, so a
 * VolumeCacheError thrown in the worker would reach the page as a plain Error
 * without its code. Both sides install this replacement, which carries the
 * code (and url, status, retryAfterSeconds) and rebuilds the class on the receiving side.
 */
interface WireError {
  isVolumeCacheError: boolean;
  code?: string;
  detail?: string;
  url?: string;
  status?: number;
  retryAfterSeconds?: number;
  name: string;
  message: string;
  stack?: string;
}

interface Thrown {
  value: unknown;
}

const errorTransferHandler: TransferHandler<Thrown, WireError> = {
  canHandle: (value: unknown): value is Thrown =>
    typeof value === 'object' && value !== null && Object.getOwnPropertySymbols(value).some((s) => s.description === 'Comlink.thrown'),
  serialize({ value }) {
    if (value instanceof VolumeCacheError) {
      const wire: WireError = { isVolumeCacheError: true, code: value.code, detail: value.detail, name: value.name, message: value.message };
      if (value.url !== undefined) wire.url = value.url;
      if (value.status !== undefined) wire.status = value.status;
      if (value.retryAfterSeconds !== undefined) wire.retryAfterSeconds = value.retryAfterSeconds;
      if (value.stack !== undefined) wire.stack = value.stack;
      return [wire, []];
    }
    if (value instanceof Error) {
      return [{ isVolumeCacheError: false, name: value.name, message: value.message, ...(value.stack ? { stack: value.stack } : {}) }, []];
    }
    return [{ isVolumeCacheError: false, name: 'Error', message: String(value) }, []];
  },
  deserialize(wire) {
    if (wire.isVolumeCacheError && isErrorCode(wire.code)) {
      const details: VolumeCacheErrorDetails = {};
      if (wire.url !== undefined) details.url = wire.url;
      if (wire.status !== undefined) details.status = wire.status;
      if (wire.retryAfterSeconds !== undefined) details.retryAfterSeconds = wire.retryAfterSeconds;
      throw new VolumeCacheError(wire.code, wire.detail ?? wire.message, details);
    }
    throw Object.assign(new Error(wire.message), { name: wire.name, stack: wire.stack });
  },
};

export function installErrorTransferHandler(): void {
  transferHandlers.set('throw', errorTransferHandler as TransferHandler<unknown, unknown>);
}
