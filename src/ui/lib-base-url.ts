// lib-base-url.ts: in the library build, the datasets default to the data/ folder beside the built
// module (dist/lib/data/, copied there by vite.lib.config.ts). Imports ./data-base-url.
import { setModuleDataBaseUrl } from './data-base-url';

// @vite-ignore: the folder exists only next to the built file, not at build time.
setModuleDataBaseUrl(new URL(/* @vite-ignore */ './data/', import.meta.url));
