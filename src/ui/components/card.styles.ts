// card.styles.ts: the shadow styles of the cards that show a trained model (<ae-latent-explorer>,
// <ae-drawing-pad>): theme variables, buttons and selects, status, progress, error and enlarged pixel
// canvases; and the fragments they are made of that other elements' styles can use too (a control's
// box, a button's states, a wrapping row). Imports lit.
import { css } from 'lit';

/** Declarations (for inside a rule) of a control: the page's font, a thin rounded border, no fill. */
export const controlBox = css`
  font: inherit;
  font-size: 0.875rem;
  padding: 0.3rem 0.8rem;
  border-radius: 6px;
  border: 1px solid var(--_border);
  background: transparent;
  color: inherit;
`;

/** Rules for a button's states: primary (filled with --_accent, light and dark), hover, disabled. */
export const buttonStates = css`
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
`;

/** Declarations (for inside a rule) of a wrapping row of figures under the controls. */
export const wrappingRow = css`
  display: flex;
  flex-wrap: wrap;
  gap: 0.75rem 1rem;
  margin-top: 0.6rem;
  align-items: flex-start;
`;

/** The card: theme variables, the base box, controls, status, progress, error, figures, pixel canvases. */
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
    ${controlBox}
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
  ${buttonStates}
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
