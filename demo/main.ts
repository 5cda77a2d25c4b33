// main.ts: entry script of the demo page (index.html). First puts the settings named in the address
// on the experiment elements (demo/url-state.ts), then registers the ae-* elements lazily: only the
// GPU status card is part of the first load; the dataset viewers, the experiment labs (with the
// experiments registry), the theory lab and the latent explorer with its drawing pad are imported,
// each as its own chunk, when an element of theirs comes near the viewport (or is the target of the
// address's #hash). Imports src/ui components and ./url-state only.
import '../src/ui/components/ae-gpu-status/ae-gpu-status';
import { syncLabsWithAddress } from './url-state';

/** Each group of elements and the module that defines them. */
const GROUPS: { selector: string; load: () => Promise<unknown> }[] = [
  { selector: 'ae-dataset-viewer', load: () => import('../src/ui/components/ae-dataset-viewer/ae-dataset-viewer') },
  {
    selector:
      'ae-fc-train-lab, ae-fc-sweep-lab, ae-fc-inversion-lab, ae-fc-compression-lab, ae-conv-latent-lab, ae-conv-capacity-lab, ae-conv-interpolate-lab, ae-conv-correlation-lab, ae-conv-transfer-lab',
    load: () => import('../src/ui/components/ae-experiment/labs'),
  },
  { selector: 'ae-theory-lab', load: () => import('../src/ui/components/ae-theory/ae-theory') },
  {
    selector: 'ae-latent-explorer, ae-drawing-pad',
    load: () =>
      Promise.all([
        import('../src/ui/components/ae-latent-explorer/ae-latent-explorer'),
        import('../src/ui/components/ae-drawing-pad/ae-drawing-pad'),
      ]),
  },
];

/** How far ahead of the viewport a section starts loading its code. */
const AHEAD = '600px 0px';

/** Defines a group's elements once any of them approaches the viewport; returns a starter for the group. */
function lazyGroup(selector: string, load: () => Promise<unknown>): () => void {
  const elements = Array.from(document.querySelectorAll(selector));
  let started = false;
  let observer: IntersectionObserver | null = null;
  const start = () => {
    if (started) return;
    started = true;
    observer?.disconnect();
    load().catch((e: unknown) => {
      started = false;
      console.warn(
        `[page] could not load the code of ${selector.split(',')[0]}: ${e instanceof Error ? e.message : String(e)}`,
      );
    });
  };
  if (elements.length === 0) return start;
  if (typeof IntersectionObserver === 'undefined') {
    start();
    return start;
  }
  observer = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) start();
    },
    { rootMargin: AHEAD },
  );
  for (const el of elements) observer.observe(el);
  return start;
}

syncLabsWithAddress();
// Defined after the address is applied, so each element's first render already has its settings.
const starters = GROUPS.map(({ selector, load }) => ({ selector, start: lazyGroup(selector, load) }));

// A jump to a section (#fc-train, a table-of-contents link) loads that section's code at once.
const loadTarget = () => {
  const target = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  if (!target) return;
  for (const { selector, start } of starters) if (target.matches(selector) || target.querySelector(selector)) start();
};
loadTarget();
window.addEventListener('hashchange', loadTarget);

// Failures are already shown inside the component that hit them; keep a record in the console too,
// for whoever opens the developer tools.
document.addEventListener('ae-error', (event) => {
  console.warn(`[${event.detail.task}] ${event.detail.error.message}`);
});
