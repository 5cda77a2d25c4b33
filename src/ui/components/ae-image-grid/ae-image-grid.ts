// ae-image-grid.ts: <ae-image-grid>, many small grayscale images drawn onto one canvas by ui/render's
// paintGrayImages, the painter of the exported PNGs. Imports lit, ../../events and ../../render;
// knows nothing of datasets or the GPU.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { asError, emit } from '../../events';
import { paintGrayImages, tileLayout, tileOrigin, type TileLayout } from '../../render/grid';
import { imageGridStyles } from './ae-image-grid.styles';

/** Height of the label strip under each image, in CSS pixels (converted to canvas pixels by `scale`). */
const LABEL_CSS_PX = 16;
/** Columns used when neither `rows` nor `cols` is set. */
const DEFAULT_COLS = 8;

/** Where everything sits on the canvas, in canvas pixels (one per image pixel): ui/render's tileLayout. */
export type GridLayout = TileLayout;

/**
 * @summary Draws N grayscale images (image after image, each row-major, `image-size` square) onto
 * one canvas, `rows`×`cols`, each canvas pixel shown as a `scale`×`scale` block with no smoothing.
 * Float32Array values are read as [0, 1] (clamped; NaN draws black), Uint8Array values as 0..255.
 * Labels, when given, are written under the images as text.
 *
 * @fires ae-error - `images` does not hold whole images; the whole ones are still drawn.
 * @csspart base - the figure around everything.
 * @csspart canvas - the canvas holding the images.
 * @csspart label - the text under one image.
 * @csspart error - the message about malformed input.
 * @cssproperty --ae-grid-label-size - font size of the labels (default 11px).
 * @cssproperty --ae-muted-color - label colour.
 * @cssproperty --ae-error-color - error text colour.
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
              ></canvas>
              ${this.labels ? this.renderLabels(layout) : nothing}
            </div>`
        }
        ${error ? html`<p part="error" role="alert">${error}</p>` : nothing}
      </figure>
    `;
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
