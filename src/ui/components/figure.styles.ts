// figure.styles.ts: the shadow styles shared by the elements that draw one captioned figure (<ae-chart>,
// <ae-heatmap>): hidden when [hidden], a bare <figure>, a bold <figcaption>. Imports lit.
import { css } from 'lit';

export const figureStyles = css`
  :host([hidden]) {
    display: none;
  }
  figure {
    margin: 0;
  }
  figcaption {
    font-weight: 600;
    font-size: 0.95rem;
    margin: 0 0 0.25rem;
  }
`;
