import { VolumeCacheError } from '../errors';
import { GzipMemberSplitter } from './GzipMemberSplitter';

/** A member's inflater failed (the stream is `corrupt`), or `onData` threw (passed on as it is). */
type InflateFailure = { member: number; inflater: unknown } | { consumer: unknown };

interface OpenMember {
  /** 1 for the first member. */
  index: number;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  /** Settles once the member's output has all gone to `onData`, or its inflater failed. */
  drained: Promise<void>;
}

/**
 * Inflates a gzip stream of one or more members (RFC 1952 2.2: `cat a.gz
 * b.gz`, BGZF) into their concatenated payload, as the bytes arrive: a
 * GzipMemberSplitter says where each member ends, and each member goes to a
 * DecompressionStream('gzip') of its own, which checks its CRC-32 and ISIZE.
 * No inflater ever sees a byte past its member: one that did would throw
 * "Junk found after end of compressed data" in Chromium and drop output it
 * had queued (see GzipMemberSplitter for why the end has to be known first).
 * A member's inflater is closed, and its output all handed over, before the
 * next one starts, so `onData` gets the payload in order.
 *
 * Fails with VolumeCacheError `corrupt` for a truncated or damaged stream,
 * anything after the last member included; an error `onData` throws is
 * passed on as it is.
 */
export class GzipMembersInflater {
  private readonly splitter = new GzipMemberSplitter();
  private member: OpenMember | null = null;
  private membersOpened = 0;
  /** The first failure; later ones are its consequences. */
  private failure: InflateFailure | null = null;

  constructor(
    private readonly onData: (payload: Uint8Array) => void,
    private readonly url?: string,
  ) {}

  /** Feeds the next compressed bytes; resolves when the inflater can take more (backpressure). */
  async push(chunk: Uint8Array): Promise<void> {
    this.throwIfFailed();
    const split = this.splitter.push(chunk);
    if (split.kind === 'invalid') throw this.corrupt(split.detail);
    for (const piece of split.pieces) {
      const member = (this.member ??= this.openMember());
      if (piece.bytes.byteLength > 0) {
        await member.writer.ready.catch(() => undefined);
        this.throwIfFailed();
        // Not awaited: the write settles when the inflater consumes it; awaiting
        // `ready` above is what bounds memory. A copy: the caller reuses its buffer.
        member.writer.write(piece.bytes.slice()).catch((error: unknown) => this.fail({ member: member.index, inflater: error }));
      }
      if (piece.endsMember) await this.closeMember();
    }
  }

  /** Call after the last chunk: resolves once every member has been inflated and checked. */
  async finish(): Promise<void> {
    this.throwIfFailed();
    const problem = this.splitter.finish();
    if (problem !== null) {
      this.abandon();
      throw this.corrupt(problem);
    }
  }

  /** Releases the inflater of an unfinished member (after a failure elsewhere, or an abort). */
  abandon(): void {
    this.member?.writer.abort().catch(() => undefined);
    this.member = null;
  }

  private openMember(): OpenMember {
    const index = ++this.membersOpened;
    const inflater = new DecompressionStream('gzip');
    const writer = inflater.writable.getWriter() as WritableStreamDefaultWriter<Uint8Array>;
    const reader = inflater.readable.getReader();
    const drained = (async () => {
      for (;;) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          this.fail({ member: index, inflater: error });
          return;
        }
        if (next.done) return;
        try {
          this.onData(next.value);
        } catch (error) {
          this.fail({ consumer: error });
          await reader.cancel().catch(() => undefined);
          return;
        }
      }
    })();
    return { index, writer, drained };
  }

  /** The member's last byte is written: waits for its inflater to check it and hand over the rest of its output. */
  private async closeMember(): Promise<void> {
    const member = this.member!;
    this.member = null;
    await member.writer.close().catch((error: unknown) => this.fail({ member: member.index, inflater: error }));
    await member.drained;
    this.throwIfFailed();
  }

  private fail(failure: InflateFailure): void {
    this.failure ??= failure;
  }

  private throwIfFailed(): void {
    const failure = this.failure;
    if (failure === null) return;
    this.abandon();
    if ('consumer' in failure) throw failure.consumer;
    throw this.corrupt(`gzip member ${failure.member} is damaged, cut short, or fails its CRC-32 or length check`, failure.inflater);
  }

  private corrupt(detail: string, cause?: unknown): VolumeCacheError {
    const details = { ...(this.url === undefined ? {} : { url: this.url }), ...(cause === undefined ? {} : { cause }) };
    return new VolumeCacheError('corrupt', `The gzip stream is damaged: ${detail}.`, details);
  }
}
