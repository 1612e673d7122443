import { describe, expect, it } from 'vitest';
import { BackgroundJobs } from '../../../src/engine/BackgroundJobs';

/** A job whose end the test decides, recording when it starts. */
function controlledJob(name: string, started: string[]): { job: () => Promise<void>; finish: () => void; fail: (error: Error) => void } {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const ended = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return {
    job: async () => {
      started.push(name);
      await ended;
    },
    finish,
    fail,
  };
}

/** Lets queued promise callbacks and zero-delay timers run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

/** An open queue given jobs a then b, settled so that a has started. */
async function twoQueuedJobs() {
  const jobs = new BackgroundJobs(() => true);
  const started: string[] = [];
  const a = controlledJob('a', started);
  const b = controlledJob('b', started);
  jobs.add('a', a.job);
  jobs.add('b', b.job);
  await settle();
  return { jobs, started, a, b };
}

describe('BackgroundJobs', () => {
  it('runs jobs one at a time, in the order they were added', async () => {
    const { jobs, started, a, b } = await twoQueuedJobs();
    expect(started).toEqual(['a']);
    a.finish();
    await settle();
    expect(started).toEqual(['a', 'b']);
    b.finish();
    await settle();
    expect(jobs.counts()).toEqual({ pending: 0, done: 2, failed: 0 });
  });

  it('waits while a foreground call runs and starts once the last one ends', async () => {
    const jobs = new BackgroundJobs(() => true);
    const started: string[] = [];
    const leaveFirst = jobs.enterForeground();
    const leaveSecond = jobs.enterForeground();
    const job = controlledJob('thumbnail', started);
    jobs.add('thumbnail', job.job);
    await settle();
    leaveFirst();
    leaveFirst(); // a second call must not count as the other call leaving
    await settle();
    expect(started).toEqual([]);
    leaveSecond();
    await settle();
    expect(started).toEqual(['thumbnail']);
    job.finish();
    await settle();
    expect(jobs.counts().done).toBe(1);
  });

  it('queues an id once while it waits or runs, and again after it ran', async () => {
    const jobs = new BackgroundJobs(() => true);
    const started: string[] = [];
    const first = controlledJob('first', started);
    jobs.add('same', first.job);
    jobs.add('same', async () => void started.push('duplicate'));
    expect(jobs.has('same')).toBe(true);
    await settle();
    jobs.add('same', async () => void started.push('while running'));
    first.finish();
    await settle();
    expect(started).toEqual(['first']);
    expect(jobs.has('same')).toBe(false);
    jobs.add('same', async () => void started.push('later'));
    await settle();
    expect(started).toEqual(['first', 'later']);
    expect(jobs.counts()).toEqual({ pending: 0, done: 2, failed: 0 });
  });

  it('counts a job that throws as failed and goes on with the next', async () => {
    const jobs = new BackgroundJobs(() => true);
    const started: string[] = [];
    const broken = controlledJob('broken', started);
    jobs.add('broken', broken.job);
    jobs.add('next', async () => void started.push('next'));
    await settle();
    broken.fail(new Error('decode failed'));
    await settle();
    expect(started).toEqual(['broken', 'next']);
    expect(jobs.counts()).toEqual({ pending: 0, done: 1, failed: 1 });
  });

  it('counts a job that found nothing to do as neither done nor failed, while pending until it ends', async () => {
    const jobs = new BackgroundJobs(() => true);
    jobs.add('made', async () => undefined);
    jobs.add('already there', async () => 'nothing-to-do' as const);
    expect(jobs.counts()).toEqual({ pending: 2, done: 0, failed: 0 });
    await settle();
    expect(jobs.counts()).toEqual({ pending: 0, done: 1, failed: 0 });
  });

  it('starts nothing more once cleared or closed', async () => {
    let open = true;
    const jobs = new BackgroundJobs(() => open);
    const started: string[] = [];
    const leave = jobs.enterForeground();
    jobs.add('a', async () => void started.push('a'));
    jobs.add('b', async () => void started.push('b'));
    jobs.clear();
    expect(jobs.counts().pending).toBe(0);
    jobs.add('c', async () => void started.push('c'));
    open = false;
    leave();
    await settle();
    expect(started).toEqual([]);
    expect(jobs.counts()).toEqual({ pending: 1, done: 0, failed: 0 });
  });

  it('stop() drops the jobs not yet started and resolves only once the running one has settled', async () => {
    const { jobs, started, a, b } = await twoQueuedJobs();
    let stopped = false;
    const stopping = jobs.stop().then(() => (stopped = true));
    await settle();
    expect(stopped, 'a is still running').toBe(false);
    a.fail(new Error('its partition went away'));
    await stopping;
    await settle();
    expect(started, 'b never started').toEqual(['a']);
    expect(jobs.counts()).toEqual({ pending: 0, done: 0, failed: 1 });
  });

  it('stop() with nothing running resolves at once', async () => {
    await new BackgroundJobs(() => true).stop();
  });
});
