// The second worker of the mirror's parallel-hash variant: hashes the chunks
// the download worker transfers to it, acknowledging each for back-pressure.

import { createSHA256, type IHasher } from 'hash-wasm';

type ToHashWorker = { type: 'init' } | { type: 'chunk'; buffer: ArrayBuffer } | { type: 'digest' };

let hasher: IHasher | null = null;

self.onmessage = async (event: MessageEvent<ToHashWorker>) => {
  const message = event.data;
  if (message.type === 'init') {
    hasher ??= await createSHA256();
    hasher.init();
    self.postMessage({ type: 'ready' });
  } else if (message.type === 'chunk') {
    hasher!.update(new Uint8Array(message.buffer));
    self.postMessage({ type: 'ack', bytes: message.buffer.byteLength });
  } else {
    self.postMessage({ type: 'digest', hex: hasher!.digest('hex') });
  }
};
