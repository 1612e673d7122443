// A second worker that hashes a download's chunks while the first reads the
// network and writes to disk: on two cores the cold path then costs the
// slower of the two instead of their sum.
import { createSHA256 } from 'hash-wasm';
import type { FromSha256Worker, ToSha256Worker } from '../engine/sha256WorkerProtocol';

const reply = (message: FromSha256Worker, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(message, transfer);

// No top-level await (library builds target workers that may lack it): the
// client waits for 'ready' before it sends anything.
void createSHA256().then((hasher) => {
  hasher.init();
  self.addEventListener('message', (event: MessageEvent<ToSha256Worker>) => {
    const message = event.data;
    if (message.type === 'update') {
      hasher.update(new Uint8Array(message.buffer, message.offset, message.length));
      // The buffer goes back to the reader's pool.
      reply({ type: 'free', buffer: message.buffer }, [message.buffer]);
    } else {
      reply({ type: 'digest', hex: hasher.digest('hex') });
      hasher.init(); // Ready for the next download: the worker is kept for it.
    }
  });
  reply({ type: 'ready' });
});
