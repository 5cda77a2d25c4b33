// chart.ts: an experiment's Chart (line or grouped bars, linear or log y) drawn with uPlot into a
// detached element, then copied with a title and a legend onto one canvas, ready for a PNG. uPlot
// draws its axes on its canvas but keeps title and legend in HTML, so both are drawn here by hand.
// <ae-chart> draws the live chart with uPlot too, with the same colours, tick spacings and tick labels.
// A series with an sd (a mean over seeds) gets a shaded ±1 sd band (lines) or error bars (bars), ./spread.
// Imports uplot, experiments types, ../format, ./colour and ./text.
import uPlot from 'uplot';
import type { Chart } from '../../experiments/types';
import { ConfigError } from '../../util/errors';
import { formatTick } from '../format';
import { SERIES_COLORS } from './colour';
import { bandEdges, bandEdgeSeries, bandFill, drawErrorBars, type ErrorBars, lonePointBars, spreadTop } from './spread';
import { BODY_FONT, FONT_FAMILY, TEXT_COLOR, TITLE_FONT, blankCanvas, centredText, fitText } from './text';

export interface ChartRenderOptions {
  /** Canvas size in pixels; default 800×450. */
  width?: number;
  height?: number;
}

export const DEFAULT_CHART_SIZE = { width: 800, height: 450 } as const;

/** Tick spacings: 1, 2, 2.5 and 5 times the powers of ten. */
export const DECIMAL_INCREMENTS: readonly number[] = Array.from({ length: 22 }, (_, k) => k - 9).flatMap((e) =>
  [1, 2, 2.5, 5].map((m) => Number((m * 10 ** e).toPrecision(2))),
);
/** Tick spacings for an axis of whole numbers (epochs, latent sizes): never a fractional tick. */
export const INTEGER_INCREMENTS: readonly number[] = DECIMAL_INCREMENTS.filter((v) => v >= 1 && Number.isInteger(v));

const PAD = 12;
const TITLE_BAND = 30;
const LEGEND_ROW = 18;
const SWATCH = 18;
const AXIS_FONT = `12px ${FONT_FAMILY}`;
const AXIS_LABEL_FONT = `600 12px ${FONT_FAMILY}`;

/** Legend entries laid out in rows that wrap at `maxWidth`. */
interface LegendItem {
  name: string;
  color: string;
  x: number;
  row: number;
}

function layoutLegend(
  ctx: CanvasRenderingContext2D,
  names: string[],
  maxWidth: number,
): { items: LegendItem[]; rows: number } {
  ctx.font = BODY_FONT;
  const items: LegendItem[] = [];
  let x = 0;
  let row = 0;
  names.forEach((raw, i) => {
    const name = fitText(ctx, raw, maxWidth - SWATCH - 6);
    const w = SWATCH + 6 + ctx.measureText(name).width + 16;
    if (x > 0 && x + w > maxWidth) {
      x = 0;
      row++;
    }
    items.push({ name, color: SERIES_COLORS[i % SERIES_COLORS.length]!, x, row });
    x += w;
  });
  return { items, rows: names.length ? row + 1 : 0 };
}

function checkChart(chart: Chart, width: number, height: number): void {
  const where = `renderChart(${chart.id})`;
  for (const [k, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 200)
      throw new ConfigError(`${where}: ${k} must be an integer ≥ 200 pixels; got ${v}. Pass a larger size.`);
  }
  for (const s of chart.series) {
    if (s.x.length !== s.y.length)
      throw new ConfigError(
        `${where}: series "${s.name}" has ${s.x.length} x values and ${s.y.length} y values; expected the same count.`,
      );
  }
}

/** y as uPlot wants it: non-finite values, and values ≤ 0 on a log axis, become gaps. */
function cleanY(y: number, log: boolean): number | null {
  return Number.isFinite(y) && (!log || y > 0) ? y : null;
}

/** Columnar data for a line chart: the union of every series' x, each series aligned to it. */
function lineData(chart: Chart, log: boolean): uPlot.AlignedData {
  const xs = [...new Set(chart.series.flatMap((s) => s.x.filter(Number.isFinite)))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const columns = chart.series.map((s) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    s.x.forEach((x, i) => {
      const k = at.get(x);
      if (k !== undefined) col[k] = cleanY(s.y[i]!, log);
    });
    return col;
  });
  return [xs, ...columns] as uPlot.AlignedData;
}

/** Each series' sd (over seeds) aligned to `xs`: null where the series has none at that x. */
function sdColumns(chart: Chart, xs: readonly number[]): (number | null)[][] {
  const at = new Map(xs.map((x, i) => [x, i]));
  return chart.series.map((s) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    if (s.sd)
      s.x.forEach((x, i) => {
        const k = at.get(x);
        const v = s.sd![i];
        if (k !== undefined && v !== undefined && Number.isFinite(v)) col[k] = v;
      });
    return col;
  });
}

/** Whether a series carries a known spread anywhere. */
const hasSd = (col: readonly (number | null)[]): boolean => col.some((v) => v !== null);

/**
 * A line chart's data with a ±1 sd band for every series that has a spread: the mean columns, then
 * the band edges (hi, lo) of each such series, and the uPlot bands that fill between them.
 */
function lineBandData(
  chart: Chart,
  log: boolean,
): { data: uPlot.AlignedData; bands: { series: number; hi: number; lo: number }[] } {
  const data = lineData(chart, log);
  const xs = data[0] as number[];
  const sds = sdColumns(chart, xs);
  const cols: (number | null)[][] = [];
  const bands: { series: number; hi: number; lo: number }[] = [];
  let next = chart.series.length + 1;
  sds.forEach((sd, i) => {
    if (!hasSd(sd)) return;
    const { lo, hi } = bandEdges(data[i + 1] as (number | null)[], sd, log);
    cols.push(hi, lo);
    bands.push({ series: i, hi: next, lo: next + 1 });
    next += 2;
  });
  return { data: [...data, ...cols] as uPlot.AlignedData, bands };
}

/** Bars: one category per distinct x (in order), each series one bar of a group of width 0.8. */
function barData(chart: Chart, log: boolean): { data: uPlot.AlignedData; categories: number[] } {
  const categories = [...new Set(chart.series.flatMap((s) => s.x.filter(Number.isFinite)))].sort((a, b) => a - b);
  const at = new Map(categories.map((x, i) => [x, i]));
  const columns = chart.series.map((s) => {
    const col: (number | null)[] = new Array(categories.length).fill(null);
    s.x.forEach((x, i) => {
      const k = at.get(x);
      if (k !== undefined) col[k] = cleanY(s.y[i]!, log);
    });
    return col;
  });
  return { data: [categories.map((_, i) => i), ...columns] as uPlot.AlignedData, categories };
}

function integerX(chart: Chart): boolean {
  return chart.series.every((s) => s.x.every((x) => !Number.isFinite(x) || Number.isInteger(x)));
}

/** An axis size that fits its widest tick label (uPlot calls it again once the labels are known). */
function axisSize(measure: CanvasRenderingContext2D) {
  return (_u: uPlot, values: string[] | null): number => {
    if (!values) return 50;
    measure.font = AXIS_FONT;
    const widest = Math.max(0, ...values.map((v) => measure.measureText(v ?? '').width));
    return Math.ceil(widest) + 18;
  };
}

function plotOptions(
  chart: Chart,
  width: number,
  height: number,
  measure: CanvasRenderingContext2D,
  categories: number[] | null,
  spread: {
    bands: { series: number; hi: number; lo: number }[];
    barSd: (number | null)[][];
    top: number;
    lone: ErrorBars[];
  },
): uPlot.Options {
  const log = chart.yScale === 'log';
  const bars = categories !== null;
  const count = chart.series.length;
  const groupWidth = 0.8;
  const barWidth = groupWidth / Math.max(1, count);
  const axisStyle = {
    stroke: TEXT_COLOR,
    font: AXIS_FONT,
    labelFont: AXIS_LABEL_FONT,
    grid: { stroke: '#e6e6e6', width: 1 },
    ticks: { stroke: '#bbbbbb', width: 1, size: 5 },
  };
  const series: uPlot.Series[] = chart.series.map((s, i) => {
    const color = SERIES_COLORS[i % SERIES_COLORS.length]!;
    if (!bars) {
      return {
        label: s.name,
        stroke: color,
        width: 2,
        spanGaps: true,
        points: { show: s.x.length <= 30, size: 5, fill: color, stroke: color },
      };
    }
    const offset = -groupWidth / 2 + i * barWidth;
    return {
      label: s.name,
      stroke: color,
      fill: color,
      width: 0,
      points: { show: false },
      paths: uPlot.paths.bars!({
        size: [1, Infinity, 1],
        disp: {
          x0: { unit: 1, values: (u: uPlot) => (u.data[0] as number[]).map((c) => c + offset) },
          size: { unit: 1, values: (u: uPlot) => (u.data[0] as number[]).map(() => barWidth * 0.92) },
        },
      } as never),
    } as uPlot.Series;
  });
  const yRange: uPlot.Scale.Range | undefined =
    bars && !log
      ? (_u, lo, hi) => {
          const min = Math.min(0, lo ?? 0);
          const max = Math.max(0, hi ?? 0, spread.top);
          const pad = (max - min) * 0.06 || 1;
          return [min < 0 ? min - pad : 0, max > 0 ? max + pad : 0];
        }
      : undefined;
  return {
    width,
    height,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: bars ? { time: false, range: () => [-0.5, categories!.length - 0.5] } : { time: false },
      y: log ? { distr: 3, log: 10 } : yRange ? { range: yRange } : {},
    },
    axes: [
      {
        ...axisStyle,
        label: chart.xLabel,
        size: 30,
        labelSize: 24,
        ...(!bars ? { incrs: (integerX(chart) ? INTEGER_INCREMENTS : DECIMAL_INCREMENTS) as number[] } : {}),
        ...(bars
          ? {
              splits: () => categories!.map((_, i) => i),
              values: (_u: uPlot, splits: number[]) => splits.map((i) => formatTick(categories![i]!)),
              grid: { show: false },
            }
          : {}),
      },
      // Linear ticks through formatTick (6e+10 rather than 60,000,000,000); uPlot's own log labels skip minor ticks.
      {
        ...axisStyle,
        label: chart.yLabel,
        size: axisSize(measure),
        ...(log ? {} : { values: (_u: uPlot, splits: number[]) => splits.map(formatTick) }),
      },
    ],
    series: [
      {},
      ...series,
      ...spread.bands.flatMap((b) => [
        bandEdgeSeries(`${chart.series[b.series]!.name} + 1 sd`),
        bandEdgeSeries(`${chart.series[b.series]!.name} − 1 sd`),
      ]),
    ],
    bands: spread.bands.map((b) => ({
      series: [b.hi, b.lo] as [number, number],
      fill: bandFill(SERIES_COLORS[b.series % SERIES_COLORS.length]!),
    })),
    hooks: bars
      ? {
          draw: [
            (u: uPlot) =>
              drawErrorBars(
                u,
                spread.barSd.map((sd, i) => ({ series: i + 1, sd, centre: -groupWidth / 2 + (i + 0.46) * barWidth })),
                TEXT_COLOR,
              ),
          ],
        }
      : spread.lone.length
        ? { draw: [(u: uPlot) => drawErrorBars(u, spread.lone, TEXT_COLOR)] }
        : {},
  };
}

/**
 * Draws `chart` onto a new canvas of options.width × options.height pixels: the title on top, the
 * plot (axes with their labels; a log y axis when chart.yScale is 'log'), and a legend with one
 * swatch per series underneath. A chart without finite points draws "no data" in the plot area.
 */
export function renderChart(chart: Chart, options: ChartRenderOptions = {}): HTMLCanvasElement {
  const width = options.width ?? DEFAULT_CHART_SIZE.width;
  const height = options.height ?? DEFAULT_CHART_SIZE.height;
  checkChart(chart, width, height);
  const { canvas, ctx } = blankCanvas(width, height);
  centredText(ctx, chart.title, width / 2, 8, width - 2 * PAD, TITLE_FONT);

  const legend = layoutLegend(
    ctx,
    chart.series.map((s) => s.name),
    width - 2 * PAD,
  );
  const legendHeight = legend.rows ? legend.rows * LEGEND_ROW + 10 : 0;
  const plotTop = TITLE_BAND;
  const plotHeight = height - plotTop - legendHeight;

  const log = chart.yScale === 'log';
  const bars = chart.kind === 'bar';
  const line = bars ? null : lineBandData(chart, log);
  const { data, categories } = line ? { data: line.data, categories: null } : barData(chart, log);
  const barSd = bars ? sdColumns(chart, categories!) : [];
  const spread = {
    bands: line?.bands ?? [],
    lone: line
      ? lonePointBars(
          data.slice(1, chart.series.length + 1) as (number | null)[][],
          sdColumns(chart, data[0] as number[]),
          chart.series.map((_, i) => SERIES_COLORS[i % SERIES_COLORS.length]!),
        )
      : [],
    barSd,
    top: bars ? spreadTop(data.slice(1) as (number | null)[][], barSd) : Number.NEGATIVE_INFINITY,
  };
  const hasPoints = data
    .slice(1, chart.series.length + 1)
    .some((col) => (col as (number | null)[]).some((v) => v !== null));
  if (hasPoints) {
    const host = document.createElement('div');
    const plot = new uPlot(plotOptions(chart, width, plotHeight, ctx, categories, spread), data, host);
    try {
      // uPlot commits its first draw in a microtask; batch() runs that commit now, synchronously.
      plot.batch(() => {});
      ctx.drawImage(plot.ctx.canvas, 0, plotTop, width, plotHeight);
    } finally {
      plot.destroy();
    }
  } else {
    centredText(ctx, 'no data', width / 2, plotTop + plotHeight / 2 - 8, width, BODY_FONT);
  }

  const legendTop = plotTop + plotHeight + 4;
  const rowWidths = new Map<number, number>();
  for (const item of legend.items) rowWidths.set(item.row, item.x + SWATCH + 6 + ctx.measureText(item.name).width);
  ctx.font = BODY_FONT;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const item of legend.items) {
    const left = (width - rowWidths.get(item.row)!) / 2 + item.x;
    const mid = legendTop + item.row * LEGEND_ROW + LEGEND_ROW / 2;
    ctx.fillStyle = item.color;
    if (bars) ctx.fillRect(left + 4, mid - 5, 10, 10);
    else ctx.fillRect(left, mid - 1.5, SWATCH, 3);
    ctx.fillStyle = TEXT_COLOR;
    ctx.fillText(item.name, left + SWATCH + 6, mid);
  }
  return canvas;
}
