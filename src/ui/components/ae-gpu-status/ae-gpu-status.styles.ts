// ae-gpu-status.styles.ts: shadow styles of <ae-gpu-status>. Imports lit.
import { css } from 'lit';

export const gpuStatusStyles = css`
  :host {
    display: block;
    --_ok: var(--ae-ok-color, #1a7f37);
    --_warn: var(--ae-warn-color, #8a5a00);
    --_error: var(--ae-error-color, #a3001b);
    --_error-bg: var(--ae-error-background, #fff0ef);
    --_border: var(--ae-border-color, color-mix(in srgb, currentColor 22%, transparent));
    --_accent: var(--ae-accent-color, #0b62d6);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_ok: var(--ae-ok-color, #5fd47a);
      --_warn: var(--ae-warn-color, #f0c060);
      --_error: var(--ae-error-color, #ff9a8f);
      --_error-bg: var(--ae-error-background, #3a1714);
      --_accent: var(--ae-accent-color, #79b4ff);
    }
  }
  :host([hidden]) {
    display: none;
  }
  .box {
    border: 1px solid var(--_border);
    border-radius: 8px;
    padding: 0.75rem 1rem;
  }
  .headline {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.25rem 0.5rem;
    margin: 0;
  }
  .dot {
    display: inline-block;
    width: 0.6rem;
    height: 0.6rem;
    border-radius: 50%;
    background: var(--_ok);
    align-self: center;
  }
  .pending .dot {
    background: var(--_border);
  }
  .adapter {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.9em;
    overflow-wrap: anywhere;
  }
  .note {
    margin: 0.5rem 0 0;
    color: var(--_warn);
    font-size: 0.9rem;
  }
  details {
    margin-top: 0.5rem;
    font-size: 0.875rem;
  }
  summary {
    cursor: pointer;
    width: fit-content;
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.15rem 1rem;
    margin: 0.5rem 0 0;
  }
  dt {
    opacity: 0.8;
  }
  dd {
    margin: 0;
    font-variant-numeric: tabular-nums;
    overflow-wrap: anywhere;
  }
  [part='error'] {
    border-color: var(--_error);
    background: var(--_error-bg);
  }
  [part='error'] h2 {
    margin: 0;
    font-size: 1rem;
    color: var(--_error);
  }
  [part='error'] p {
    margin: 0.5rem 0 0;
  }
  .detail {
    font-size: 0.85rem;
    opacity: 0.9;
  }
  code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    overflow-wrap: anywhere;
  }
  button {
    margin-top: 0.75rem;
    font: inherit;
    font-size: 0.875rem;
    padding: 0.3rem 0.8rem;
    border-radius: 6px;
    border: 1px solid var(--_border);
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  button:hover {
    border-color: var(--_accent);
  }
  button:focus-visible,
  summary:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
`;
