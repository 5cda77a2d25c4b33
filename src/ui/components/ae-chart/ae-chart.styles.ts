// ae-chart.styles.ts: shadow styles of <ae-chart>, with uPlot's own stylesheet adopted so its legend
// and cursor render inside the shadow root. The light series colours are ui/render's SERIES_COLORS,
// the ones the exported PNGs use. Imports lit, uplot's CSS (as text) and ../../render/colour.
import { css, unsafeCSS } from 'lit';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { SERIES_COLORS } from '../../render/colour';

/** --_s1 … --_s10: each --ae-series-k, else the k-th of SERIES_COLORS. */
const seriesDefaults = unsafeCSS(
  SERIES_COLORS.map((c, i) => `--_s${i + 1}: var(--ae-series-${i + 1}, ${c});`).join('\n'),
);

export const uplotStyles = unsafeCSS(uplotCss);

export const chartStyles = css`
  :host {
    display: block;
    min-width: 0;
    --_accent: var(--ae-accent, var(--ae-accent-color, #0b62d6));
    --_height: var(--ae-chart-height, 240px);
    ${seriesDefaults}
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_s1: var(--ae-series-1, #79b4ff);
      --_s2: var(--ae-series-2, #ff8a8a);
      --_s3: var(--ae-series-3, #6fd692);
      --_s4: var(--ae-series-4, #f0b45a);
      --_s5: var(--ae-series-5, #c3a3ff);
      --_s6: var(--ae-series-6, #5fd3d0);
      --_s7: var(--ae-series-7, #f48fb1);
      --_s8: var(--ae-series-8, #c5d86d);
      --_s9: var(--ae-series-9, #d7b8a8);
      --_s10: var(--ae-series-10, #b0bec5);
    }
  }
  [part='plot'] {
    position: relative;
    min-height: var(--_height);
    width: 100%;
  }
  .empty {
    position: absolute;
    inset: 0;
    display: flex;
    align-items: center;
    justify-content: center;
    font-size: 0.875rem;
    opacity: 0.7;
    pointer-events: none;
  }
  .uplot {
    width: 100%;
    font-family: inherit;
  }
  .u-legend {
    font-size: 0.8rem;
    color: inherit;
  }
  .u-legend .u-series th {
    font-weight: normal;
  }
  .u-select {
    background: color-mix(in srgb, var(--_accent) 15%, transparent);
  }
`;
