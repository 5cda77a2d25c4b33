// lib.ts: entry of the library build (vite.lib.config.ts → dist/lib/autoencoder-lab.js). A course
// page includes this one module; it registers every ae-* element and, unless the page says
// otherwise, looks for the datasets in the data/ folder next to itself. Imports ./lib-base-url
// (first, so the default is in place before any element is defined) and ./index.
import './lib-base-url';

export * from './index';
export { resolveDataBaseUrl, setDataBaseUrl } from './data-base-url';
