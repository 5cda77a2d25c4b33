// report.ts: the first report's figures that the experiments compare against, and the sentences that
// state the difference in scale. Imports nothing at run time.
import type { FcLoss, FcModelConfig } from './config';
import type { TrainRun } from '../train';

/** The report's scale: every experiment trained 1,000 epochs on all 60,000 / 10,000 images. */
export const REPORT_SCALE = { epochs: 1000, train: 60000, test: 10000 } as const;

/** NRMSE train / test per loss function (latent 8, Adam, leaky ReLU 0.5). */
export const REPORT_LOSS_NRMSE: { readonly [K in FcLoss]: { train: number; test: number } } = {
  mse: { train: 0.11268099, test: 0.11385359 },
  bce: { train: 12.898898, test: 12.803504 },
  kl: { train: 0.24288267, test: 0.24332926 },
};

/** Frobenius norms of the inversion experiments (latent 8, 60,000 train / 10,000 test images). */
export const REPORT_INVERSION = {
  /** ‖Z_ae − Z_ls‖_F, least squares from the decoder's output. */
  latentFromOutput: { train: 0.0153, test: 0.0062 },
  /** ‖Z_ae − Z_disc‖_F, least squares from the true images. */
  latentDiscovered: { train: 1724.5399, test: 709.8581 },
  /** ‖decoder(Z_disc) − X‖_F, "at top layer between outputs and targets". */
  outputDiscovered: { train: 1083.3223, test: 447.2425 },
} as const;

/** A Frobenius norm over N rows divided by √N: comparable across set sizes (norms grow with √N). */
export const perRow = (norm: number, rows: number): number => norm / Math.sqrt(rows);

/** "Measured: 3 epochs (93 steps) on 2000 / 1000 images, batch 64; the report: 1000 epochs on 60000 / 10000." */
export function scaleSentence(
  c: Pick<FcModelConfig, 'epochs' | 'trainSize' | 'testSize' | 'batch'>,
  run?: TrainRun | null,
): string {
  const steps = run ? ` (${run.steps} steps)` : '';
  return (
    `Scale: measured with ${c.epochs} epochs${steps} on ${c.trainSize} / ${c.testSize} train / test images, batch ${c.batch}; ` +
    `the report trained ${REPORT_SCALE.epochs} epochs on ${REPORT_SCALE.train} / ${REPORT_SCALE.test}, so absolute values differ.`
  );
}
