// ae-latent-explorer.styles.ts: shadow styles of <ae-latent-explorer>, and the card styles it shares
// with <ae-drawing-pad> (theme variables, buttons, status, error, enlarged pixel canvases). Imports
// lit and uplot's CSS (as text).
import { css, unsafeCSS } from 'lit';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';

export const cardStyles = css`
  :host {
    display: block;
    min-width: 0;
    --_accent: var(--ae-accent, var(--ae-accent-color, #0b57c0));
    --_border: var(--ae-border-color, color-mix(in srgb, currentColor 22%, transparent));
    --_muted: var(--ae-muted-color, color-mix(in srgb, currentColor 70%, transparent));
    --_error: var(--ae-error-color, #a3001b);
    --_error-bg: var(--ae-error-background, #fff0ef);
    --_image: var(--ae-image-size, 168px);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--ae-accent, var(--ae-accent-color, #7cb5ff));
      --_error: var(--ae-error-color, #ff9a8f);
      --_error-bg: var(--ae-error-background, #3a1714);
    }
  }
  :host([hidden]) {
    display: none;
  }
  [part='base'] {
    border: 1px solid var(--_border);
    border-radius: 8px;
    padding: 0.9rem 1rem;
    min-width: 0;
  }
  [part='controls'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 0.75rem;
    font-size: 0.875rem;
  }
  button,
  select {
    font: inherit;
    font-size: 0.875rem;
    padding: 0.3rem 0.8rem;
    border-radius: 6px;
    border: 1px solid var(--_border);
    background: transparent;
    color: inherit;
  }
  select {
    padding: 0.25rem 0.4rem;
    max-width: 100%;
  }
  option {
    color: initial;
  }
  button {
    cursor: pointer;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--ae-accent-contrast, #fff);
  }
  @media (prefers-color-scheme: dark) {
    button.primary {
      color: var(--ae-accent-contrast, #0d1117);
    }
  }
  button:hover:not(:disabled) {
    border-color: var(--_accent);
  }
  button:disabled {
    opacity: 0.45;
    cursor: not-allowed;
  }
  button:focus-visible,
  select:focus-visible,
  input:focus-visible,
  summary:focus-visible,
  [tabindex]:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  [part='status'] {
    margin: 0.5rem 0 0;
    font-size: 0.85rem;
    min-height: 1.3em;
    overflow-wrap: anywhere;
  }
  progress {
    display: block;
    width: 100%;
    height: 0.4rem;
    margin-top: 0.3rem;
    accent-color: var(--_accent);
  }
  [part='error'] {
    margin-top: 0.6rem;
    padding: 0.6rem 0.8rem;
    border-radius: 6px;
    color: var(--_error);
    background: var(--_error-bg);
    font-size: 0.875rem;
    overflow-wrap: anywhere;
  }
  [part='error'] p {
    margin: 0.3rem 0 0;
  }
  figure {
    margin: 0;
  }
  figcaption {
    font-size: 0.8rem;
    margin-top: 0.3rem;
  }
  .muted {
    color: var(--_muted);
  }
  canvas.pixels,
  [part='decoded-canvas'],
  [part='strip'] canvas {
    image-rendering: pixelated;
    background: #000;
    border: 1px solid var(--_border);
    border-radius: 4px;
  }
`;

export const explorerStyles = [
  unsafeCSS(uplotCss),
  cardStyles,
  css`
    :host {
      --_plane-height: var(--ae-plane-height, 320px);
      --_c0: var(--ae-class-0, #4e79a7);
      --_c1: var(--ae-class-1, #f28e2b);
      --_c2: var(--ae-class-2, #e15759);
      --_c3: var(--ae-class-3, #59a14f);
      --_c4: var(--ae-class-4, #b07aa1);
      --_c5: var(--ae-class-5, #edc948);
      --_c6: var(--ae-class-6, #76b7b2);
      --_c7: var(--ae-class-7, #ff9da7);
      --_c8: var(--ae-class-8, #9c755f);
      --_c9: var(--ae-class-9, #8f8f8f);
    }
    .space {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem 1rem;
      margin-top: 0.6rem;
      align-items: flex-start;
    }
    [part='plane'] {
      flex: 1 1 260px;
      min-width: 0;
      border-radius: 6px;
    }
    .plot {
      width: 100%;
      min-height: var(--_plane-height);
    }
    .uplot {
      font-family: inherit;
      width: 100%;
    }
    .u-over {
      cursor: crosshair;
    }
    .marker,
    .end {
      position: absolute;
      pointer-events: none;
      transform: translate(-50%, -50%);
      border-radius: 50%;
    }
    .marker {
      width: 14px;
      height: 14px;
      border: 2px solid var(--_accent);
      box-shadow: 0 0 0 2px color-mix(in srgb, Canvas 80%, transparent);
    }
    .end {
      width: 18px;
      height: 18px;
      border: 2px solid currentColor;
      font-size: 10px;
      line-height: 14px;
      text-align: center;
      font-weight: 700;
      background: color-mix(in srgb, Canvas 60%, transparent);
    }
    .end[hidden] {
      display: none;
    }
    [part='decoded'] {
      flex: 0 0 auto;
      max-width: var(--_image);
    }
    [part='decoded-canvas'] {
      display: block;
      width: var(--_image);
      height: var(--_image);
    }
    [part='legend'] {
      display: flex;
      flex-wrap: wrap;
      gap: 0.2rem 0.8rem;
      list-style: none;
      padding: 0;
      margin: 0.5rem 0 0;
      font-size: 0.8rem;
    }
    .swatch {
      display: inline-block;
      width: 0.7rem;
      height: 0.7rem;
      border-radius: 50%;
      margin-right: 0.3rem;
      vertical-align: -0.05rem;
    }
    [part='sliders'] {
      margin-top: 0.6rem;
      font-size: 0.85rem;
    }
    .sliders {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
      gap: 0.2rem 1rem;
      margin-top: 0.4rem;
    }
    .sliders label {
      display: grid;
      grid-template-columns: 2.2rem 1fr 3.5rem;
      align-items: center;
      gap: 0.4rem;
    }
    .sliders input {
      width: 100%;
      min-width: 0;
      accent-color: var(--_accent);
    }
    output {
      font-variant-numeric: tabular-nums;
      text-align: right;
    }
    [part='strip'] {
      margin-top: 0.7rem;
    }
    .strip {
      display: flex;
      flex-wrap: wrap;
      gap: 4px;
      margin-top: 0.3rem;
    }
    [part='strip'] canvas {
      width: 56px;
      height: 56px;
    }
  `,
];
