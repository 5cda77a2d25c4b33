// checks.mjs: named checks for the end-to-end scripts. check() runs one, prints `ok` or `FAIL` with its
// note or error and the time it took, and counts it in `counts`; expect() is the assertion they use.
// Imports nothing.

/** A counter of checks and the function that runs one. */
export function checkRunner() {
  const counts = { passed: 0, failed: 0 };
  /**
   * @param {string} name
   * @param {() => unknown} fn resolves to an optional note printed after the name
   */
  async function check(name, fn) {
    const t = Date.now();
    try {
      const note = await fn();
      counts.passed++;
      console.log(`ok   ${name}${note ? ` — ${note}` : ''} (${((Date.now() - t) / 1000).toFixed(1)}s)`);
    } catch (e) {
      counts.failed++;
      console.log(
        `FAIL ${name}: ${e instanceof Error ? e.message : String(e)} (${((Date.now() - t) / 1000).toFixed(1)}s)`,
      );
    }
  }
  return { counts, check };
}

/**
 * @param {unknown} ok
 * @param {string} message
 * @returns {asserts ok}
 */
export function expect(ok, message) {
  if (!ok) throw new Error(message);
}
