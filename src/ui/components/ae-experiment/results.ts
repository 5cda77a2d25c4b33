// results.ts: renders an ExperimentResult as templates — notes, metrics, charts (<ae-chart>), image
// grids (<ae-image-grid>), heat maps (<ae-heatmap>), tables and stop reasons. Imports lit, the
// experiments' result types and the sibling components.
import { html, nothing, type TemplateResult } from 'lit';
import type { ExperimentResult, HeatMap, ImageGrid, MetricValue, Table } from '../../../experiments/types';
import { formatMeanSd } from '../../../experiments/kit/format';
import '../ae-chart/ae-chart';
import { formatValue } from '../ae-chart/ae-chart';
import '../ae-heatmap/ae-heatmap';
import '../ae-image-grid/ae-image-grid';

/** Seconds as "42 s", "3 min 05 s" or "1 h 02 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** A metric value in words: numbers to 4 significant digits, lists joined; with its sd ("0.12 ± 0.01") when known. */
function metricText(v: number | number[], sd?: MetricValue): string {
  if (Array.isArray(v))
    return v.map((x, i) => formatMeanSd(x, Array.isArray(sd) ? sd[i] : undefined, formatValue)).join(', ');
  return formatMeanSd(v, typeof sd === 'number' ? sd : undefined, formatValue);
}

/** Metrics flattened to rows: nested records become "outer › inner"; each with its sd from `sds` (several seeds). */
export function metricRows(
  metrics: Record<string, MetricValue>,
  sds: Record<string, MetricValue> = {},
): [string, string][] {
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(metrics)) {
    const sd = sds[k];
    if (typeof v === 'number' || Array.isArray(v)) rows.push([k, metricText(v, sd)]);
    else
      for (const [k2, v2] of Object.entries(v))
        rows.push([
          `${k} › ${k2}`,
          metricText(v2, sd !== undefined && typeof sd === 'object' && !Array.isArray(sd) ? sd[k2] : undefined),
        ]);
  }
  return rows;
}

/** A table cell: numbers to 4 significant digits, with their sd ("0.12 ± 0.01") when the table carries one. */
const cell = (v: string | number, sd: number | null | undefined) =>
  typeof v === 'number' ? html`<td class="num">${formatMeanSd(v, sd, formatValue)}</td>` : html`<td>${v}</td>`;

export function renderTable(t: Table): TemplateResult {
  return html`<div class="table-wrap">
    <table data-table=${t.id}>
      <caption>${t.title}</caption>
      <thead><tr>${t.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
      <tbody>${t.rows.map((r, i) => html`<tr>${r.map((v, j) => cell(v, t.sd?.[i]?.[j]))}</tr>`)}</tbody>
    </table>
  </div>`;
}

function renderGrid(g: ImageGrid): TemplateResult {
  return html`<figure data-grid=${g.id}>
    <figcaption>${g.title}</figcaption>
    <ae-image-grid .images=${g.images} .count=${g.count} .cols=${g.cols} .labels=${g.labels ?? null} scale="2" caption=${g.title}></ae-image-grid>
  </figure>`;
}

function renderHeatmap(h: HeatMap): TemplateResult {
  return html`<ae-heatmap data-heatmap=${h.id} heading=${h.title} .values=${h.values} .size=${h.size} .min=${h.min} .max=${h.max}></ae-heatmap>`;
}

/** Everything a finished (or stopped) run produced. `reused` lists weight keys taken from storage. */
export function renderResult(
  result: ExperimentResult,
  opts: { stopped: boolean; reused: readonly string[] },
): TemplateResult {
  const metrics = metricRows(result.metrics, result.metricsSd);
  const stops = Object.entries(result.stopReasons);
  return html`
    <p class="summary">
      ${opts.stopped ? 'Stopped early; what follows covers the part that ran. ' : ''}Took ${formatDuration(result.elapsedMs / 1000)} on
      ${result.adapter || 'an unnamed adapter'}.${
        opts.reused.length
          ? ` Reused ${opts.reused.length} trained model${opts.reused.length === 1 ? '' : 's'} stored in this browser instead of training ${opts.reused.length === 1 ? 'it' : 'them'} again.`
          : ''
      }
    </p>
    ${
      result.notes.length
        ? html`<h4>Compared with the report</h4>
          <ul class="notes">${result.notes.map((n) => html`<li>${n}</li>`)}</ul>`
        : nothing
    }
    ${
      result.charts.length
        ? html`<div class="charts">
          ${result.charts.map(
            (c) => html`<ae-chart
              data-chart=${c.id}
              heading=${c.title}
              x-label=${c.xLabel}
              y-label=${c.yLabel}
              y-scale=${c.yScale ?? 'linear'}
              kind=${c.kind ?? 'line'}
              .series=${c.series}
            ></ae-chart>`,
          )}
        </div>`
        : nothing
    }
    ${result.grids.length ? html`<h4>Images</h4><div class="figures">${result.grids.map(renderGrid)}</div>` : nothing}
    ${result.heatmaps.length ? html`<h4>Heat maps</h4><div class="figures">${result.heatmaps.map(renderHeatmap)}</div>` : nothing}
    ${result.tables.map(renderTable)}
    ${
      metrics.length
        ? html`<details>
          <summary>All metrics (${metrics.length})</summary>
          <div class="table-wrap">
            <table data-table="metrics">
              <tbody>${metrics.map(([k, v]) => html`<tr><th scope="row">${k}</th><td class="num">${v}</td></tr>`)}</tbody>
            </table>
          </div>
        </details>`
        : nothing
    }
    ${
      stops.length || result.weights.length
        ? html`<details>
          <summary>Why training stopped, and the weights kept</summary>
          ${
            stops.length
              ? html`<div class="table-wrap"><table><tbody>${stops.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table></div>`
              : nothing
          }
          ${
            result.weights.length
              ? html`<p>Weights: ${result.weights.map((w, i) => html`${i ? ', ' : ''}<code>${w.key}</code> (${(w.bytes.byteLength / 1024).toFixed(0)} KiB)`)}</p>`
              : nothing
          }
        </details>`
        : nothing
    }
  `;
}
