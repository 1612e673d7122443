import { describe, expect, it } from 'vitest';
import { UseClock } from '../../../src/engine/UseClock';

describe('UseClock', () => {
  it("follows the clock while it runs forward", () => {
    const clock = { now: 1_000 };
    const uses = new UseClock(() => clock.now);
    expect(uses.next()).toBe(1_000);
    clock.now = 5_000;
    expect(uses.next()).toBe(5_000);
  });

  it('never stamps earlier than a use already stamped, when the clock is set back or stands still', () => {
    const clock = { now: 10_000 };
    const uses = new UseClock(() => clock.now);
    expect(uses.next()).toBe(10_000);
    expect(uses.next()).toBe(10_001); // the same millisecond: still in order
    clock.now = 3_000;
    expect(uses.next()).toBe(10_002);
    clock.now = 20_000;
    expect(uses.next()).toBe(20_000);
  });

  it('starts after the latest stamp stored, and learns of later ones other tabs wrote', () => {
    const clock = { now: 1_000 };
    const uses = new UseClock(() => clock.now, 50_000);
    expect(uses.next()).toBe(50_001);
    uses.observe(90_000);
    expect(uses.next()).toBe(90_001);
    uses.observe(10); // an older stamp changes nothing
    expect(uses.next()).toBe(90_002);
  });
});
