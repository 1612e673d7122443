import { describe, expect, it } from 'vitest';
import { CallerAborts } from '../../../src/engine/CallerAborts';
import { VolumeCacheError } from '../../../src/errors';

describe('CallerAborts', () => {
  it("aborts one call by its request id with an 'aborted' error, and leaves the others", () => {
    const aborts = new CallerAborts();
    const one = aborts.signal('1');
    const two = aborts.signal('2');
    aborts.abort('1');
    expect(one.aborted).toBe(true);
    expect(one.reason).toBeInstanceOf(VolumeCacheError);
    expect(one.reason).toMatchObject({ code: 'aborted' });
    expect(two.aborted).toBe(false);
  });

  it('forgets a call once it ended, and aborts every running one on abortAll', () => {
    const aborts = new CallerAborts();
    const ended = aborts.signal('1');
    const running = aborts.signal('2');
    aborts.end('1');
    aborts.abort('1');
    expect(ended.aborted).toBe(false);
    const closed = new VolumeCacheError('closed', 'The cache was closed.');
    aborts.abortAll(closed);
    expect(ended.aborted).toBe(false);
    expect(running.reason).toBe(closed);
  });
});
