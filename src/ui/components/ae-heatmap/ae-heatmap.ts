// ae-heatmap.ts: <ae-heatmap>, a square matrix (e.g. the correlation of latent coordinates) drawn as
// coloured cells on one canvas, with a colour key and the values as a table. The cells are painted by
// ui/render's paintHeatCells on its colour scale, the same as the exported PNGs. Imports lit and
// ../../render.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { DIVERGING_STOPS, heatColor, rgbText, type Rgb } from '../../render/colour';
import { heatCellSide, paintHeatCells } from '../../render/heatmap';
import { figureStyles } from '../figure.styles';

/** Cells up to this size get their value written inside. */
const TEXT_MAX_SIZE = 10;
/** Matrices up to this size also get a table of values (assistive technology, copying). */
const TABLE_MAX_SIZE = 32;
/** Colours sampled from min to max for the key's gradient. */
const KEY_SAMPLES = 17;

/** A CSS colour as RGB, read back through a canvas fillStyle; `fallback` when it is empty or not a colour. */
function parseColour(ctx: CanvasRenderingContext2D, colour: string, fallback: Rgb): Rgb {
  if (!colour) return fallback;
  ctx.fillStyle = '#000000';
  ctx.fillStyle = colour;
  const c = String(ctx.fillStyle);
  if (/^#[0-9a-f]{6}$/i.test(c))
    return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
  const m = c.match(/rgba?\((\d+),\s*(\d+),\s*(\d+)/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : fallback;
}

/**
 * @summary Draws a `size`×`size` matrix of `values` (row-major) as a heat map, on the scale of the
 * exported PNGs (ui/render heatColor). When `min` < 0 < `max` the colours diverge from the middle
 * colour at zero (negative one way, positive the other); for one-signed data they run from the middle
 * colour at the end nearest zero to the far end. Without the colour properties the scale is
 * DIVERGING_STOPS (five stops); any of them set makes it three stops, negative, middle, positive. Small
 * matrices show each value in its cell; hovering a cell names it in the caption line.
 *
 * @csspart base - the figure around everything.
 * @csspart heading - the title.
 * @csspart canvas - the cells.
 * @csspart key - the colour key under the cells.
 * @csspart values - the table of values (in a closed disclosure).
 * @cssproperty --ae-heat-negative - colour of the most negative value (default the blue end of DIVERGING_STOPS).
 * @cssproperty --ae-heat-middle - colour at zero, or at the end nearest zero for one-signed data (default near white).
 * @cssproperty --ae-heat-positive - colour of the largest value (default the red end of DIVERGING_STOPS).
 * @cssproperty --ae-heat-cell - side of one cell in CSS pixels (default: fits about 320px).
 */
@customElement('ae-heatmap')
export class AeHeatmap extends LitElement {
  static override styles = [
    figureStyles,
    css`
    :host {
      display: inline-block;
      max-width: 100%;
    }
    canvas {
      display: block;
      max-width: 100%;
      height: auto;
    }
    [part='key'] {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      margin-top: 0.35rem;
      font-size: 0.8rem;
      font-variant-numeric: tabular-nums;
    }
    .bar {
      flex: 0 1 10rem;
      height: 0.6rem;
      border-radius: 2px;
    }
    .hover {
      min-height: 1.2em;
      margin: 0.25rem 0 0;
      font-size: 0.8rem;
      font-variant-numeric: tabular-nums;
      opacity: 0.85;
    }
    details {
      font-size: 0.8rem;
      margin-top: 0.25rem;
    }
    summary {
      cursor: pointer;
      width: fit-content;
    }
    summary:focus-visible {
      outline: 2px solid var(--ae-accent, var(--ae-accent-color, #0b62d6));
      outline-offset: 2px;
    }
    table {
      border-collapse: collapse;
      font-variant-numeric: tabular-nums;
      margin-top: 0.25rem;
    }
    th,
    td {
      padding: 0.1rem 0.35rem;
      text-align: right;
    }
    th {
      font-weight: 600;
      opacity: 0.8;
    }
  `,
  ];

  @property() heading = '';
  /** Row-major values, `size`×`size` of them. */
  @property({ attribute: false }) values: Float32Array | readonly number[] | null = null;
  @property({ type: Number }) size = 0;
  /** Ends of the colour scale; default the smallest and largest value. */
  @property({ type: Number }) min: number | undefined = undefined;
  @property({ type: Number }) max: number | undefined = undefined;

  @state() private hover = '';
  @query('canvas') private canvas!: HTMLCanvasElement | null;

  private range(): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of this.values ?? []) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const min = this.min ?? (Number.isFinite(lo) ? lo : 0);
    const max = this.max ?? (Number.isFinite(hi) ? hi : 1);
    return max > min ? [min, max] : [min, min + 1];
  }

  private side(): number {
    const n = Math.max(0, Math.floor(this.size));
    return this.values && n > 0 && this.values.length >= n * n ? n : 0;
  }

  private cellPx(): number {
    const custom = parseFloat(getComputedStyle(this).getPropertyValue('--ae-heat-cell'));
    if (Number.isFinite(custom) && custom > 0) return custom;
    return heatCellSide(this.side(), 320, 6, 44);
  }

  /** The colour of value `v` as an rgb() string (for tests and the key). */
  colourOf(v: number): string {
    const [min, max] = this.range();
    return rgbText(heatColor(v, min, max, this.stops()));
  }

  /** The colour stops: DIVERGING_STOPS, or negative, middle, positive when any colour property is set. */
  private stops(): readonly (readonly number[])[] {
    const style = getComputedStyle(this);
    const names = ['--ae-heat-negative', '--ae-heat-middle', '--ae-heat-positive'];
    const custom = names.map((n) => style.getPropertyValue(n).trim());
    if (custom.every((c) => c === '')) return DIVERGING_STOPS;
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx)
      throw new Error(
        'ae-heatmap: canvas.getContext("2d") returned null; expected a 2D context to read the --ae-heat-* colours.',
      );
    const ends = [DIVERGING_STOPS[0]!, DIVERGING_STOPS[2]!, DIVERGING_STOPS[4]!];
    return custom.map((c, i) => parseColour(ctx, c, [...ends[i]!] as Rgb));
  }

  protected override render() {
    const n = this.side();
    const [min, max] = this.range();
    const cell = this.cellPx();
    const label = `${this.heading || 'Heat map'}: ${n}×${n} values from ${min.toFixed(3)} to ${max.toFixed(3)}`;
    // The key runs from min to max, sampled finely enough to show every stop of the scale.
    const keyStops = Array.from({ length: KEY_SAMPLES }, (_, k) =>
      this.colourOf(min + ((max - min) * k) / (KEY_SAMPLES - 1)),
    );
    const v = (i: number, j: number) => Number(this.values![i * n + j]);
    return html`<figure part="base">
      ${this.heading ? html`<figcaption part="heading">${this.heading}</figcaption>` : nothing}
      ${
        n === 0
          ? html`<p>No matrix to show.</p>`
          : html`<canvas
              part="canvas"
              role="img"
              aria-label=${label}
              width=${n * cell * devicePixelRatio}
              height=${n * cell * devicePixelRatio}
              style=${`width:${n * cell}px`}
              @mousemove=${(e: MouseEvent) => this.onMove(e, n)}
              @mouseleave=${() => (this.hover = '')}
            ></canvas>
            <p class="hover" aria-hidden="true">${this.hover}</p>
            <div part="key">
              <span>${min.toFixed(2)}</span>
              <span class="bar" style=${`background:linear-gradient(to right, ${keyStops.join(', ')})`}></span>
              <span>${max.toFixed(2)}</span>
            </div>
            ${
              n <= TABLE_MAX_SIZE
                ? html`<details part="values">
                  <summary>Values</summary>
                  <table>
                    <tr><th></th>${Array.from({ length: n }, (_, j) => html`<th scope="col">${j}</th>`)}</tr>
                    ${Array.from({ length: n }, (_, i) => html`<tr><th scope="row">${i}</th>${Array.from({ length: n }, (_, j) => html`<td>${v(i, j).toFixed(3)}</td>`)}</tr>`)}
                  </table>
                </details>`
                : nothing
            }`
      }
    </figure>`;
  }

  private onMove(e: MouseEvent, n: number): void {
    const box = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const j = Math.floor(((e.clientX - box.left) / box.width) * n);
    const i = Math.floor(((e.clientY - box.top) / box.height) * n);
    if (i < 0 || j < 0 || i >= n || j >= n) return;
    this.hover = `row ${i}, column ${j}: ${Number(this.values![i * n + j]).toFixed(4)}`;
  }

  protected override updated(): void {
    this.draw();
  }

  private draw(): void {
    const canvas = this.canvas;
    const n = this.side();
    if (!canvas || n === 0) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const [min, max] = this.range();
    const cell = canvas.width / n;
    // side() is n only when values holds at least n² numbers.
    paintHeatCells(ctx, this.values!, n, {
      left: 0,
      top: 0,
      cell,
      min,
      max,
      stops: this.stops(),
      valueText: n <= TEXT_MAX_SIZE && cell >= 24,
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ae-heatmap': AeHeatmap;
  }
}
