import { describe, expect, it } from 'vitest';
import { statusBadge, type LoadState } from '../../../demo/statusBadge';

describe('statusBadge (demo)', () => {
  it.each<[LoadState, string]>([
    ['loading', ''],
    ['hit', 'From cache'],
    ['revalidated', 'From cache, checked'],
    ['miss', 'Downloaded'],
    ['stale', 'Offline copy'],
    ['uncached', 'Downloaded, not saved'],
    ['unavailable', 'Not available offline'],
    ['cancelled', 'Cancelled'],
    ['error', 'Failed'],
  ])('%s reads %j', (state, badge) => {
    expect(statusBadge(state)).toBe(badge);
  });

  it('never shows the cache’s own terms, which read like failures', () => {
    const states: LoadState[] = ['hit', 'revalidated', 'miss', 'stale', 'uncached', 'unavailable'];
    for (const state of states) expect(statusBadge(state)).not.toMatch(/\b(miss|stale|hit|uncached)\b/i);
  });
});
