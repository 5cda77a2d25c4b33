// static-server.mjs: a tiny read-only HTTP server (node:http) for the e2e test of the built library.
// Serves `routes` (URL prefix → folder) on 127.0.0.1 and a free port; anything else is 404. Plain
// files only, no directory listings, no SPA fallback, so a missing dataset file really is missing.
// Imports node built-ins only.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.u8': 'application/octet-stream',
};

/**
 * Starts the server; resolves to { origin, close() }. `routes`: { '/demo/': '/abs/demo', … }.
 * @param {Record<string, string>} routes
 * @returns {Promise<{ origin: string, close: () => Promise<void> }>}
 */
export function serveStatic(routes) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const prefix = Object.keys(routes).find((p) => path.startsWith(p));
    const root = prefix && routes[prefix];
    const file = prefix && root ? normalize(join(root, path.slice(prefix.length))) : '';
    let size = -1;
    try {
      if (file && root && (file === root || file.startsWith(root.endsWith(sep) ? root : root + sep))) {
        const st = statSync(file);
        if (st.isFile()) size = st.size;
      }
    } catch {
      // missing: 404 below
    }
    if (size < 0) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolve({
        origin: `http://127.0.0.1:${port}`,
        close: () => /** @type {Promise<void>} */ (new Promise((r) => server.close(() => r()))),
      });
    });
  });
}
