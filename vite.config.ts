// Vite serves the demo page (demo/index.html) and `public/` (the prepared datasets under /data/).
import { defineConfig } from 'vite';

export default defineConfig({
  root: '.',
  publicDir: 'public',
  server: { open: false },
  build: {
    outDir: 'dist/demo',
    rollupOptions: { input: { main: 'index.html' } },
  },
});
