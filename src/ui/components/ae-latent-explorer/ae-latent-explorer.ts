// ae-latent-explorer.ts: <ae-latent-explorer>, a trained autoencoder's latent space to touch — the
// test set's codes on a plane (two code coordinates, or the first two principal components),
// coloured by class (uPlot), and the image the decoder makes of the point under the pointer, decoded
// on the GPU as the pointer moves. The other coordinates are held at a chosen code (a slider each);
// clicking two points makes them the ends of an interpolation strip. Imports lit, uplot,
// experiments (latent-codes, types), util errors, ../../data-base-url, ../../events,
// ../latent-model-element and sibling modules.
import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import uPlot from 'uplot';
import {
  datasetOf,
  loadLatentData,
  pca2,
  placeOnPca,
  projectPca,
  quickBudget,
  type LatentModel,
  type LatentModelKind,
  type Pca2,
} from '../../../experiments/latent-codes';
import type { Scale } from '../../../experiments/types';
import { ConfigError } from '../../../util/errors';
import { resolveDataBaseUrl } from '../../data-base-url';
import { asError } from '../../events';
import type { AeImagePickEvent } from '../ae-image-grid/ae-image-grid';
import { FASHION_MNIST_CLASSES } from '../ae-dataset-viewer/ae-dataset-viewer';
import { LatentModelElement, type LatentModelStatus } from '../latent-model-element';
import { explorerStyles } from './ae-latent-explorer.styles';
import { paintGray, SIDE } from './gray';

const SCALES: readonly Scale[] = ['tiny', 'small', 'full'];
const CLASS_COLOURS = 10;
/** Arrow keys move the point by this fraction of the plane's width or height (Shift: five times as far). */
const KEY_STEP = 1 / 40;
/** A click within this many CSS pixels of a test image picks it. */
const PICK_RADIUS = 12;
/** Margin around the codes' extent on the plane and on the sliders, as a fraction of it. */
const MARGIN = 0.1;

/** Test images to place on the plane: rows of 784 values in [0, 1] and a class label each. */
export interface LatentTestSet {
  x: Float32Array;
  labels: Uint8Array;
  count: number;
}

export type ExplorerStatus = LatentModelStatus;

/**
 * @summary The latent space of a trained autoencoder: the test set's codes as a scatter coloured by
 * class on two code coordinates or the first two principal components; the decoded image of the
 * point under the pointer (decoded on the GPU live, the other coordinates held at the sliders'
 * values); clicking a point takes its code into the sliders and makes it an end of the
 * interpolation strip; so do two images handed to `interpolateImages()`, or (with `listen-grids`) the
 * last two images clicked in any <ae-image-grid> on the page. The model is the model store's (see `weights`), else a quick one trained at
 * the labs' `scale` and stored. Keyboard: Tab to the plane, arrows move the point (Shift: faster),
 * Enter picks the nearest test image, Home returns to the picked image.
 *
 * @fires ae-progress - `{ task: 'latent-model', message, stage, epoch, epochs, step, total, loss }` while the model loads or trains.
 * @fires ae-error - `{ task: 'latent-explorer', error }` for a missing GPU, a bad attribute or a failed load.
 * @csspart base - the card around everything.
 * @csspart controls - Start and the plane's selects.
 * @csspart status - the progress line (aria-live).
 * @csspart error - the failure message (role="alert").
 * @csspart plane - the focusable scatter the pointer and arrow keys move over.
 * @csspart decoded - the figure of the decoded image; `decoded-canvas` the 28×28 canvas itself.
 * @csspart legend - the class colours.
 * @csspart sliders - the slider of each code coordinate.
 * @csspart strip - the interpolation between the two picked images.
 * @cssproperty --ae-accent - focus rings, the pointer marker and the picked ends.
 * @cssproperty --ae-class-0 - … `--ae-class-9`: the colour of each class.
 * @cssproperty --ae-plane-height - height of the plane (default 320px).
 * @cssproperty --ae-image-size - displayed side of the decoded image (default 168px).
 */
@customElement('ae-latent-explorer')
export class AeLatentExplorer extends LatentModelElement {
  static override styles = explorerStyles;

  protected readonly errorTask = 'latent-explorer';

  /** How many test images are placed on the plane. */
  @property({ type: Number, attribute: 'test-size' }) testSize = 300;
  /** 'pca' (first two principal components) or 'coords' (the code coordinates `x-coord`, `y-coord`). */
  @property() plane: 'pca' | 'coords' = 'pca';
  @property({ type: Number, attribute: 'x-coord' }) xCoord = 0;
  @property({ type: Number, attribute: 'y-coord' }) yCoord = 1;
  /** Images in the interpolation strip, both ends included. */
  @property({ type: Number }) steps = 8;
  /** Take the last two images picked in any <ae-image-grid> of the document as the strip's ends. */
  @property({ type: Boolean, attribute: 'listen-grids' }) listenGrids = false;
  /** Test images to place instead of the dataset's (embedding your own). */
  @property({ attribute: false }) testSet: LatentTestSet | null = null;

  @state() private current: Float64Array = new Float64Array(0);
  @state() private ends: number[] = [];
  @state() private stripImages: Float32Array | null = null;
  @state() private codeNote = '';
  /** The strip's end codes and their names, once it has two ends. */
  @state() private stripEnds: { codes: [Float32Array, Float32Array]; names: [string, string] } | null = null;
  /** Images picked in grids (with `listen-grids`), the last two. */
  private gridPicks: { image: Float32Array; name: string }[] = [];
  /** Bumped by every new pair of ends, so that a slower, older strip is not shown over a newer one. */
  private stripToken = 0;
  /** The strip from the last two grid images, while it is encoded and decoded. */
  private gridRun: Promise<void> = Promise.resolve();

  @query('[part="plane"] .plot') private plotBox!: HTMLDivElement | null;
  @query('[part="decoded-canvas"]') private decodedCanvas!: HTMLCanvasElement | null;

  private test: LatentTestSet | null = null;
  private testCodes: Float32Array | null = null;
  private pcaAxes: Pca2 | null = null;
  private points: { x: Float64Array; y: Float64Array } | null = null;
  private ranges: { x: [number, number]; y: [number, number]; coords: [number, number][] } | null = null;
  private plot: uPlot | null = null;
  private marker: HTMLDivElement | null = null;
  private endMarkers: HTMLDivElement[] = [];
  private resizer: ResizeObserver | null = null;
  private decodedImage: Float32Array | null = null;
  private decodedCode: Float32Array | null = null;
  private stripRun: Promise<void> = Promise.resolve();

  // --- public API ------------------------------------------------------------------------------

  /** The code now decoded (a copy; latent values). */
  get code(): Float64Array {
    return Float64Array.from(this.current);
  }

  /** The point's coordinates on the plane. */
  get point(): [number, number] {
    return this.planeOf(this.current);
  }

  /** The last decoded image (784 values as the decoder gave them, before clamping for display) and its code. */
  get decoded(): { image: Float32Array; code: Float32Array } | null {
    return this.decodedImage && this.decodedCode ? { image: this.decodedImage, code: this.decodedCode } : null;
  }

  /** Codes of the placed test images (count × latent), their plane coordinates, and the principal axes. */
  get placed(): { codes: Float32Array; x: Float64Array; y: Float64Array; pca: Pca2 | null; labels: Uint8Array } | null {
    if (!this.testCodes || !this.points || !this.test) return null;
    return { codes: this.testCodes, ...this.points, pca: this.pcaAxes, labels: this.test.labels };
  }

  /** Indices of the picked test images (the strip's ends once there are two). */
  get picked(): readonly number[] {
    return this.ends;
  }

  /** The interpolation strip's images (steps × 784, not clamped), once two images are picked. */
  get strip(): Float32Array | null {
    return this.stripImages;
  }

  /** The codes at the strip's two ends (latent values each), once it has two. */
  get stripCodes(): readonly [Float32Array, Float32Array] | null {
    return this.stripEnds ? this.stripEnds.codes : null;
  }

  /** Resolves when the decoded image and the strip show the latest code and picks. */
  override async settled(): Promise<void> {
    await this.gridRun;
    await super.settled();
    await this.stripRun;
  }

  /** Where test image `index` is drawn, in client (viewport) coordinates; null before the plane is drawn. */
  clientPointOf(index: number): { x: number; y: number } | null {
    const u = this.plot;
    if (!u || !this.points || !(index >= 0 && index < this.points.x.length)) return null;
    const rect = u.over.getBoundingClientRect();
    return {
      x: rect.left + u.valToPos(this.points.x[index]!, 'x'),
      y: rect.top + u.valToPos(this.points.y[index]!, 'y'),
    };
  }

  /** Moves the point to plane coordinates (x, y); the other coordinates keep their values. */
  moveTo(x: number, y: number): void {
    if (!this.ready()) return;
    this.setCode(this.withPlane(this.current, x, y));
  }

  /** Takes test image `index`: its code becomes the point's, and it becomes an end of the strip. */
  pick(index: number): void {
    if (!this.ready()) return;
    const L = this.opened!.latent;
    if (!Number.isInteger(index) || index < 0 || index >= this.test!.count)
      throw new ConfigError(`pick: expected a test image index in [0, ${this.test!.count - 1}]; got ${index}.`);
    this.codeNote = `test image ${index} (${this.labelName(this.test!.labels[index]!)})`;
    this.setCode(Float64Array.from(this.testCodes!.subarray(index * L, (index + 1) * L)));
    this.ends = [...this.ends.filter((i) => i !== index), index].slice(-2);
    this.updateStrip();
  }

  /**
   * Makes two images (784 values in [0, 1] each, e.g. from an <ae-image-grid>'s `ae-image-pick`) the
   * ends of the interpolation strip: both are encoded on the GPU, the strip is decoded from the line
   * between their codes, and the point moves to the second one's code. Resolves when the strip is up
   * to date.
   */
  async interpolateImages(
    a: ArrayLike<number>,
    b: ArrayLike<number>,
    names: [string, string] = ['image A', 'image B'],
  ): Promise<void> {
    if (!this.ready())
      throw new ConfigError('interpolateImages: the explorer is not ready; call start() and wait for it first.');
    for (const [which, image] of [
      ['first', a],
      ['second', b],
    ] as const)
      if (image.length !== SIDE * SIDE)
        throw new ConfigError(
          `interpolateImages: the ${which} image has ${image.length} values; expected ${SIDE * SIDE} (one 28×28 image).`,
        );
    const model = this.opened!;
    const L = model.latent;
    const both = new Float32Array(2 * SIDE * SIDE);
    both.set(a);
    both.set(b, SIDE * SIDE);
    const token = ++this.stripToken;
    this.ends = [];
    const codes = await model.encode(both, 2);
    if (token !== this.stripToken || model !== this.opened) return;
    this.codeNote = names[1];
    this.setCode(Float64Array.from(codes.subarray(L, 2 * L)));
    this.fillStrip(model, [codes.slice(0, L), codes.slice(L, 2 * L)], names, token);
    await this.stripRun;
  }

  /** Shows a code from elsewhere (e.g. an <ae-drawing-pad>'s ae-code event): latent values. */
  showCode(code: ArrayLike<number>, note = 'a code handed in'): void {
    if (!this.ready())
      throw new ConfigError('showCode: the explorer is not ready; call start() and wait for it first.');
    if (code.length !== this.opened!.latent)
      throw new ConfigError(
        `showCode: the code has ${code.length} values; expected ${this.opened!.latent}, this model's latent size. Use models with the same latent size.`,
      );
    this.codeNote = note;
    this.setCode(Float64Array.from(code));
  }

  // --- lifecycle -------------------------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('ae-image-pick', this.onGridPick);
    if (this.hasUpdated && this.opened && !this.plot) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('ae-image-pick', this.onGridPick);
    this.gridPicks = [];
    this.destroyPlot();
  }

  /** With `listen-grids`: an image picked in a grid; the last two become the strip's ends. */
  private readonly onGridPick = (e: AeImagePickEvent) => {
    if (!this.listenGrids) return;
    const { index, image, label } = e.detail;
    if (image.length !== SIDE * SIDE) {
      this.fail(
        new ConfigError(
          `listen-grids: a grid image has ${image.length} values; the explorer takes 28×28 images (784 values).`,
        ),
      );
      return;
    }
    const name = `grid image ${index}${label === undefined ? '' : ` (${label})`}`;
    this.gridPicks = [...this.gridPicks, { image, name }].slice(-2);
    if (this.gridPicks.length < 2 || !this.ready()) return;
    const [p, q] = this.gridPicks as [{ image: Float32Array; name: string }, { image: Float32Array; name: string }];
    this.gridPicks = [];
    this.gridRun = this.interpolateImages(p.image, q.image, [p.name, q.name]).catch((err: unknown) =>
      this.fail(asError(err)),
    );
  };

  protected override updated(changed: PropertyValues<this>): void {
    if (this.status !== 'ready') return;
    const images = this.stripImages;
    if (images && changed.has('stripImages' as keyof AeLatentExplorer))
      this.renderRoot.querySelectorAll<HTMLCanvasElement>('[part="strip"] canvas').forEach((c, k) => {
        paintGray(c, images.subarray(k * SIDE * SIDE, (k + 1) * SIDE * SIDE));
      });
    if (changed.has('plane') || changed.has('xCoord') || changed.has('yCoord')) {
      this.place();
      this.destroyPlot();
    }
    if (!this.plot && this.plotBox) this.createPlot();
    this.placeMarkers();
    if (changed.has('steps') && this.stripEnds && this.opened)
      this.fillStrip(this.opened, this.stripEnds.codes, this.stripEnds.names, ++this.stripToken);
  }

  // --- opening ---------------------------------------------------------------------------------

  protected override check(): void {
    super.check();
    if (!SCALES.includes(this.scale))
      throw new ConfigError(`scale: unknown value "${this.scale}"; expected one of ${SCALES.join(', ')}.`);
    if (!Number.isInteger(this.latent) || this.latent < 0)
      throw new ConfigError(`latent: expected an integer ≥ 0 (0: any stored model); got ${this.latent}.`);
    if (!Number.isInteger(this.testSize) || this.testSize < 2)
      throw new ConfigError(`test-size: expected an integer ≥ 2; got ${this.testSize}.`);
    if (!Number.isInteger(this.steps) || this.steps < 2)
      throw new ConfigError(`steps: expected an integer ≥ 2; got ${this.steps}.`);
  }

  protected override async take(model: LatentModel, origin: string, current: () => boolean): Promise<void> {
    if (model.latent < 2)
      throw new ConfigError(`latent: the model "${model.key}" has 1 latent value; a plane needs at least 2.`);
    const test = this.testSet ?? (await this.loadTest(model.spec.kind));
    if (!current()) return;
    if (test.x.length !== test.count * SIDE * SIDE || test.labels.length < test.count)
      throw new ConfigError(
        `testSet: expected ${test.count} images of 784 values and as many labels; got ${test.x.length} values and ${test.labels.length} labels.`,
      );
    this.message = `Encoding ${test.count} test images…`;
    const codes = await model.encode(test.x, test.count);
    if (!current()) return;
    this.enter(model, `${origin}; ${test.count} test images placed.`);
    this.test = test;
    this.testCodes = codes;
    this.pcaAxes = pca2(codes, test.count, model.latent);
    this.place();
    this.ends = [];
    this.stripImages = null;
    this.stripEnds = null;
    this.stripToken++;
    this.codeNote = `test image 0 (${this.labelName(test.labels[0]!)})`;
    this.current = Float64Array.from(codes.subarray(0, model.latent));
    this.requestDecode();
  }

  private async loadTest(kind: LatentModelKind): Promise<LatentTestSet> {
    this.message = `Loading ${this.testSize} test images…`;
    const b = quickBudget(kind, this.scale);
    const data = await loadLatentData(
      kind,
      { trainSize: b.trainSize, testSize: this.testSize, seed: 0 },
      resolveDataBaseUrl(this.dataBaseUrl),
    );
    return { x: data.test.x, labels: data.test.labels, count: data.test.count };
  }

  // --- the plane -------------------------------------------------------------------------------

  private ready(): boolean {
    return this.status === 'ready' && this.opened !== null && this.testCodes !== null;
  }

  private coords(): [number, number] {
    const L = this.opened?.latent ?? 2;
    const fit = (v: number, fallback: number) => (Number.isInteger(v) && v >= 0 && v < L ? v : fallback);
    const x = fit(this.xCoord, 0);
    const y = fit(this.yCoord, x === 1 ? 0 : 1);
    return [x, y === x ? (x + 1) % L : y];
  }

  private planeOf(code: ArrayLike<number>): [number, number] {
    if (!this.opened || code.length === 0) return [0, 0];
    if (this.plane === 'pca' && this.pcaAxes) return projectPca(this.pcaAxes, code);
    const [i, j] = this.coords();
    return [code[i]!, code[j]!];
  }

  private withPlane(code: Float64Array, x: number, y: number): Float64Array {
    if (this.plane === 'pca' && this.pcaAxes) return placeOnPca(this.pcaAxes, code, x, y);
    const [i, j] = this.coords();
    const out = Float64Array.from(code);
    out[i] = x;
    out[j] = y;
    return out;
  }

  /** Plane coordinates of every test image, and the extents of the plane and of each coordinate. */
  private place(): void {
    const codes = this.testCodes;
    const model = this.opened;
    const test = this.test;
    if (!codes || !model || !test) return;
    const L = model.latent;
    const x = new Float64Array(test.count);
    const y = new Float64Array(test.count);
    for (let k = 0; k < test.count; k++) [x[k], y[k]] = this.planeOf(codes.subarray(k * L, (k + 1) * L));
    this.points = { x, y };
    const extent = (values: ArrayLike<number>): [number, number] => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = 0; k < values.length; k++) {
        lo = Math.min(lo, values[k]!);
        hi = Math.max(hi, values[k]!);
      }
      const pad = (hi - lo) * MARGIN || 1;
      return [lo - pad, hi + pad];
    };
    const coords: [number, number][] = [];
    for (let j = 0; j < L; j++) {
      const col = new Float64Array(test.count);
      for (let k = 0; k < test.count; k++) col[k] = codes[k * L + j]!;
      coords.push(extent(col));
    }
    this.ranges = { x: extent(x), y: extent(y), coords };
  }

  private classColour(c: number): string {
    const v = getComputedStyle(this)
      .getPropertyValue(`--_c${c % CLASS_COLOURS}`)
      .trim();
    return v || '#4e79a7';
  }

  private labelName(label: number): string {
    const kind = this.opened?.spec.kind ?? this.model;
    return datasetOf(kind) === 'fashion-mnist' ? (FASHION_MNIST_CLASSES[label] ?? String(label)) : String(label);
  }

  private axisNames(): [string, string] {
    if (this.plane === 'pca') return ['principal component 1', 'principal component 2'];
    const [i, j] = this.coords();
    return [`z${i + 1}`, `z${j + 1}`];
  }

  private createPlot(): void {
    const box = this.plotBox;
    if (!box || !this.points || !this.ranges || !this.test) return;
    const labels = this.test.labels;
    const classes = [...new Set(Array.from(labels.subarray(0, this.test.count)))].sort((a, b) => a - b);
    const fg = getComputedStyle(this).color || '#222';
    const grid = `color-mix(in srgb, ${fg} 12%, transparent)`;
    const [xName, yName] = this.axisNames();
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: fg,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      size: 40,
    });
    const pts = this.points;
    const draw =
      (colour: string): uPlot.Series.PathBuilder =>
      (u, seriesIdx) => {
        const [xs, ys] = (u.data as unknown as [null, ...[number[], number[]][]])[seriesIdx]!;
        const ctx = u.ctx;
        const r = 2.5 * devicePixelRatio;
        ctx.save();
        ctx.beginPath();
        ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
        ctx.clip();
        ctx.fillStyle = colour;
        ctx.globalAlpha = 0.8;
        ctx.beginPath();
        for (let k = 0; k < xs.length; k++) {
          const cx = u.valToPos(xs[k]!, 'x', true);
          const cy = u.valToPos(ys[k]!, 'y', true);
          ctx.moveTo(cx + r, cy);
          ctx.arc(cx, cy, r, 0, 2 * Math.PI);
        }
        ctx.fill();
        ctx.restore();
        return null;
      };
    const data: unknown[] = [null];
    const series: uPlot.Series[] = [{}];
    for (const c of classes) {
      const xs: number[] = [];
      const ys: number[] = [];
      for (let k = 0; k < this.test.count; k++)
        if (labels[k] === c) {
          xs.push(pts.x[k]!);
          ys.push(pts.y[k]!);
        }
      data.push([xs, ys]);
      const colour = this.classColour(c);
      series.push({
        label: this.labelName(c),
        stroke: colour,
        fill: colour,
        facets: [
          { scale: 'x', auto: false },
          { scale: 'y', auto: false },
        ],
        paths: draw(colour),
        points: { show: false },
      });
    }
    const { x: xr, y: yr } = this.ranges;
    const width = box.clientWidth || 320;
    const height = parseFloat(getComputedStyle(this).getPropertyValue('--_plane-height')) || 320;
    this.plot = new uPlot(
      {
        mode: 2,
        width,
        height,
        scales: { x: { time: false, range: () => [xr[0], xr[1]] }, y: { range: () => [yr[0], yr[1]] } },
        axes: [axis(xName), axis(yName)],
        series,
        legend: { show: false },
        cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false }, x: false, y: false },
      },
      data as unknown as uPlot.AlignedData,
      box,
    );
    const over = this.plot.over;
    over.style.touchAction = 'none';
    over.addEventListener('pointermove', this.onPointerMove);
    over.addEventListener('pointerdown', this.onPointerDown);
    this.marker = document.createElement('div');
    this.marker.className = 'marker';
    this.endMarkers = ['A', 'B'].map((t) => {
      const m = document.createElement('div');
      m.className = 'end';
      m.textContent = t;
      m.hidden = true;
      return m;
    });
    over.append(...this.endMarkers, this.marker);
    this.resizer = new ResizeObserver(() => {
      const w = this.plotBox?.clientWidth;
      if (this.plot && w && Math.abs(w - this.plot.width) > 1) {
        this.plot.setSize({ width: w, height: this.plot.height });
        this.placeMarkers();
      }
    });
    this.resizer.observe(box);
    this.placeMarkers();
  }

  private destroyPlot(): void {
    this.resizer?.disconnect();
    this.resizer = null;
    this.plot?.destroy();
    this.plot = null;
    this.marker = null;
    this.endMarkers = [];
  }

  private placeMarkers(): void {
    const u = this.plot;
    if (!u || !this.marker) return;
    const put = (el: HTMLElement, x: number, y: number) => {
      el.style.left = `${u.valToPos(x, 'x')}px`;
      el.style.top = `${u.valToPos(y, 'y')}px`;
    };
    const [x, y] = this.point;
    put(this.marker, x, y);
    this.endMarkers.forEach((m, k) => {
      const idx = this.ends[k];
      m.hidden = idx === undefined;
      if (idx !== undefined) put(m, this.points!.x[idx]!, this.points!.y[idx]!);
    });
  }

  /** Plane coordinates of a pointer event over the plot. */
  private eventPoint(e: PointerEvent): { x: number; y: number; left: number; top: number } | null {
    const u = this.plot;
    if (!u) return null;
    const rect = u.over.getBoundingClientRect();
    const left = e.clientX - rect.left;
    const top = e.clientY - rect.top;
    return { x: u.posToVal(left, 'x'), y: u.posToVal(top, 'y'), left, top };
  }

  private readonly onPointerMove = (e: PointerEvent) => {
    const p = this.eventPoint(e);
    if (p) this.moveTo(p.x, p.y);
  };

  private readonly onPointerDown = (e: PointerEvent) => {
    const p = this.eventPoint(e);
    const u = this.plot;
    if (!p || !u || !this.points) return;
    const near = this.nearest(p.x, p.y);
    const dx = u.valToPos(this.points.x[near]!, 'x') - p.left;
    const dy = u.valToPos(this.points.y[near]!, 'y') - p.top;
    if (Math.hypot(dx, dy) <= PICK_RADIUS) this.pick(near);
    else this.moveTo(p.x, p.y);
  };

  /** The test image nearest to plane point (x, y), measured in units of the plane's extents. */
  private nearest(x: number, y: number): number {
    const { x: xs, y: ys } = this.points!;
    const { x: xr, y: yr } = this.ranges!;
    const sx = xr[1] - xr[0];
    const sy = yr[1] - yr[0];
    let best = 0;
    let bestD = Infinity;
    for (let k = 0; k < xs.length; k++) {
      const d = ((xs[k]! - x) / sx) ** 2 + ((ys[k]! - y) / sy) ** 2;
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.ready() || !this.ranges) return;
    const f = KEY_STEP * (e.shiftKey ? 5 : 1);
    const dx = (this.ranges.x[1] - this.ranges.x[0]) * f;
    const dy = (this.ranges.y[1] - this.ranges.y[0]) * f;
    const [x, y] = this.point;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [x - dx, y],
      ArrowRight: [x + dx, y],
      ArrowUp: [x, y + dy],
      ArrowDown: [x, y - dy],
    };
    const to = moves[e.key];
    if (to) this.moveTo(...to);
    else if (e.key === 'Enter' || e.key === ' ') this.pick(this.nearest(x, y));
    else if (e.key === 'Home' && this.ends.length) this.pick(this.ends[this.ends.length - 1]!);
    else return;
    e.preventDefault();
  }

  // --- decoding --------------------------------------------------------------------------------

  private setCode(code: Float64Array): void {
    this.current = code;
    this.placeMarkers();
    this.requestDecode();
  }

  /** Decodes the current code; while one decode runs, later moves collapse into one more. */
  private requestDecode(): void {
    this.requestWork(async (model) => {
      const code = Float32Array.from(this.current);
      const image = await model.decodeOne(code);
      if (model !== this.opened) return false;
      this.decodedImage = image;
      this.decodedCode = code;
      await this.updateComplete;
      if (this.decodedCanvas) paintGray(this.decodedCanvas, image);
      return true;
    });
  }

  /** The strip from the two picked test images (or, with fewer picked, none). */
  private updateStrip(): void {
    const model = this.opened;
    const codes = this.testCodes;
    const token = ++this.stripToken;
    if (!model || !codes || this.ends.length < 2) {
      this.stripImages = null;
      this.stripEnds = null;
      return;
    }
    const L = model.latent;
    const [a, b] = this.ends as [number, number];
    const name = (i: number) => `test image ${i} (${this.labelName(this.test!.labels[i]!)})`;
    this.fillStrip(
      model,
      [codes.slice(a * L, (a + 1) * L), codes.slice(b * L, (b + 1) * L)],
      [name(a), name(b)],
      token,
    );
  }

  /** Decodes `steps` codes on the straight line from `ends[0]` to `ends[1]` into the strip. */
  private fillStrip(
    model: LatentModel,
    ends: [Float32Array, Float32Array],
    names: [string, string],
    token: number,
  ): void {
    const L = model.latent;
    const n = this.steps;
    const [a, b] = ends;
    const blend = new Float32Array(n * L);
    for (let k = 0; k < n; k++) {
      const t = k / (n - 1);
      for (let j = 0; j < L; j++) blend[k * L + j] = (1 - t) * a[j]! + t * b[j]!;
    }
    this.stripEnds = { codes: ends, names };
    this.stripRun = this.stripRun.then(async () => {
      try {
        const images = await model.decode(blend, n);
        if (token === this.stripToken && model === this.opened) this.stripImages = images;
      } catch (e) {
        if (model === this.opened) this.fail(asError(e));
      }
    });
  }

  // --- rendering -------------------------------------------------------------------------------

  protected override render() {
    const ready = this.status === 'ready';
    return html`<section part="base" aria-busy=${this.status === 'loading' ? 'true' : 'false'}>
      ${this.renderControls(ready)}
      ${this.renderStatus('Press Start to open a trained model: the one stored in this browser, or one trained now if there is none.')}
      ${ready ? this.renderSpace() : nothing}
    </section>`;
  }

  private renderControls(ready: boolean) {
    const L = this.opened?.latent ?? 0;
    const [i, j] = this.coords();
    const options = (selected: number) =>
      Array.from({ length: L }, (_, k) => html`<option value=${k} ?selected=${k === selected}>z${k + 1}</option>`);
    return html`<div part="controls">
      ${this.renderStart()}
      ${
        ready
          ? html`<label>Plane
              <select name="plane" @change=${(e: Event) => (this.plane = (e.target as HTMLSelectElement).value as 'pca' | 'coords')}>
                <option value="pca" ?selected=${this.plane === 'pca'}>Principal components 1 and 2</option>
                <option value="coords" ?selected=${this.plane === 'coords'}>Two code coordinates</option>
              </select></label>
            ${
              this.plane === 'coords'
                ? html`<label>Across <select name="x-coord" @change=${(e: Event) => (this.xCoord = Number((e.target as HTMLSelectElement).value))}>${options(i)}</select></label>
                  <label>Up <select name="y-coord" @change=${(e: Event) => (this.yCoord = Number((e.target as HTMLSelectElement).value))}>${options(j)}</select></label>`
                : nothing
            }`
          : nothing
      }
    </div>`;
  }

  private renderSpace() {
    const [xName, yName] = this.axisNames();
    const [x, y] = this.point;
    const fmt = (v: number) => Number(v.toPrecision(3)).toString();
    const classes = [...new Set(Array.from(this.test!.labels.subarray(0, this.test!.count)))].sort((a, b) => a - b);
    return html`<div class="space">
        <div
          part="plane"
          tabindex="0"
          role="application"
          aria-roledescription="latent plane"
          aria-label=${`Latent plane: ${xName} across, ${yName} up. Arrow keys move the point, Enter picks the nearest test image.`}
          @keydown=${(e: KeyboardEvent) => this.onKey(e)}
        >
          <div class="plot"></div>
        </div>
        <figure part="decoded">
          <canvas part="decoded-canvas" width=${SIDE} height=${SIDE} role="img" aria-label=${`Decoded image at ${xName} ${fmt(x)}, ${yName} ${fmt(y)}`}></canvas>
          <figcaption>Decoded at (${fmt(x)}, ${fmt(y)})<br /><span class="muted">other values: ${this.codeNote}</span></figcaption>
        </figure>
      </div>
      <ul part="legend">
        ${classes.map((c) => html`<li><span class="swatch" style=${`background:var(--_c${c % CLASS_COLOURS})`}></span>${this.labelName(c)}</li>`)}
      </ul>
      ${this.renderSliders()}
      ${this.renderStrip()}`;
  }

  private renderSliders() {
    const ranges = this.ranges?.coords ?? [];
    return html`<details part="sliders">
      <summary>Code values (${this.current.length})</summary>
      <div class="sliders">
        ${ranges.map(([lo, hi], j) => {
          const v = this.current[j] ?? 0;
          return html`<label
            ><span>z${j + 1}</span>
            <input
              type="range"
              name=${`z${j + 1}`}
              min=${Math.min(lo, v)}
              max=${Math.max(hi, v)}
              step=${(hi - lo) / 200}
              .value=${String(v)}
              @input=${(e: Event) => {
                const next = Float64Array.from(this.current);
                next[j] = Number((e.target as HTMLInputElement).value);
                this.setCode(next);
              }}
            /><output>${Number(v.toPrecision(3))}</output></label
          >`;
        })}
      </div>
    </details>`;
  }

  private renderStrip() {
    const ends = this.stripEnds;
    const caption = ends
      ? `From ${ends.names[0]} (A) to ${ends.names[1]} (B), ${this.steps} steps.`
      : this.ends.length === 1
        ? `Picked test image ${this.ends[0]} (${this.labelName(this.test!.labels[this.ends[0]!]!)}); pick one more.`
        : `Click two points (or press Enter on them) to interpolate between their images${this.listenGrids ? ', or two images in any image grid on the page' : ''}.`;
    const n = this.stripImages ? this.stripImages.length / (SIDE * SIDE) : 0;
    return html`<figure part="strip">
      <figcaption>${caption}</figcaption>
      <div class="strip" role="img" aria-label=${caption}>
        ${Array.from({ length: n }, (_, k) => html`<canvas width=${SIDE} height=${SIDE} data-step=${k}></canvas>`)}
      </div>
    </figure>`;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('status') && this.status !== 'ready') this.destroyPlot();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ae-latent-explorer': AeLatentExplorer;
  }
}
