import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { expose, wrap, releaseProxy, transferHandlers, type Remote, type TransferHandler } from 'comlink';
import { installErrorTransferHandler } from '../../../src/shared/errorTransfer';
import { VolumeCacheError, type VolumeCacheErrorDetails } from '../../../src/errors';

// Follows comlink's own tests: expose an object on one end of a MessageChannel
// and wrap the other. Node's global MessageChannel ports are EventTargets with
// start(), which is all comlink's Endpoint needs.

interface Api {
  throwVolumeCacheError(code: string, detail: string, url?: string, status?: number, retryAfterSeconds?: number): never;
  rejectVolumeCacheError(): Promise<never>;
  throwPlainError(message: string): never;
  throwTypeError(message: string): never;
  throwString(value: string): never;
  add(a: number, b: number): number;
}

const api: Api = {
  throwVolumeCacheError(code, detail, url, status, retryAfterSeconds) {
    const details: VolumeCacheErrorDetails = {};
    if (url !== undefined) details.url = url;
    if (status !== undefined) details.status = status;
    if (retryAfterSeconds !== undefined) details.retryAfterSeconds = retryAfterSeconds;
    throw new VolumeCacheError(code as VolumeCacheError['code'], detail, details);
  },
  async rejectVolumeCacheError() {
    await Promise.resolve();
    throw new VolumeCacheError('corrupt', 'The gzip CRC failed.', { url: 'https://data.example/a.nii.gz' });
  },
  throwPlainError(message) {
    throw new Error(message);
  },
  throwTypeError(message) {
    throw new TypeError(message);
  },
  throwString(value) {
    throw value;
  },
  add(a, b) {
    return a + b;
  },
};

let previousThrowHandler: TransferHandler<unknown, unknown> | undefined;
let channels: MessageChannel[] = [];
let proxies: Remote<Api>[] = [];

beforeAll(() => {
  previousThrowHandler = transferHandlers.get('throw');
  installErrorTransferHandler();
});

afterAll(() => {
  // transferHandlers is module-global: put comlink's default back for other files.
  if (previousThrowHandler) transferHandlers.set('throw', previousThrowHandler);
});

afterEach(() => {
  for (const proxy of proxies.splice(0)) proxy[releaseProxy]();
  for (const { port1, port2 } of channels.splice(0)) {
    port1.close();
    port2.close();
  }
});

function connect(): Remote<Api> {
  const channel = new MessageChannel();
  channels.push(channel);
  expose(api, channel.port1);
  const proxy = wrap<Api>(channel.port2);
  proxies.push(proxy);
  return proxy;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('installErrorTransferHandler', () => {
  it('installs the replacement "throw" handler', () => {
    expect(transferHandlers.get('throw')).not.toBe(previousThrowHandler);
  });

  it('is needed: with comlink\'s default handler the class and code are lost (control)', async () => {
    const installed = transferHandlers.get('throw')!;
    transferHandlers.set('throw', previousThrowHandler!);
    try {
      const error = await rejection(connect().throwVolumeCacheError('corrupt', 'x'));
      expect(error).not.toBeInstanceOf(VolumeCacheError);
      expect((error as { code?: unknown }).code).toBeUndefined();
    } finally {
      transferHandlers.set('throw', installed);
    }
  });

  it('leaves ordinary return values alone', async () => {
    expect(await connect().add(2, 3)).toBe(5);
  });

  it('rebuilds a thrown VolumeCacheError with code, detail, url and status', async () => {
    const error = await rejection(connect().throwVolumeCacheError('http-status', 'The server answered 403.', 'https://data.example/a.nii', 403));
    expect(error).toBeInstanceOf(VolumeCacheError);
    const original = new VolumeCacheError('http-status', 'The server answered 403.', { url: 'https://data.example/a.nii', status: 403 });
    expect(error).toMatchObject({
      name: 'VolumeCacheError',
      code: 'http-status',
      detail: 'The server answered 403.',
      url: 'https://data.example/a.nii',
      status: 403,
      message: original.message,
    });
  });

  it('keeps retryAfterSeconds, the wait a 503 or 429 asked for', async () => {
    const detail = 'The server answered 503 Service Unavailable for https://data.example/a.nii and asked to retry after 120 s.';
    const error = await rejection(connect().throwVolumeCacheError('http-status', detail, 'https://data.example/a.nii', 503, 120));
    expect(error).toBeInstanceOf(VolumeCacheError);
    expect(error).toMatchObject({ code: 'http-status', status: 503, retryAfterSeconds: 120, detail });
  });

  it('keeps a retryAfterSeconds of 0', async () => {
    const error = await rejection(connect().throwVolumeCacheError('http-status', 'x', undefined, 429, 0));
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 0 });
  });

  it('does not invent url, status or retryAfterSeconds that were not set', async () => {
    const error = await rejection(connect().throwVolumeCacheError('network', 'offline'));
    expect(error).toBeInstanceOf(VolumeCacheError);
    expect(error).toMatchObject({ code: 'network', detail: 'offline' });
    expect((error as VolumeCacheError).url).toBeUndefined();
    expect((error as VolumeCacheError).status).toBeUndefined();
    expect((error as VolumeCacheError).retryAfterSeconds).toBeUndefined();
  });

  it('rebuilds a VolumeCacheError from an async rejection', async () => {
    const error = await rejection(connect().rejectVolumeCacheError());
    expect(error).toBeInstanceOf(VolumeCacheError);
    expect(error).toMatchObject({ code: 'corrupt', detail: 'The gzip CRC failed.', url: 'https://data.example/a.nii.gz' });
  });

  it.each(['network', 'http-status', 'integrity', 'not-nifti', 'quota', 'aborted', 'unsupported', 'corrupt', 'invalid-argument', 'closed'])(
    'keeps code %s',
    async (code) => {
      await expect(connect().throwVolumeCacheError(code, 'x')).rejects.toMatchObject({ code });
    },
  );

  it('delivers a plain Error as an Error with its message', async () => {
    const error = await rejection(connect().throwPlainError('something broke'));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(VolumeCacheError);
    expect((error as Error).message).toBe('something broke');
    expect((error as Error).name).toBe('Error');
    expect('code' in (error as object)).toBe(false);
  });

  it('keeps the name of other Error subclasses', async () => {
    const error = await rejection(connect().throwTypeError('not a function'));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'TypeError', message: 'not a function' });
  });

  it('turns a thrown non-Error into an Error with its string form', async () => {
    const error = await rejection(connect().throwString('just a string'));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('just a string');
  });
});
