// labs.ts: one element per experiment of the reports (<ae-fc-train-lab>, <ae-conv-latent-lab>, …):
// <ae-experiment> with the experiment fixed, so a page writes `<ae-conv-latent-lab epochs="3">`.
// Imports ./ae-experiment.
import { AeExperiment } from './ae-experiment';

/** Tag → registry name of the experiment it runs, in the order of the reports. */
export const LAB_ELEMENTS = {
  'ae-fc-train-lab': 'fc-train',
  'ae-fc-sweep-lab': 'fc-sweep',
  'ae-fc-inversion-lab': 'fc-inversion',
  'ae-fc-compression-lab': 'fc-compression',
  'ae-conv-latent-lab': 'conv-latent',
  'ae-conv-capacity-lab': 'conv-capacity',
  'ae-conv-interpolate-lab': 'conv-interpolate',
  'ae-conv-correlation-lab': 'conv-correlation',
  'ae-conv-transfer-lab': 'conv-transfer',
} as const;

export type LabTag = keyof typeof LAB_ELEMENTS;

/** A subclass of AeExperiment that always runs `experiment` (its `experiment` attribute is ignored). */
export function labElement(experiment: string): typeof AeExperiment {
  return class extends AeExperiment {
    constructor() {
      super();
      this.fixedExperiment = experiment;
    }
  };
}

export const LAB_CLASSES = Object.fromEntries(
  Object.entries(LAB_ELEMENTS).map(([tag, name]) => {
    const cls = labElement(name);
    if (!customElements.get(tag)) customElements.define(tag, cls);
    return [tag, cls];
  }),
) as Record<LabTag, typeof AeExperiment>;

declare global {
  interface HTMLElementTagNameMap {
    'ae-fc-train-lab': AeExperiment;
    'ae-fc-sweep-lab': AeExperiment;
    'ae-fc-inversion-lab': AeExperiment;
    'ae-fc-compression-lab': AeExperiment;
    'ae-conv-latent-lab': AeExperiment;
    'ae-conv-capacity-lab': AeExperiment;
    'ae-conv-interpolate-lab': AeExperiment;
    'ae-conv-correlation-lab': AeExperiment;
    'ae-conv-transfer-lab': AeExperiment;
  }
}
