// data-base-url.ts: where the ae-* elements look for the prepared datasets (manifest.json and the
// .u8 files). One rule for every element, applied when data is fetched (not when the element is
// created), so the order in which a page sets things up does not matter. Imports data (the default).
//
// Precedence, first that is set wins:
//   1. the element's own `data-base-url` attribute (or `dataBaseUrl` property);
//   2. setDataBaseUrl(url), called from script (the library module exports it);
//   3. <meta name="ae-data-base-url" content="…"> in the document (works without any script);
//   4. the module default: '/data/' for the demo page, `new URL('./data/', import.meta.url)` in the
//      library build (src/ui/lib.ts), i.e. the data/ folder next to autoencoder-lab.js.
// Relative URLs resolve against the document, as fetch() does.
import { DEFAULT_DATA_BASE_URL } from '../data/index';

let moduleDefault = DEFAULT_DATA_BASE_URL;
let pageSetting: string | null = null;

/** Sets the page-wide data folder used by every element without a `data-base-url`; null clears it. */
export function setDataBaseUrl(url: string | URL | null): void {
  pageSetting = url === null ? null : String(url);
}

/** Sets the fallback of last resort (the library build points it next to its own module). */
export function setModuleDataBaseUrl(url: string | URL): void {
  moduleDefault = String(url);
}

/** The data folder for an element whose own setting is `own` ('' or null when it has none). */
export function resolveDataBaseUrl(own?: string | null): string {
  if (own) return own;
  if (pageSetting) return pageSetting;
  const meta =
    typeof document !== 'undefined'
      ? document.querySelector<HTMLMetaElement>('meta[name="ae-data-base-url"]')?.content
      : undefined;
  if (meta) return meta;
  return moduleDefault;
}
