// esbuild-text.mjs: the esbuild plugin every Node bundle of the engine uses (the benchmark, the Node
// experiment runner, the Node test suite): `*.wgsl?raw` and `*.css?inline` imports become the file's
// text, as Vite serves them to the page. Imports esbuild's types only.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** @type {import('esbuild').Plugin} */
export const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\.(wgsl\?raw|css\?inline)$/ }, (a) => ({
      path: resolve(a.resolveDir, a.path.replace(/\?(raw|inline)$/, '')),
      namespace: 'raw-text',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw-text' }, (a) => ({
      contents: readFileSync(a.path, 'utf8'),
      loader: 'text',
    }));
  },
};
