// ae-drawing-pad.styles.ts: shadow styles of <ae-drawing-pad> (the card styles are shared with
// <ae-latent-explorer>: ../card.styles). Imports lit and ../card.styles.
import { css } from 'lit';
import { cardStyles, wrappingRow } from '../card.styles';

export const drawingPadStyles = [
  cardStyles,
  css`
    :host {
      --_pad: var(--ae-pad-size, 224px);
    }
    .row {
      ${wrappingRow}
    }
    [part='pad'] {
      display: block;
      width: 100%;
      height: auto;
      aspect-ratio: 1;
      touch-action: none;
      cursor: crosshair;
    }
    .pad-wrap {
      position: relative;
      width: var(--_pad);
      max-width: 100%;
    }
    .cursor {
      display: none;
      position: absolute;
      width: calc(100% / 28 * 3);
      height: calc(100% / 28 * 3);
      transform: translate(-50%, -50%);
      border: 2px dashed var(--_accent);
      border-radius: 50%;
      pointer-events: none;
    }
    .cursor.down {
      border-style: solid;
    }
    [part='pad']:focus-visible + .cursor {
      display: block;
    }
    [part='reconstruction'] {
      display: block;
      width: calc(var(--_pad) / 2);
      height: calc(var(--_pad) / 2);
    }
    figure.code {
      flex: 1 1 160px;
      min-width: 0;
    }
    [part='code'] {
      display: block;
      width: 100%;
      height: calc(var(--_pad) / 2);
      border: 1px solid var(--_border);
      border-radius: 4px;
    }
    [part='code'].empty {
      display: flex;
      align-items: center;
      justify-content: center;
      font-size: 0.8rem;
    }
    [part='code'] rect {
      fill: var(--_accent);
    }
    [part='code'] .axis {
      stroke: var(--_muted);
      stroke-width: 1;
      vector-effect: non-scaling-stroke;
    }
  `,
];
