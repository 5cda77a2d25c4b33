// ae-experiment.styles.ts: shadow styles of <ae-experiment> and its results; button states from card.styles. Imports lit.
import { css } from 'lit';
import { buttonStates } from '../card.styles';

export const experimentStyles = css`
  :host {
    display: block;
    --_accent: var(--ae-accent, var(--ae-accent-color, #0b57c0));
    --_border: var(--ae-border-color, color-mix(in srgb, currentColor 22%, transparent));
    --_muted: var(--ae-muted-color, color-mix(in srgb, currentColor 70%, transparent));
    --_error: var(--ae-error-color, #a3001b);
    --_error-bg: var(--ae-error-background, #fff0ef);
    --_warn: var(--ae-warn-color, #7a4d00);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--ae-accent, var(--ae-accent-color, #7cb5ff));
      --_error: var(--ae-error-color, #ff9a8f);
      --_error-bg: var(--ae-error-background, #3a1714);
      --_warn: var(--ae-warn-color, #f0c060);
    }
  }
  :host([hidden]) {
    display: none;
  }
  [part='base'] {
    border: 1px solid var(--_border);
    border-radius: 8px;
    padding: 1rem 1.1rem;
  }
  header h3 {
    margin: 0;
    font-size: 1.05rem;
  }
  header p {
    margin: 0.25rem 0 0;
    color: var(--_muted);
    font-size: 0.9rem;
    max-width: 80ch;
  }
  .config {
    margin: 0.6rem 0 0;
    font-size: 0.8rem;
    color: var(--_muted);
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    overflow-wrap: anywhere;
  }
  [part='controls'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 0.75rem;
    margin-top: 0.75rem;
  }
  button {
    font: inherit;
    font-size: 0.9rem;
    padding: 0.35rem 0.95rem;
    border-radius: 6px;
    border: 1px solid var(--_border);
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  ${buttonStates}
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  summary:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  label.reuse,
  .own {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    font-size: 0.85rem;
  }
  .link {
    border: none;
    padding: 0.1rem 0.2rem;
    font-size: 0.8rem;
    text-decoration: underline;
    color: var(--_accent);
  }
  .hint {
    flex-basis: 100%;
    margin: 0;
    font-size: 0.8rem;
    color: var(--_muted);
  }
  [part='status'] {
    margin: 0.6rem 0 0;
    font-size: 0.875rem;
    font-variant-numeric: tabular-nums;
    min-height: 1.3em;
  }
  progress {
    display: block;
    width: 100%;
    height: 0.4rem;
    margin-top: 0.35rem;
    accent-color: var(--_accent);
  }
  [part='error'] {
    margin-top: 0.75rem;
    border: 1px solid var(--_error);
    background: var(--_error-bg);
    border-radius: 6px;
    padding: 0.6rem 0.8rem;
  }
  [part='error'] strong {
    color: var(--_error);
  }
  [part='error'] p {
    margin: 0.3rem 0 0;
    font-size: 0.875rem;
  }
  code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.85em;
    overflow-wrap: anywhere;
  }
  .warn {
    color: var(--_warn);
    font-size: 0.85rem;
    margin: 0.5rem 0 0;
  }
  [part='chart'],
  .charts {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr));
    gap: 1rem;
    margin-top: 0.9rem;
  }
  [part='results'] {
    margin-top: 1rem;
    border-top: 1px solid var(--_border);
    padding-top: 0.75rem;
  }
  [part='results'] h4 {
    margin: 1rem 0 0.4rem;
    font-size: 0.95rem;
  }
  [part='results'] h4:first-child {
    margin-top: 0;
  }
  .summary {
    margin: 0;
    font-size: 0.85rem;
    color: var(--_muted);
  }
  ul.notes {
    margin: 0.25rem 0 0;
    padding-left: 1.2rem;
    max-width: 85ch;
  }
  ul.notes li {
    margin: 0.2rem 0;
  }
  .figures {
    display: flex;
    flex-wrap: wrap;
    gap: 1rem 1.5rem;
    align-items: flex-start;
  }
  figure {
    margin: 0;
    max-width: 100%;
  }
  figcaption {
    font-size: 0.85rem;
    font-weight: 600;
    margin-bottom: 0.3rem;
  }
  .table-wrap {
    overflow-x: auto;
    max-width: 100%;
  }
  table {
    border-collapse: collapse;
    font-size: 0.85rem;
    font-variant-numeric: tabular-nums;
    margin-top: 0.25rem;
  }
  caption {
    white-space: nowrap;
    text-align: left;
    font-weight: 600;
    padding-bottom: 0.3rem;
  }
  th,
  td {
    padding: 0.2rem 0.6rem;
    border-bottom: 1px solid var(--_border);
    text-align: left;
    vertical-align: top;
  }
  td.num {
    text-align: right;
  }
  th {
    font-weight: 600;
  }
  details {
    margin-top: 0.6rem;
    font-size: 0.85rem;
  }
  summary {
    cursor: pointer;
    width: fit-content;
  }

  .settings fieldset {
    border: 1px solid var(--_border);
    border-radius: 6px;
    margin: 0.75rem 0 0;
    padding: 0.5rem 0.75rem 0.75rem;
    min-width: 0;
  }
  .settings legend {
    font-size: 0.9rem;
    font-weight: 600;
    padding: 0 0.3rem;
  }
  .fields {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 15rem), 1fr));
    gap: 0.6rem 1rem;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 0.2rem;
    min-width: 0;
  }
  .field label {
    font-size: 0.85rem;
    font-weight: 600;
  }
  .field .unit {
    font-weight: 400;
    color: var(--_muted);
  }
  .field .control {
    display: flex;
    gap: 0.4rem;
    align-items: center;
    min-width: 0;
  }
  .field input:not([type='checkbox']),
  .field select,
  .link-box {
    font: inherit;
    font-size: 0.9rem;
    padding: 0.25rem 0.4rem;
    border: 1px solid var(--_border);
    border-radius: 4px;
    background: transparent;
    color: inherit;
    min-width: 0;
    width: 100%;
    box-sizing: border-box;
  }
  .field select option {
    background: Canvas;
    color: CanvasText;
  }
  .field input.log {
    padding: 0;
    border: none;
    accent-color: var(--_accent);
  }
  .field input[aria-invalid='true'],
  .field select[aria-invalid='true'] {
    border-color: var(--_error);
    outline: 1px solid var(--_error);
  }
  .field .help {
    color: var(--_muted);
    font-size: 0.75rem;
    line-height: 1.3;
  }
  .field-error {
    margin: 0.1rem 0 0;
    color: var(--_error);
    background: var(--_error-bg);
    border-radius: 4px;
    padding: 0.25rem 0.4rem;
    font-size: 0.8rem;
    overflow-wrap: anywhere;
  }
  .resets,
  .downloads,
  .uploads {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 0.75rem;
    align-items: center;
    margin-top: 0.6rem;
  }
  .uploads label {
    display: flex;
    flex-direction: column;
    gap: 0.2rem;
    font-size: 0.85rem;
    max-width: 100%;
  }
  .uploads label.reuse {
    flex-direction: row;
  }
  .uploads input[type='file'] {
    font: inherit;
    font-size: 0.8rem;
    max-width: 100%;
  }
  [part='data'] {
    margin-top: 0.6rem;
  }
  .link-box {
    flex: 1 1 16rem;
    font-size: 0.8rem;
  }
  [part='runs'] {
    margin-top: 1rem;
    border-top: 1px solid var(--_border);
    padding-top: 0.5rem;
  }
  [part='runs'] h4 {
    margin: 0.3rem 0;
  }
`;
