// A node:test reporter (`--test-reporter`) that writes the run's closing counts as JSON:
// { tests, suites, pass, fail, cancelled, skipped, todo, duration_ms }, the numbers node's own
// reporters print at the end. scripts/test-node.mjs sends it to a file and prints the line from it.

/**
 * @param {AsyncIterable<{ type: string, data: { message?: string, nesting?: number } }>} source
 * @returns {AsyncGenerator<string>}
 */
export default async function* summaryReporter(source) {
  /** @type {Record<string, number>} */
  const counts = {};
  for await (const event of source) {
    if (event.type !== 'test:diagnostic' || event.data.nesting !== 0) continue;
    const m = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ([\d.]+)$/.exec(event.data.message ?? '');
    if (m) counts[/** @type {string} */ (m[1])] = Number(m[2]);
  }
  yield `${JSON.stringify(counts)}\n`;
}
