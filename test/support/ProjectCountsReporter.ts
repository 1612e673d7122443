import type { Reporter, TestModule, Vitest } from 'vitest/node';

/**
 * Prints one line per vitest project after the default summary, whose totals
 * mix them: each browser's counts (browser: Chromium, firefox: Firefox ESR)
 * stay visible in `npm test` output. A file that failed outside its tests (a
 * browser that did not start in beforeAll) is counted too: its tests only
 * show as skipped.
 */
export class ProjectCountsReporter implements Reporter {
  private vitest: Vitest | null = null;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = new Map<string, { passed: number; failed: number; skipped: number; failedFiles: number }>();
    for (const module of testModules) {
      const name = module.project.name || '(root)';
      const count = counts.get(name) ?? { passed: 0, failed: 0, skipped: 0, failedFiles: 0 };
      counts.set(name, count);
      if (module.state() === 'failed') count.failedFiles++;
      for (const test of module.children.allTests()) {
        const { state } = test.result();
        if (state === 'passed') count.passed++;
        else if (state === 'failed') count.failed++;
        else count.skipped++;
      }
    }
    if (counts.size === 0) return;
    const width = Math.max(...[...counts.keys()].map((name) => name.length));
    const lines = [...counts].map(([name, { passed, failed, skipped, failedFiles }]) => {
      const parts = [`${passed} passed`];
      if (failed > 0) parts.push(`${failed} failed`);
      if (skipped > 0) parts.push(`${skipped} skipped`);
      if (failedFiles > 0) parts.push(`${failedFiles} ${failedFiles === 1 ? 'file' : 'files'} failed`);
      return `   ${name.padEnd(width)}  ${parts.join(' | ')}`;
    });
    const log = (text: string) => (this.vitest ? this.vitest.logger.log(text) : console.log(text));
    log(` Tests per project\n${lines.join('\n')}\n`);
  }
}
