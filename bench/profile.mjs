// profile.mjs: `npm run profile [-- fc|conv|grids]` — opens bench/profile.html in headless Chromium (the
// tests' flags) and prints, per training step of the benchmark's FC and conv models, the time of each
// kernel and its share. Imports ../scripts/browser.mjs.
import { openRepoPage } from '../scripts/browser.mjs';

/** @typedef {Window & { profileResult?: string, profileError?: string }} ProfileWindow What bench/profile.ts leaves on the page's window. */

const which = process.argv[2];
if (which && !['fc', 'conv', 'grids'].includes(which)) {
  process.stderr.write(
    `profile: unknown model "${which}"; expected fc, conv, grids (the direct GEMM's thread grids on the FC products) or nothing (fc and conv).\n`,
  );
  process.exit(2);
}
const { page, close } = await openRepoPage(`/bench/profile.html${which ? `?only=${which}` : ''}`, {
  entries: ['bench/profile.html'],
});
try {
  await page.waitForFunction(
    () => {
      const w = /** @type {ProfileWindow} */ (window);
      return w.profileResult !== undefined || w.profileError !== undefined;
    },
    { timeout: 0, polling: 500 },
  );
  const { result, error } = await page.evaluate(() => {
    const w = /** @type {ProfileWindow} */ (window);
    return { result: w.profileResult ?? null, error: w.profileError ?? null };
  });
  if (error !== null) throw new Error(`profile: the page failed: ${error}`);
  process.stdout.write(`${result}\n`);
} finally {
  await close();
}
