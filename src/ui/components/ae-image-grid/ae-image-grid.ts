// ae-image-grid.ts: <ae-image-grid>, many small grayscale images drawn onto one canvas by ui/render's
// paintGrayImages, the painter of the exported PNGs. Imports lit, ../../events and ../../render;
// knows nothing of datasets or the GPU.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { asError, emit } from '../../events';
import { paintGrayImages, tileLayout, tileOrigin, type TileLayout } from '../../render/grid';
import { imageGridStyles } from './ae-image-grid.styles';

/** Height of the label strip under each image, in CSS pixels (converted to canvas pixels by `scale`). */
const LABEL_CSS_PX = 16;
/** Columns used when neither `rows` nor `cols` is set. */
const DEFAULT_COLS = 8;

/** Where everything sits on the canvas, in canvas pixels (one per image pixel): ui/render's tileLayout. */
export type GridLayout = TileLayout;

/** An image of a grid clicked, or activated with Enter or Space. */
export interface AeImagePickDetail {
  /** The image's index in `images`. */
  index: number;
  /** Its pixels (image-size × image-size values in [0, 1]; a `Uint8Array` grid's bytes divided by 255). */
  image: Float32Array;
  /** Its label, when the grid has labels. */
  label?: string | number;
}

export type AeImagePickEvent = CustomEvent<AeImagePickDetail>;

declare module '../../events' {
  interface AeEventDetails {
    'ae-image-pick': AeImagePickDetail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ae-image-pick': AeImagePickEvent;
  }
}

/**
 * @summary Draws N grayscale images (image after image, each row-major, `image-size` square) onto
 * one canvas, `rows`×`cols`, each canvas pixel shown as a `scale`×`scale` block with no smoothing.
 * Float32Array values are read as [0, 1] (clamped; NaN draws black), Uint8Array values as 0..255.
 * Labels, when given, are written under the images as text.
 *
 * Clicking an image, or Enter or Space on the focused canvas, fires `ae-image-pick` with its pixels and
 * index; the arrow keys move the focused image (outlined) while the canvas has focus.
 *
 * @fires ae-error - `images` does not hold whole images; the whole ones are still drawn.
 * @fires ae-image-pick - `{ index, image, label }` when an image is clicked or activated with the keyboard.
 * @csspart base - the figure around everything.
 * @csspart canvas - the canvas holding the images.
 * @csspart label - the text under one image.
 * @csspart error - the message about malformed input.
 * @csspart focus - the outline of the image the keyboard is on.
 * @cssproperty --ae-grid-label-size - font size of the labels (default 11px).
 * @cssproperty --ae-muted-color - label colour.
 * @cssproperty --ae-error-color - error text colour.
 * @cssproperty --ae-accent - the keyboard outline's colour.
 */
@customElement('ae-image-grid')
export class AeImageGrid extends LitElement {
  static override styles = imageGridStyles;

  /** Pixels of all images: count × image-size × image-size values. */
  @property({ attribute: false }) images: Float32Array | Uint8Array | null = null;

  /** How many images to draw; default (undefined) all whole images in `images`. */
  @property({ type: Number }) count: number | undefined = undefined;

  /** Text under each image, by image index; null for none. */
  @property({ attribute: false }) labels: readonly (string | number)[] | null = null;

  /** Grid rows; 0 means as many as the count needs. */
  @property({ type: Number }) rows = 0;

  /** Grid columns; 0 means as many as the count needs (8 when `rows` is 0 too). */
  @property({ type: Number }) cols = 0;

  /** Side of each square image in pixels. */
  @property({ type: Number, attribute: 'image-size' }) imageSize = 28;

  /** CSS pixels per image pixel. */
  @property({ type: Number }) scale = 2;

  /** Blank canvas pixels between neighbouring images. */
  @property({ type: Number }) gap = 2;

  /** Accessible description of the whole grid; defaults to a count and size summary. */
  @property() caption = '';

  @query('canvas') private canvas!: HTMLCanvasElement | null;

  private lastInputError = '';

  /** The image the keyboard is on, while the canvas has focus; -1 otherwise. */
  @state() private focusIndex = -1;
  private lastFocus = 0;

  /** Fires `ae-image-pick` for image `index` (0 ≤ index < the number drawn). */
  pickImage(index: number): void {
    const layout = this.layout;
    const images = this.images;
    if (!images || !Number.isInteger(index) || index < 0 || index >= layout.count)
      throw new RangeError(`ae-image-grid: pickImage(${index}): expected an image index in [0, ${layout.count - 1}].`);
    const n = layout.side * layout.side;
    const image = new Float32Array(n);
    const scale = images instanceof Uint8Array ? 1 / 255 : 1;
    for (let p = 0; p < n; p++) image[p] = images[index * n + p]! * scale;
    const label = this.labels?.[index];
    emit(this, 'ae-image-pick', label === undefined ? { index, image } : { index, image, label });
  }

  /** The image under client (viewport) point (x, y), or -1 for a gap, a label strip or outside. */
  imageAt(clientX: number, clientY: number): number {
    const canvas = this.canvas;
    const layout = this.layout;
    if (!canvas || layout.count === 0) return -1;
    const rect = canvas.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return -1;
    const px = ((clientX - rect.left) / rect.width) * layout.width;
    const py = ((clientY - rect.top) / rect.height) * layout.height;
    for (let i = 0; i < layout.count; i++) {
      const { x, y } = this.cellOrigin(i, layout);
      if (px >= x && px < x + layout.side && py >= y && py < y + layout.side) return i;
    }
    return -1;
  }

  private onClick(e: MouseEvent): void {
    const index = this.imageAt(e.clientX, e.clientY);
    if (index < 0) return;
    this.lastFocus = index;
    this.pickImage(index);
  }

  private onKey(e: KeyboardEvent): void {
    const layout = this.layout;
    if (layout.count === 0) return;
    const at = Math.min(Math.max(this.focusIndex, 0), layout.count - 1);
    const moves: Record<string, number> = {
      ArrowLeft: at - 1,
      ArrowRight: at + 1,
      ArrowUp: at - layout.cols,
      ArrowDown: at + layout.cols,
      Home: 0,
      End: layout.count - 1,
    };
    const to = moves[e.key];
    if (to !== undefined) {
      if (to >= 0 && to < layout.count) this.focusIndex = this.lastFocus = to;
    } else if (e.key === 'Enter' || e.key === ' ') this.pickImage(at);
    else return;
    e.preventDefault();
  }

  /** The layout the current properties give. */
  get layout(): GridLayout {
    const side = this.side();
    const pixels = side * side;
    return tileLayout({
      available: this.images ? Math.floor(this.images.length / pixels) : 0,
      count: this.count,
      rows: this.rows,
      cols: this.cols,
      defaultCols: DEFAULT_COLS,
      side,
      gap: Math.max(0, Math.floor(this.gap) || 0),
      labelBand: this.labels ? Math.ceil(LABEL_CSS_PX / this.safeScale()) : 0,
    });
  }

  /** Canvas-pixel position of the top-left corner of image `index`. */
  cellOrigin(index: number, layout: GridLayout = this.layout): { x: number; y: number } {
    return tileOrigin(layout, index);
  }

  private side(): number {
    return Math.max(1, Math.floor(this.imageSize) || 1);
  }

  private safeScale(): number {
    return this.scale > 0 && Number.isFinite(this.scale) ? this.scale : 1;
  }

  /** Why `images` cannot be read as whole images, or '' when it can. */
  private inputError(): string {
    if (!this.images) return '';
    const side = this.side();
    const pixels = side * side;
    if (this.images.length % pixels === 0) return '';
    const whole = Math.floor(this.images.length / pixels);
    return (
      `ae-image-grid: images do not hold whole ${side}x${side} images; ` +
      `expected a multiple of ${pixels} values, got ${this.images.length}. ` +
      `Drawing the first ${whole}; check the image-size attribute.`
    );
  }

  protected override render() {
    const layout = this.layout;
    const error = this.inputError();
    const scale = this.safeScale();
    const side = this.side();
    const summary = this.caption || `${layout.count} grayscale images of ${side}×${side} pixels`;
    return html`
      <figure part="base" style="margin:0">
        ${
          layout.count === 0
            ? html`<p class="empty">No images to show.</p>`
            : html`<div class="frame">
              <canvas
                part="canvas"
                role="img"
                aria-label=${summary}
                width=${layout.width}
                height=${layout.height}
                style=${`width:${layout.width * scale}px`}
                tabindex="0"
                @click=${(e: MouseEvent) => this.onClick(e)}
                @keydown=${(e: KeyboardEvent) => this.onKey(e)}
                @focus=${() => (this.focusIndex = Math.min(this.lastFocus, layout.count - 1))}
                @blur=${() => (this.focusIndex = -1)}
              ></canvas>
              ${this.labels ? this.renderLabels(layout) : nothing}
              ${this.focusIndex >= 0 && this.focusIndex < layout.count ? this.renderFocus(layout) : nothing}
            </div>`
        }
        ${error ? html`<p part="error" role="alert">${error}</p>` : nothing}
      </figure>
    `;
  }

  private renderFocus(layout: GridLayout) {
    const { x, y } = this.cellOrigin(this.focusIndex, layout);
    const pct = (v: number, of: number) => `${((100 * v) / of).toFixed(4)}%`;
    const style =
      `left:${pct(x, layout.width)};top:${pct(y, layout.height)};` +
      `width:${pct(layout.side, layout.width)};height:${pct(layout.side, layout.height)}`;
    return html`<div class="focus" part="focus" style=${style} aria-hidden="true"></div>`;
  }

  private renderLabels(layout: GridLayout) {
    const labels = this.labels ?? [];
    const side = this.side();
    const gap = Math.max(0, Math.floor(this.gap) || 0);
    const pct = (v: number, of: number) => `${((100 * v) / of).toFixed(4)}%`;
    const cells = [];
    for (let i = 0; i < layout.count; i++) {
      const text = labels[i] === undefined ? '' : String(labels[i]);
      const { x, y } = this.cellOrigin(i, layout);
      // A label may use half the gap on each side of its image (clipped to the canvas).
      const left = Math.max(0, x - gap / 2);
      const right = Math.min(layout.width, x + side + gap / 2);
      const style =
        `left:${pct(left, layout.width)};top:${pct(y + side, layout.height)};` +
        `width:${pct(right - left, layout.width)};height:${pct(layout.labelBand, layout.height)}`;
      cells.push(html`<div class="label" part="label" style=${style} title=${text}><span>${text}</span></div>`);
    }
    return cells;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.draw();
    const error = this.inputError();
    if (error && error !== this.lastInputError) emit(this, 'ae-error', { task: 'image-grid', error: asError(error) });
    this.lastInputError = error;
  }

  /** Paints every image; gaps and label strips stay transparent so the page shows through. */
  private draw(): void {
    const canvas = this.canvas;
    const images = this.images;
    const layout = this.layout;
    if (!canvas || !images || layout.count === 0) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const out = ctx.createImageData(layout.width, layout.height);
    paintGrayImages(out, images, {
      count: layout.count,
      side: this.side(),
      scale: 1,
      origin: (i) => this.cellOrigin(i, layout),
    });
    ctx.putImageData(out, 0, 0);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ae-image-grid': AeImageGrid;
  }
}
