// ae-latent-explorer.styles.ts: shadow styles of <ae-latent-explorer> (the card styles are shared
// with <ae-drawing-pad>: ../card.styles). Imports lit, uplot's CSS (as text) and ../card.styles.
import { css, unsafeCSS } from 'lit';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { cardStyles, wrappingRow } from '../card.styles';

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
      ${wrappingRow}
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
