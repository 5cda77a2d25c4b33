// <ae-dataset-viewer lazy>: fetches nothing while the card is far from the viewport (and says so),
// loads once it is scrolled into view, and loads at once on "Load now".
import { expect } from 'chai';
import '../../src/ui/components/ae-dataset-viewer/ae-dataset-viewer';
import type { AeDatasetViewer } from '../../src/ui/components/ae-dataset-viewer/ae-dataset-viewer';
import { nextEvent, part } from './helpers';

/** A lazy viewer placed well below the fold, behind a tall spacer. */
async function farViewer(): Promise<{ el: AeDatasetViewer; spacer: HTMLElement; progress: string[] }> {
  const spacer = document.createElement('div');
  spacer.style.height = '6000px';
  const el = document.createElement('ae-dataset-viewer');
  el.setAttribute('dataset', 'mnist');
  el.setAttribute('lazy', '');
  const progress: string[] = [];
  el.addEventListener('ae-progress', (e) => progress.push(e.detail.message));
  document.body.append(spacer, el);
  await el.updateComplete;
  return { el, spacer, progress };
}

describe('ae-dataset-viewer lazy', () => {
  afterEach(() => {
    document.body.replaceChildren();
    window.scrollTo(0, 0);
  });

  it('waits below the fold, says so, and loads when scrolled into view', async () => {
    window.scrollTo(0, 0);
    const { el, progress } = await farViewer();
    await new Promise((r) => setTimeout(r, 300));
    expect(progress, 'no download may start out of view').to.deep.equal([]);
    expect(part(el, '[part="status"]').textContent).to.match(/loads when this card comes into view/);
    expect(el.shown).to.equal(null);
    const done = nextEvent(el, 'ae-done', 90000);
    el.scrollIntoView();
    await done;
    await el.updateComplete;
    expect(progress.length).to.equal(1);
    expect(el.shown?.count).to.equal(32);
    expect(el.shadowRoot!.querySelector('ae-image-grid')).to.not.equal(null);
  });

  it('"Load now" loads without scrolling', async () => {
    window.scrollTo(0, 0);
    const { el } = await farViewer();
    const done = nextEvent(el, 'ae-done', 90000);
    part(el, '[part="status"] button').click();
    await done;
    await el.updateComplete;
    expect(el.shown?.count).to.equal(32);
    expect(el.shadowRoot!.querySelector('[part="status"]')).to.equal(null);
  });
});
