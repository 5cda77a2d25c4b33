// tfjs-loader.ts: loads tfjs-core (ES build, every gradient registered) and its WebGPU backend into
// the test page — the same modules the bench page imports through Vite.
//
// The test runner serves node_modules as ES modules but does not convert CommonJS, and tfjs-core's
// ES build statically imports two CommonJS packages. An import map added before tfjs is imported
// points them at ES modules made here: `long` (needed when tfjs-core loads: its string hashing builds
// 64-bit constants) is its own source wrapped so that `module.exports` becomes the default export;
// `seedrandom` (used only by seeded random ops, which the bench does not call) is replaced by a
// module whose `alea` throws. The URLs are where the runner's node resolution puts the two packages.
import type { Tf } from '../../bench/workloads/types';

const LONG_URL = '/node_modules/long/src/long.js';
const SEEDRANDOM_URL = '/node_modules/seedrandom/index.js';

const moduleUrl = (source: string): string => URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));

async function commonJsAsModule(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok)
    throw new Error(
      `tfjs-loader: could not fetch ${url}; expected HTTP 200, got ${response.status}. Run \`npm install\`.`,
    );
  const source = await response.text();
  return moduleUrl(
    `const module = { exports: {} };\nconst exports = module.exports;\n${source}\nexport default module.exports;\n`,
  );
}

async function addImportMap(): Promise<void> {
  const seedrandomStub = moduleUrl(
    "export function alea() { throw new Error('tfjs-loader: seedrandom is stubbed in the test page; seeded random ops are unavailable here.'); }\n" +
      'export default { alea };\n',
  );
  const map = document.createElement('script');
  map.type = 'importmap';
  map.textContent = JSON.stringify({
    imports: { [LONG_URL]: await commonJsAsModule(LONG_URL), [SEEDRANDOM_URL]: seedrandomStub },
  });
  document.head.append(map);
}

let loaded: Promise<Tf> | null = null;

/** tfjs-core with the 'webgpu' backend registered (not yet selected). Loaded once per page. */
export function loadTfjs(): Promise<Tf> {
  loaded ??= (async () => {
    await addImportMap();
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-core/dist/register_all_gradients');
    await import('@tensorflow/tfjs-backend-webgpu');
    return tf as unknown as Tf;
  })();
  return loaded;
}
