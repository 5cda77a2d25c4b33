// ae-image-grid.styles.ts: shadow styles of <ae-image-grid>. Imports lit.
import { css } from 'lit';

export const imageGridStyles = css`
  :host {
    display: inline-block;
    max-width: 100%;
    --_error: var(--ae-error-color, #a3001b);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_error: var(--ae-error-color, #ff9a8f);
    }
  }
  :host([hidden]) {
    display: none;
  }
  .frame {
    position: relative;
    display: inline-block;
    max-width: 100%;
    line-height: 0;
  }
  canvas {
    display: block;
    max-width: 100%;
    height: auto;
    /* One image pixel becomes a crisp square block, never a blur. */
    image-rendering: pixelated;
    image-rendering: crisp-edges;
  }
  canvas:focus {
    outline: none;
  }
  canvas:focus-visible {
    outline: 1px dashed var(--ae-accent, #0b63ce);
  }
  .focus {
    position: absolute;
    box-sizing: border-box;
    pointer-events: none;
    outline: 2px solid var(--ae-accent, #0b63ce);
  }
  .label {
    position: absolute;
    display: flex;
    align-items: center;
    justify-content: center;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    line-height: 1;
    font-size: var(--ae-grid-label-size, 11px);
    font-variant-numeric: tabular-nums;
    color: var(--ae-muted-color, inherit);
  }
  .label span {
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .empty {
    font-size: 0.875rem;
    opacity: 0.75;
  }
  [part='error'] {
    margin: 0.5rem 0 0;
    color: var(--_error);
    font-size: 0.875rem;
  }
`;
