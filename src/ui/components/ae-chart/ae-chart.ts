// ae-chart.ts: <ae-chart>, a live line or bar chart on uPlot. One uPlot instance per element, made in
// firstUpdated; points arrive through append() and reach the plot in one setData per animation
// frame; a ResizeObserver keeps the plot as wide as the element. Colours, tick spacings and number
// formats are ui/render's and ui/format's, the ones of the exported PNGs. Imports lit, uplot, the
// experiments' chart types, ../../format and ../../render.
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import type { Series } from '../../../experiments/types';
import { formatTick, formatValue } from '../../format';
import { DECIMAL_INCREMENTS, INTEGER_INCREMENTS } from '../../render/chart';
import { SERIES_COLORS } from '../../render/colour';
import {
  BAND_EDGE_CLASS,
  bandEdgeSeries,
  bandEdges,
  bandFill,
  drawErrorBars,
  lonePointBars,
  spreadTop,
} from '../../render/spread';
import { chartStyles, uplotStyles } from './ae-chart.styles';
import { figureStyles } from '../figure.styles';

/** The number formats of the chart's ticks and legend, for the elements that show the same numbers. */
export { formatTick, formatValue };

const SERIES_COLOURS = SERIES_COLORS.length;
const DEFAULT_HEIGHT = 240;
const FALLBACK_WIDTH = 480;

/** Series named "<run> train" and "<run> test" are one run: one colour, the test curve dashed. */
function runOf(name: string): string {
  return name.replace(/ (train|test)$/, '');
}

/**
 * @summary A line or bar chart drawn by uPlot that grows while data arrives: `append(series, x, y)`
 * adds one point (series are created on first use, coloured in order), and all points appended
 * within one animation frame are drawn together. Setting `series` replaces everything.
 *
 * @csspart base - the figure around heading and plot.
 * @csspart heading - the chart's title.
 * @csspart plot - the box uPlot draws into (role="img", labelled with the latest values).
 * @cssproperty --ae-chart-height - height of the plotting area with its axes (default 240px).
 * @cssproperty --ae-series-1 - colour of the first run; `--ae-series-2` … `--ae-series-6` the next ones (defaults go on to
 *   `--ae-series-10`, then repeat). Series "<run> train" and "<run> test" are one run: one colour, test dashed.
 * @cssproperty --ae-accent - colour of the zoom selection.
 */
@customElement('ae-chart')
export class AeChart extends LitElement {
  static override styles = [uplotStyles, figureStyles, chartStyles];

  /** Title above the plot. */
  @property() heading = '';
  @property({ attribute: 'x-label' }) xLabel = '';
  @property({ attribute: 'y-label' }) yLabel = '';
  /** 'log' plots y on a logarithmic axis (values ≤ 0 are left out). */
  @property({ attribute: 'y-scale' }) yScale: 'linear' | 'log' = 'linear';
  /** 'line' (default) or 'bar' (grouped bars, one group per x). */
  @property() kind: 'line' | 'bar' = 'line';
  /** All data at once; replaces whatever was appended. */
  @property({ attribute: false }) series: readonly Series[] | null = null;

  @query('[part="plot"]') private plotBox!: HTMLDivElement;

  private plot: uPlot | null = null;
  private resizer: ResizeObserver | null = null;
  private frame = 0;
  private names: string[] = [];
  private values = new Map<string, Map<number, number>>();
  /** Standard deviations by series and x, from `series` items that carry one (means over seeds). */
  private sds = new Map<string, Map<number, number>>();
  /** Line charts: the band of each series with a spread (its index in names; the uPlot series of its edges). */
  private bands: { series: number; hi: number; lo: number }[] = [];
  private drawn = 0;
  /** Bar charts: the x value of each category (bars stand at 0, 1, 2, … on the plot). */
  private categories: number[] = [];

  /** Series names in the order they appeared. */
  get seriesNames(): readonly string[] {
    return this.names;
  }

  /** Points held (drawn or waiting for the next frame), over all series. */
  get pointCount(): number {
    let n = 0;
    for (const m of this.values.values()) n += m.size;
    return n;
  }

  /** Points the plot showed at its last redraw. */
  get drawnPointCount(): number {
    return this.drawn;
  }

  /** The uPlot instance (null before the first render and after disconnect). */
  get uplot(): uPlot | null {
    return this.plot;
  }

  /**
   * Adds (or replaces) the point at `x` of `series`; drawn on the next animation frame. Called with
   * nodes or strings only (as on any element), it inserts them into the light DOM as usual.
   */
  override append(series: string, x: number, y: number): void;
  override append(...nodes: (Node | string)[]): void;
  override append(...args: unknown[]): void {
    if (
      args.length === 3 &&
      typeof args[0] === 'string' &&
      typeof args[1] === 'number' &&
      typeof args[2] === 'number'
    ) {
      this.appendPoint(args[0], args[1], args[2]);
    } else {
      super.append(...(args as (Node | string)[]));
    }
  }

  /** The same as append(series, x, y). */
  appendPoint(series: string, x: number, y: number): void {
    if (!Number.isFinite(x)) return;
    let m = this.values.get(series);
    if (!m) {
      m = new Map();
      this.values.set(series, m);
      this.names.push(series);
    }
    m.set(x, y);
    this.schedule();
  }

  /** Series names that carry a spread (standard deviations, drawn as a band or as error bars). */
  get spreadNames(): readonly string[] {
    return this.names.filter((n) => (this.sds.get(n)?.size ?? 0) > 0);
  }

  /** Removes every series and point. */
  clear(): void {
    this.names = [];
    this.values.clear();
    this.sds.clear();
    this.rebuild();
  }

  /** Draws pending points now instead of on the next frame. */
  flush(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.draw();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('series') && this.series) {
      this.names = [];
      this.values.clear();
      this.sds.clear();
      for (const s of this.series) {
        const m = new Map<number, number>();
        s.x.forEach((x, i) => Number.isFinite(x) && m.set(x, s.y[i]!));
        this.values.set(s.name, m);
        this.names.push(s.name);
        const sd = new Map<number, number>();
        s.sd?.forEach((v, i) => Number.isFinite(s.x[i]) && Number.isFinite(v) && sd.set(s.x[i]!, v));
        if (sd.size) this.sds.set(s.name, sd);
      }
    }
  }

  protected override render() {
    return html`<figure part="base">
      ${this.heading ? html`<figcaption part="heading">${this.heading}</figcaption>` : null}
      <div part="plot" role="img" aria-label=${this.summary()}>
        ${this.pointCount === 0 ? html`<div class="empty">Waiting for data…</div>` : null}
      </div>
    </figure>`;
  }

  protected override firstUpdated(): void {
    this.create();
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(this.plotBox);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || !this.plot) return;
    const shape: (keyof AeChart)[] = ['xLabel', 'yLabel', 'yScale', 'kind'];
    if (shape.some((k) => changed.has(k))) this.rebuild();
    else if (changed.has('series')) this.rebuild();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Back in the page after a disconnect: make a fresh plot with the data held.
    if (this.hasUpdated && !this.plot) {
      this.create();
      this.resizer = new ResizeObserver(() => this.resize());
      this.resizer.observe(this.plotBox);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.resizer?.disconnect();
    this.resizer = null;
    this.plot?.destroy();
    this.plot = null;
  }

  private schedule(): void {
    if (this.frame || !this.plot) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private rebuild(): void {
    if (!this.plot) return;
    this.plot.destroy();
    this.plot = null;
    this.create();
  }

  /** Colour of series `i`: one per run (see runOf), in order of first appearance. */
  private colour(i: number): string {
    const runs = [...new Set(this.names.slice(0, i + 1).map(runOf))];
    const k = runs.indexOf(runOf(this.names[i] ?? ''));
    const v = getComputedStyle(this)
      .getPropertyValue(`--_s${(Math.max(0, k) % SERIES_COLOURS) + 1}`)
      .trim();
    return v || SERIES_COLORS[0];
  }

  private height(): number {
    const px = parseFloat(getComputedStyle(this).getPropertyValue('--_height'));
    return Number.isFinite(px) && px > 40 ? px : DEFAULT_HEIGHT;
  }

  private width(): number {
    return this.plotBox?.clientWidth || FALLBACK_WIDTH;
  }

  private seriesOptions(name: string, i: number): uPlot.Series {
    const stroke = this.colour(i);
    const opts: uPlot.Series = { label: name, stroke, width: 2, spanGaps: true, value: (_u, v) => formatValue(v) };
    const test = name.endsWith(' test') && this.names.includes(`${runOf(name)} train`);
    if (test) opts.dash = [6, 4];
    if (this.kind === 'bar') {
      opts.fill = stroke;
      opts.width = 0;
      opts.paths = this.barPaths(i);
      opts.points = { show: false };
    } else {
      // Dots where the data is sparse: filled, hollow for a test curve (a dash cannot show on one point).
      opts.points = { size: 5, fill: test ? undefined : stroke };
    }
    return opts;
  }

  /** Grouped bars: one group per category, series `i` in slot i, groups 70% of the category width. */
  private barPaths(i: number): uPlot.Series.PathBuilder {
    const slot = () => {
      const xs = (this.plot?.data[0] ?? []) as number[];
      const width = 0.7 / Math.max(1, this.names.length);
      return { xs, width, offset: -0.35 + i * width };
    };
    return uPlot.paths.bars!({
      disp: {
        x0: {
          unit: 1,
          values: (_u, _s, i0, i1) => {
            const s = slot();
            return s.xs.slice(i0, i1 + 1).map((x) => x + s.offset);
          },
        },
        size: { unit: 1, values: () => [slot().width] },
      },
    });
  }

  private create(): void {
    if (!this.plotBox) return;
    const fg = getComputedStyle(this).color || '#222';
    const grid = `color-mix(in srgb, ${fg} 12%, transparent)`;
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: fg,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
    });
    const bars = this.kind === 'bar';
    const opts: uPlot.Options = {
      width: this.width(),
      height: this.height(),
      scales: {
        x: {
          time: false,
          range: (_u, min, max) =>
            bars
              ? [-0.5, Math.max(0, this.categories.length - 1) + 0.5]
              : min === max
                ? [min - 1, max + 1]
                : [min, max],
        },
        y:
          this.yScale === 'log'
            ? { distr: 3 }
            : bars
              ? {
                  range: (u, min, max) => {
                    const top = Math.max(max, spreadTop(u.data.slice(1) as (number | null)[][], this.sdColumns()));
                    return [Math.min(0, min), top > 0 ? top * 1.05 : 1];
                  },
                }
              : {},
      },
      axes: [
        bars
          ? {
              ...axis(this.xLabel),
              splits: () => this.categories.map((_, k) => k),
              values: (_u, ticks) => ticks.map((t) => formatTick(this.categories[t])),
            }
          : {
              ...axis(this.xLabel),
              // Whole-number data ticks at whole numbers only.
              incrs: (u) =>
                ((u.data[0] as number[]).every(Number.isInteger) ? INTEGER_INCREMENTS : DECIMAL_INCREMENTS) as number[],
              values: (_u, ticks) => ticks.map(formatTick),
            },
        { ...axis(this.yLabel), size: 60, values: (_u, ticks) => ticks.map(formatTick) },
      ],
      series: [
        { label: this.xLabel || 'x', value: (_u, v) => formatValue(bars && v !== null ? this.categories[v] : v) },
        ...this.names.map((n, i) => this.seriesOptions(n, i)),
      ],
      legend: { show: true, live: false },
      cursor: { drag: { x: true, y: false } },
    };
    const data = this.data();
    if (!bars) {
      opts.series.push(
        ...this.bands.flatMap((b) => [
          bandEdgeSeries(`${this.names[b.series]} + 1 sd`),
          bandEdgeSeries(`${this.names[b.series]} − 1 sd`),
        ]),
      );
      opts.bands = this.bands.map((b) => ({ series: [b.hi, b.lo], fill: bandFill(this.colour(b.series)) }));
      // A line of one point has no band to show: an error bar there instead.
      const lone = lonePointBars(
        data.slice(1, this.names.length + 1) as (number | null)[][],
        this.names.map((n) => (data[0] as number[]).map((x) => this.sds.get(n)?.get(x) ?? null)),
        this.names.map((_, i) => this.colour(i)),
      );
      if (lone.length) opts.hooks = { draw: [(u) => drawErrorBars(u, lone, fg)] };
    } else if (this.sds.size) {
      const width = 0.7 / Math.max(1, this.names.length);
      opts.hooks = {
        draw: [
          (u) =>
            drawErrorBars(
              u,
              this.sdColumns().map((sd, i) => ({ series: i + 1, sd, centre: -0.35 + (i + 0.5) * width })),
              fg,
            ),
        ],
      };
    }
    this.plot = new uPlot(opts, data, this.plotBox);
    // The band edges are drawing aids, not series of their own: no legend rows.
    for (const row of this.plot.root.querySelectorAll<HTMLElement>(`.u-legend .${BAND_EDGE_CLASS}`))
      row.style.setProperty('display', 'none');
    this.drawn = this.pointCount;
  }

  /** Each series' standard deviations aligned to the plot's x values (null where none). */
  private sdColumns(): (number | null)[][] {
    const xs = this.kind === 'bar' ? this.categories : ((this.plot?.data[0] ?? []) as number[]);
    return this.names.map((n) => xs.map((x) => this.sds.get(n)?.get(x) ?? null));
  }

  /** Columnar data: the sorted union of x values, then each series (null where it has no point). */
  private data(): uPlot.AlignedData {
    const xs = [...new Set(this.names.flatMap((n) => [...this.values.get(n)!.keys()]))].sort((a, b) => a - b);
    const log = this.yScale === 'log';
    const cols = this.names.map((n) => {
      const m = this.values.get(n)!;
      return xs.map((x) => {
        const y = m.get(x);
        return y === undefined || !Number.isFinite(y) || (log && y <= 0) ? null : y;
      });
    });
    if (this.kind !== 'bar') {
      // A ±1 sd band for each series with a spread: its edges follow the series columns.
      this.bands = [];
      const edges: (number | null)[][] = [];
      this.names.forEach((n, i) => {
        const sd = this.sds.get(n);
        if (!sd) return;
        const { lo, hi } = bandEdges(
          cols[i]!,
          xs.map((x) => sd.get(x) ?? null),
          log,
        );
        const at = this.names.length + 1 + edges.length;
        this.bands.push({ series: i, hi: at, lo: at + 1 });
        edges.push(hi, lo);
      });
      return [xs, ...cols, ...edges] as uPlot.AlignedData;
    }
    this.categories = xs;
    return [xs.map((_, k) => k), ...cols] as uPlot.AlignedData;
  }

  private draw(): void {
    const plot = this.plot;
    if (!plot) return;
    // A chart with bands holds extra series (the band edges): rebuilt whole rather than grown.
    if (this.bands.length) {
      this.rebuild();
      this.requestUpdate();
      return;
    }
    for (let i = plot.series.length - 1; i < this.names.length; i++)
      plot.addSeries(this.seriesOptions(this.names[i]!, i), i + 1);
    plot.setData(this.data());
    this.drawn = this.pointCount;
    this.plotBox.setAttribute('aria-label', this.summary());
    this.requestUpdate();
  }

  private resize(): void {
    const plot = this.plot;
    if (!plot) return;
    const width = this.width();
    const height = this.height();
    if (Math.abs(plot.width - width) > 1 || plot.height !== height) plot.setSize({ width, height });
  }

  /** What the plot shows, in words, for assistive technology. */
  private summary(): string {
    const head = this.heading || 'Chart';
    if (this.pointCount === 0) return `${head}: no data yet`;
    const latest = this.names.map((n) => {
      const m = this.values.get(n)!;
      let lastX = -Infinity;
      for (const x of m.keys()) lastX = Math.max(lastX, x);
      return `${n} ${formatValue(m.get(lastX))} at ${this.xLabel || 'x'} ${formatValue(lastX)}`;
    });
    return `${head}: ${latest.join('; ')}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ae-chart': AeChart;
  }
}
