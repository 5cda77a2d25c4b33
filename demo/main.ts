// main.ts: entry script of the demo page (index.html). Registers the ae-* elements; the page's
// markup does the rest. Imports src/ui only.
import '../src/ui/index';

// Failures are already shown inside the component that hit them; keep a record in the console too,
// for whoever opens the developer tools.
document.addEventListener('ae-error', (event) => {
  console.warn(`[${event.detail.task}] ${event.detail.error.message}`);
});
