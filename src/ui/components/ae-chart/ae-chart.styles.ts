// ae-chart.styles.ts: shadow styles of <ae-chart>, with uPlot's own stylesheet adopted so its legend
// and cursor render inside the shadow root. Imports lit and uplot's CSS (as text).
import { css, unsafeCSS } from 'lit';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';

export const uplotStyles = unsafeCSS(uplotCss);

export const chartStyles = css`
  :host {
    display: block;
    min-width: 0;
    --_accent: var(--ae-accent, var(--ae-accent-color, #0b62d6));
    --_height: var(--ae-chart-height, 240px);
    --_s1: var(--ae-series-1, #0b62d6);
    --_s2: var(--ae-series-2, #d1495b);
    --_s3: var(--ae-series-3, #2a9d55);
    --_s4: var(--ae-series-4, #b36b00);
    --_s5: var(--ae-series-5, #7b4fc9);
    --_s6: var(--ae-series-6, #0f8b8d);
    --_s7: var(--ae-series-7, #c2185b);
    --_s8: var(--ae-series-8, #5d6d1e);
    --_s9: var(--ae-series-9, #6d4c41);
    --_s10: var(--ae-series-10, #546e7a);
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
