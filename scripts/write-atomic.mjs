// write-atomic.mjs: writes a file so that a reader (or an interrupted run) sees the old file or the new
// one, never a partial one. Imports node:fs.
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes `data` into `<path>.tmp-<pid>` beside `path`, then renames it over `path`; the temporary file
 * is removed if anything fails.
 * @param {string} path
 * @param {string | Uint8Array} data
 */
export function writeAtomic(path, data) {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
