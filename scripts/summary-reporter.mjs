import { mkdirSync, writeFileSync } from 'node:fs';

// A test-runner reporter that ends the run with the plain line `N passed, N failed`,
// counted over every test of every file.
/** @returns {import('@web/test-runner').Reporter} */
export function summaryLineReporter() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  /** @param {import('@web/test-runner').TestSuiteResult} suite */
  const walk = (suite) => {
    for (const t of suite.tests ?? []) {
      if (t.skipped) skipped++;
      else if (t.passed) passed++;
      else failed++;
    }
    for (const s of suite.suites ?? []) walk(s);
  };
  return {
    onTestRunFinished({ sessions }) {
      for (const session of sessions) {
        if (session.testResults) walk(session.testResults);
        // A file that failed to load counts as a failure, even though no test in it ran.
        if (!session.passed && (!session.testResults || session.errors?.length)) failed++;
      }
    },
    async stop() {
      // scripts/test.mjs prints the closing line from this file, after the runner's own output ends.
      mkdirSync('test-artifacts', { recursive: true });
      writeFileSync('test-artifacts/summary.json', JSON.stringify({ passed, failed, skipped }));
    },
  };
}
