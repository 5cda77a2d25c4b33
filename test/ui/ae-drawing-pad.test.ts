// <ae-drawing-pad>: the brush's hand-worked values; a pointer stroke draws where it went (client →
// image pixels), its reconstruction differs from a blank drawing's, and its code equals a float64 CPU
// encoder forward of the drawn image; "Show in explorer" hands the code to an <ae-latent-explorer>
// (same model, shared) and fires ae-code; clear() wipes the drawing.
import { expect } from 'chai';
import '../../src/ui/index';
import type { AeDrawingPad } from '../../src/ui/index';
import type { ModelStore } from '../../src/ui/model-store';
import type { LatentModel } from '../../src/experiments/latent-codes';
import { brushValue, strokeSegment } from '../../src/ui/components/ae-drawing-pad/ae-drawing-pad';
import { mount, nextEvent, part } from './helpers';
import {
  cleanUp,
  cpuDecode,
  cpuEncode,
  expectClose,
  fcModelStore,
  fcWeights,
  keysOn,
  syntheticImages,
} from './latent-reference';

const LATENT = 5;
const SLOPE = 0.5;
async function storeWithModel(): Promise<ModelStore> {
  return (await fcModelStore('pad', LATENT, SLOPE, 11)).store;
}

/** A pad on `store`'s model, started. */
async function startedPad(store: ModelStore): Promise<AeDrawingPad> {
  const pad = await mount('ae-drawing-pad', (p) => {
    p.store = store;
    p.latent = LATENT;
  });
  await pad.start();
  return pad;
}

function bytes(el: Element, selector: string): Uint8ClampedArray {
  const c = part(el, selector) as HTMLCanvasElement;
  return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
}

/** A stroke on the pad from image point (x0, y0) to (x1, y1) (image pixels), through pointer events. */
function stroke(pad: AeDrawingPad, from: [number, number], to: [number, number]): void {
  const canvas = part(pad, '[part="pad"]');
  const r = canvas.getBoundingClientRect();
  const at = (x: number, y: number) => ({
    clientX: r.left + (x / 28) * r.width,
    clientY: r.top + (y / 28) * r.height,
    pointerId: 7,
    button: 0,
    pointerType: 'mouse',
    bubbles: true,
    composed: true,
  });
  canvas.dispatchEvent(new PointerEvent('pointerdown', at(...from)));
  for (let k = 1; k <= 4; k++) {
    const t = k / 4;
    canvas.dispatchEvent(
      new PointerEvent('pointermove', at(from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t)),
    );
  }
  canvas.dispatchEvent(new PointerEvent('pointerup', at(...to)));
}

describe('<ae-drawing-pad>', () => {
  let store: ModelStore | null = null;
  afterEach(async () => {
    store = await cleanUp(store);
  });

  it('brush: full at the pen, linear to zero at 1.5 radii; a segment keeps the brighter value', () => {
    expect(brushValue(0, 1.2)).to.equal(1);
    expect(brushValue(0.6, 1.2)).to.equal(1);
    expect(brushValue(1.2, 1.2)).to.be.closeTo(0.5, 1e-12);
    expect(brushValue(1.8, 1.2)).to.equal(0);
    const px = new Float32Array(784);
    px[5 * 28 + 10] = 0.9;
    // A dot at the centre of pixel (3, 5): that pixel 1, its neighbour one pixel right 1.5 − 1/1.2.
    strokeSegment(px, 3.5, 5.5, 3.5, 5.5, 1.2);
    expect(px[5 * 28 + 3]).to.equal(1);
    expect(px[5 * 28 + 4]).to.be.closeTo(1.5 - 1 / 1.2, 1e-6);
    expect(px[5 * 28 + 6]).to.equal(0);
    expect(px[5 * 28 + 10]).to.be.closeTo(0.9, 1e-7);
  });

  it('a stroke draws along its path, and its code and reconstruction are the CPU encoder’s and decoder’s', async () => {
    store = await storeWithModel();
    const pad = await startedPad(store);
    expect(pad.status).to.equal('ready');
    // Blank drawing first: the reconstruction of nothing.
    pad.setPixels(new Float32Array(784));
    await pad.settled();
    const blank = bytes(pad, '[part="reconstruction"]');
    const blankCode = pad.encoded!.code;

    stroke(pad, [6, 14], [22, 14]);
    await pad.settled();
    const drawn = pad.pixels;
    // On the path (row 14, columns 7..21) full; far from it (rows 0..9, 19..27) empty.
    for (let c = 7; c <= 21; c++) expect(drawn[14 * 28 + c], `pixel (${c}, 14)`).to.equal(1);
    for (const r of [0, 5, 9, 19, 27]) for (let c = 0; c < 28; c++) expect(drawn[r * 28 + c]).to.equal(0);
    const enc = pad.encoded!;
    expect(Array.from(enc.image)).to.deep.equal(Array.from(drawn));
    const w = await fcWeights(pad.latentModel as LatentModel);
    expectClose(enc.code, cpuEncode(w, drawn, 1, SLOPE), 'code of the drawing');
    expectClose(enc.reconstruction, cpuDecode(w, cpuEncode(w, drawn, 1, SLOPE), 1, SLOPE), 'reconstruction');
    const shown = bytes(pad, '[part="reconstruction"]');
    let differ = 0;
    for (let i = 0; i < shown.length; i += 4) if (shown[i] !== blank[i]) differ++;
    expect(differ, 'reconstruction pixels that differ from the blank drawing’s').to.be.greaterThan(0);
    expect(Array.from(enc.code)).to.not.deep.equal(Array.from(blankCode));
    // The pad's canvas shows the drawing.
    const padBytes = bytes(pad, '[part="pad"]');
    expect(padBytes[4 * (14 * 28 + 10)]).to.equal(255);
    expect(padBytes[4 * (3 * 28 + 10)]).to.equal(0);
    // The code is drawn as one bar per value.
    expect(part(pad, '[part="code"]').querySelectorAll('rect').length).to.equal(LATENT);

    pad.clear();
    expect(pad.pixels.every((v) => v === 0)).to.equal(true);
    expect(pad.encoded).to.equal(null);
  });

  it('draws with the keyboard: Enter lowers the pen, the arrows draw, Space lifts it', async () => {
    store = await storeWithModel();
    const pad = await startedPad(store);
    const key = keysOn(pad, '[part="pad"]');
    key('ArrowLeft', true); // pen up: moves without drawing, to (10, 13)
    expect(pad.pixels.every((v) => v === 0)).to.equal(true);
    key('Enter'); // pen down: a dot at (10, 13)
    key('ArrowRight', true);
    key('ArrowRight', true); // a line to (16, 13)
    key(' '); // pen up
    key('ArrowDown', true); // moves to (16, 16) without drawing
    await pad.settled();
    const px = pad.pixels;
    for (let c = 10; c <= 16; c++) expect(px[13 * 28 + c], `pixel (${c}, 13)`).to.equal(1);
    expect(px[13 * 28 + 8]).to.equal(0);
    expect(px[16 * 28 + 16]).to.equal(0);
    const w = await fcWeights(pad.latentModel as LatentModel);
    expectClose(pad.encoded!.code, cpuEncode(w, px, 1, SLOPE), 'code of the keyboard drawing');
  });

  it('"Show in explorer" hands the code to the explorer named by for, and fires ae-code', async () => {
    store = await storeWithModel();
    const explorer = await mount('ae-latent-explorer', (e) => {
      e.id = 'space';
      e.store = store;
      e.latent = LATENT;
      e.testSet = syntheticImages(20);
    });
    const pad = await mount('ae-drawing-pad', (p) => {
      p.store = store;
      p.latent = LATENT;
      p.for = 'space';
    });
    await Promise.all([explorer.start(), pad.start()]);
    expect(pad.latentModel).to.equal(explorer.latentModel);
    stroke(pad, [14, 4], [14, 24]);
    await pad.settled();
    const sent = nextEvent(pad, 'ae-code', 5000);
    part(pad, 'button[data-action="send"]').click();
    const detail = (await sent).detail;
    expect(Array.from(detail.code)).to.deep.equal(Array.from(pad.encoded!.code));
    expect(detail.key).to.equal(explorer.latentModel!.key);
    await explorer.settled();
    expect(Array.from(explorer.code)).to.deep.equal(Array.from(pad.encoded!.code));
    expect(Array.from(explorer.decoded!.image)).to.deep.equal(Array.from(pad.encoded!.reconstruction));
  });
});
