import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface BodyOptions {
  /**
   * Stop after this many body bytes: 'drop' kills the connection, 'end' ends
   * the response cleanly, 'stall' sends nothing more until the client leaves.
   */
  cut?: { afterBytes: number; how: 'drop' | 'end' | 'stall' };
  rateBytesPerSecond?: number;
  onBytes: (count: number) => void;
}

/**
 * Streams `body` into `response` honouring backpressure: a GiB response never
 * sits in memory, and a client that stops reading stops the producer.
 */
export async function writeBody(
  response: ServerResponse,
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  { cut, rateBytesPerSecond, onBytes }: BodyOptions,
): Promise<void> {
  const limit = cut?.afterBytes ?? Number.POSITIVE_INFINITY;
  // Small pieces keep a throttled stream smooth instead of bursting 1 MiB at a time.
  const pieceBytes = rateBytesPerSecond ? Math.max(1, Math.min(64 * 1024, Math.floor(rateBytesPerSecond / 20))) : Number.POSITIVE_INFINITY;
  const startedAt = performance.now();
  let sent = 0;

  if (limit > 0) {
    outer: for await (const chunk of body) {
      for (let offset = 0; offset < chunk.length; offset += pieceBytes) {
        const piece = chunk.subarray(offset, Math.min(chunk.length, offset + pieceBytes, offset + limit - sent));
        if (rateBytesPerSecond) {
          const due = ((sent + piece.length) / rateBytesPerSecond) * 1000 - (performance.now() - startedAt);
          if (due > 0) await sleep(due);
        }
        if (response.destroyed) return;
        const ok = response.write(piece);
        sent += piece.length;
        onBytes(piece.length);
        if (sent >= limit) break outer;
        if (!ok) await drainOrClose(response);
        if (response.destroyed) return;
      }
    }
  }

  if (sent >= limit && cut?.how === 'stall') {
    response.flushHeaders();
    await new Promise<void>((resolve) => {
      if (response.destroyed) return resolve();
      response.once('close', () => resolve());
    });
    return;
  }
  if (sent >= limit && cut?.how === 'drop') {
    response.flushHeaders();
    // Destroying discards queued output; wait so the client really gets `limit` bytes.
    await socketFlushed(response);
    response.destroy();
  } else {
    response.end();
  }
}

function drainOrClose(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** Resolves once everything written so far has left the socket (or it closed). */
function socketFlushed(response: ServerResponse): Promise<void> {
  const socket = response.socket;
  if (!socket || socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    // Writes complete in order, so an empty one completes after all before it.
    socket.write(new Uint8Array(0), () => resolve());
  });
}
