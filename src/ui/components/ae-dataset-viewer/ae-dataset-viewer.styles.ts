// ae-dataset-viewer.styles.ts: shadow styles of <ae-dataset-viewer>. Imports lit.
import { css } from 'lit';

export const datasetViewerStyles = css`
  :host {
    display: block;
    --_error: var(--ae-error-color, #a3001b);
    --_error-bg: var(--ae-error-background, #fff0ef);
    --_border: var(--ae-border-color, color-mix(in srgb, currentColor 22%, transparent));
    --_accent: var(--ae-accent-color, #0b62d6);
    --_muted: var(--ae-muted-color, color-mix(in srgb, currentColor 72%, transparent));
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_error: var(--ae-error-color, #ff9a8f);
      --_error-bg: var(--ae-error-background, #3a1714);
      --_accent: var(--ae-accent-color, #79b4ff);
    }
  }
  :host([hidden]) {
    display: none;
  }
  section {
    border: 1px solid var(--_border);
    border-radius: 8px;
    padding: 1rem;
  }
  h2 {
    margin: 0 0 0.25rem;
    font-size: 1.15rem;
  }
  .counts,
  [part='histogram'],
  [part='status'] {
    margin: 0.25rem 0;
    font-size: 0.875rem;
    color: var(--_muted);
  }
  [part='histogram'] {
    font-variant-numeric: tabular-nums;
  }
  [part='histogram'] .bin {
    white-space: nowrap;
  }
  [part='histogram'] .bin:not(:last-child)::after {
    content: '·';
    padding-left: 0.35em;
  }
  ae-image-grid {
    margin: 0.75rem 0 0.5rem;
    --ae-muted-color: var(--_muted);
  }
  [part='controls'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1rem;
    margin-top: 0.5rem;
    font-size: 0.875rem;
  }
  fieldset {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1rem;
    margin: 0.75rem 0 0;
    padding: 0.5rem 0.75rem 0.75rem;
    border: 1px dashed var(--_border);
    border-radius: 6px;
    font-size: 0.875rem;
  }
  legend {
    padding: 0 0.25rem;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
  }
  input[type='file'] {
    font: inherit;
    font-size: 0.8rem;
    max-width: 100%;
  }
  input[type='file']::file-selector-button,
  button {
    font: inherit;
    font-size: 0.85rem;
    padding: 0.3rem 0.8rem;
    border-radius: 6px;
    border: 1px solid var(--_border);
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  input[type='file']::file-selector-button {
    margin-right: 0.5rem;
  }
  button:hover,
  input[type='file']:hover::file-selector-button {
    border-color: var(--_accent);
  }
  button:focus-visible,
  input[type='file']:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  [part='error'] {
    margin: 0.75rem 0 0;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_error);
    border-radius: 6px;
    background: var(--_error-bg);
    font-size: 0.875rem;
  }
  [part='error'] strong {
    color: var(--_error);
  }
  [part='error'] p {
    margin: 0.25rem 0 0;
    overflow-wrap: anywhere;
  }
`;
