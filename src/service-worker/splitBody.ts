/**
 * Splits a response body into two streams (the page's and the cache's) that
 * read the source only as fast as the slower of the two still reading.
 * ReadableStream.tee() reads at the pace of the faster branch and queues the
 * difference, which for a 1 GB volume hashed slower than the network arrives
 * would be most of the file in memory. A branch that is cancelled stops
 * counting, so either side can go on alone.
 */
export function splitBody(source: ReadableStream<Uint8Array>): [ReadableStream<Uint8Array>, ReadableStream<Uint8Array>] {
  const reader = source.getReader();
  interface Branch {
    controller: ReadableStreamDefaultController<Uint8Array> | null;
    cancelled: boolean;
  }
  const branches: Branch[] = [
    { controller: null, cancelled: false },
    { controller: null, cancelled: false },
  ];
  let pumping: Promise<void> | null = null;
  let finished = false;

  const live = (): Branch[] => branches.filter((branch) => !branch.cancelled);

  async function pump(): Promise<void> {
    while (!finished) {
      const reading = live();
      if (reading.length === 0) {
        finished = true;
        await reader.cancel().catch(() => undefined);
        return;
      }
      // Wait for the slower branch: its next pull() resumes the pump.
      if (reading.some((branch) => (branch.controller?.desiredSize ?? 0) <= 0)) return;
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        finished = true;
        for (const branch of live()) branch.controller?.error(error);
        return;
      }
      if (result.done) {
        finished = true;
        for (const branch of live()) branch.controller?.close();
        return;
      }
      for (const branch of live()) branch.controller?.enqueue(result.value);
    }
  }

  const schedule = (): Promise<void> => {
    pumping ??= pump().finally(() => {
      pumping = null;
    });
    return pumping;
  };

  const make = (branch: Branch): ReadableStream<Uint8Array> =>
    new ReadableStream<Uint8Array>(
      {
        start(controller) {
          branch.controller = controller;
        },
        pull: () => schedule(),
        cancel() {
          branch.cancelled = true;
          // The other branch may have been waiting on this one.
          return schedule();
        },
      },
      new CountQueuingStrategy({ highWaterMark: 4 }),
    );
  return [make(branches[0]!), make(branches[1]!)];
}
