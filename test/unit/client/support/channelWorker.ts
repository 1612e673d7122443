import { expose } from 'comlink';
import { createEngine } from '../../../../src/engine/createEngine';
import type { EnginePlatform } from '../../../../src/engine/EnginePlatform';
import { installErrorTransferHandler } from '../../../../src/shared/errorTransfer';

/**
 * One end of a MessageChannel dressed as the Worker that hosts the engine:
 * as much of a Worker as createVolumeCache's `worker` option and comlink's
 * wrap() use. Stub it as the global Worker (`vi.stubGlobal('Worker',
 * ChannelWorker)`) so the option's `instanceof Worker` check accepts it.
 */
export class ChannelWorker {
  /** Settles when the client terminates the worker (after the engine answered close()). */
  readonly terminated: Promise<void>;
  private markTerminated: () => void = () => undefined;

  constructor(private readonly port: MessagePort) {
    this.terminated = new Promise((resolve) => {
      this.markTerminated = resolve;
    });
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }

  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void {
    // 'error' too: a port never fires it, as a worker whose script loaded does not.
    this.port.addEventListener(type, listener, options);
  }

  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void {
    this.port.removeEventListener(type, listener, options);
  }

  start(): void {
    this.port.start();
  }

  /** Closing one end closes both: the engine hears nothing more, as a terminated worker would. */
  terminate(): void {
    this.port.close();
    this.markTerminated();
  }
}

/**
 * The engine worker's entry (src/worker/worker.ts) over a MessageChannel
 * instead of a Worker: the real engine, on an injected platform, exposed on
 * port2; the returned worker is port1. comlink's transfer handlers are one
 * table per process, so the error handler installed here is the client's too.
 */
export function startChannelWorker(platform: EnginePlatform): ChannelWorker {
  const { port1, port2 } = new MessageChannel();
  installErrorTransferHandler();
  expose(createEngine(platform), port2);
  return new ChannelWorker(port1);
}
