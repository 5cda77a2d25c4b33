// main.ts: entry script of the demo page (index.html). First puts the settings named in the address
// on the experiment elements (demo/url-state.ts), then registers the ae-* elements; the page's
// markup does the rest. Imports src/ui and ./url-state only.
import { syncLabsWithAddress } from './url-state';

syncLabsWithAddress();
// Defined after the address is applied, so each element's first render already has its settings.
await import('../src/ui/index');

// Failures are already shown inside the component that hit them; keep a record in the console too,
// for whoever opens the developer tools.
document.addEventListener('ae-error', (event) => {
  console.warn(`[${event.detail.task}] ${event.detail.error.message}`);
});
