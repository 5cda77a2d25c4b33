// suite.mjs: which test files run from Node (scripts/test-node.mjs) as well as in the browser.
// Imports node built-ins only.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The folders and files whose tests need WebGPU and JavaScript only. Left to the browser: test/ui
 * (elements and canvases), test/cli (the page runner's DOM and the report's HTML), test/bench (tfjs
 * loads from a script tag), and the reliability tests that build elements or fetch the served page
 * (components, embed-safety) or keep models in IndexedDB (persistence).
 */
export const NODE_SUITE = [
  'test/cpu',
  'test/gpu',
  'test/reliability/determinism.test.ts',
  'test/reliability/device-loss.test.ts',
  'test/reliability/file-fuzz.test.ts',
  'test/reliability/leaks.test.ts',
];

/**
 * @param {string} dir a folder relative to the repository root
 * @returns {string[]}
 */
function testFilesUnder(dir) {
  /** @type {string[]} */
  const found = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) found.push(...testFilesUnder(path));
    else if (entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found.sort();
}

/** Every test file of the Node suite, relative to the repository root with forward slashes. */
export function nodeSuiteFiles() {
  return NODE_SUITE.flatMap((p) => (p.endsWith('.ts') ? [p] : testFilesUnder(p)));
}
