/**
 * Counts how often a limited fault (fails=, drops=) has hit each URL, so a
 * test can say "fail the first n requests, then behave", and which step of
 * a sequence (v=1,2) a URL has reached.
 */
export class FaultBudget {
  private readonly used = new Map<string, number>();

  /** Whether the fault applies to this request; only `consume` requests use up the budget. */
  applies(key: string, limit: number | undefined, consume: boolean): boolean {
    if (limit === undefined) return true;
    const used = this.used.get(key) ?? 0;
    if (used >= limit) return false;
    if (consume) this.used.set(key, used + 1);
    return true;
  }

  /** How many earlier requests counted under `key`; counts this one too if `consume`. */
  seen(key: string, consume: boolean): number {
    const used = this.used.get(key) ?? 0;
    if (consume) this.used.set(key, used + 1);
    return used;
  }

  clear(): void {
    this.used.clear();
  }
}
