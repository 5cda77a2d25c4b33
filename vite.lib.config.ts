// vite.lib.config.ts: the library build (`npm run build:lib`). One ES module,
// dist/lib/autoencoder-lab.js, that registers every ae-* element (entry src/ui/lib.ts) with lit,
// uPlot (and its CSS, `?inline`) and every shader (`?raw`) bundled in; `public/` (the prepared
// datasets) is copied beside it as dist/lib/data/, where the elements look by default.
import { defineConfig } from 'vite';

export default defineConfig({
  // public/ holds data/, so the copy lands in dist/lib/data/.
  publicDir: 'public',
  build: {
    outDir: 'dist/lib',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: true,
    copyPublicDir: true,
    lib: {
      entry: 'src/ui/lib.ts',
      formats: ['es'],
      fileName: () => 'autoencoder-lab.js',
    },
    rollupOptions: {
      // Everything in one file: no code-split chunks a course page would have to host too.
      output: { codeSplitting: false },
    },
  },
});
