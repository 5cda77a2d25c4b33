// fc-train.ts: experiment `fc-train` — train one setting of the first report's fully connected
// autoencoder on Fashion-MNIST and report NRMSE / MSE, loss curves and reconstructions.
// Imports experiments (fc helpers, types), util.
//
// What the network output is taken to be per loss (see heads.ts): MSE — the decoder output itself;
// BCE — logits, trained with BCE-with-logits (= BCELoss on sigmoid(output)), reported both as the
// sigmoid image (nrmse_*) and the raw output (nrmse_*_raw); KL — log-softmax over the 784 pixels
// against the image normalised to sum 1, shown as softmax(output) × the image's pixel sum (nrmse_*),
// the raw output as nrmse_*_raw.
import { DEFAULTS } from '../../optim/optimizer';
import { defineExperiment, firstImages, formatNumber, newResult } from '../kit/index';
import type { ExperimentContext, ExperimentResult } from '../types';
import { checkBatch, FC_MODEL_SCHEMA, type FcModelConfig, SGD_DEFAULT_LR } from './config';
import { LOSS_HEADS } from './heads';
import { evaluate, imageGrid, loadData, lossSeries, reconstructions, trainOrLoad } from './model';
import { REPORT_LOSS_NRMSE, scaleSentence } from './report';

export type FcTrainConfig = FcModelConfig;

const NAME = 'fc-train';

/** Sentences on the setting itself: what the output is, and the learning rate used. */
export function settingNotes(c: FcModelConfig): string[] {
  const notes = [LOSS_HEADS[c.loss].description];
  if (c.lr === null) {
    notes.push(
      c.optimizer === 'sgd'
        ? `Learning rate: SGD has no PyTorch default; ${SGD_DEFAULT_LR} was used.`
        : `Learning rate: ${c.optimizer}'s PyTorch default (${DEFAULTS[c.optimizer].lr}).`,
    );
  }
  return notes;
}

/** The report's comparison for the loss-function rows (latent 8, Adam, leaky ReLU 0.5), when `c` is one. */
export function reportLossNote(c: FcModelConfig, m: Record<string, number>): string | null {
  const isReportRow = c.latent === 8 && c.optimizer === 'adam' && c.activation === 'leakyRelu' && c.slope === 0.5;
  if (!isReportRow) return null;
  const r = REPORT_LOSS_NRMSE[c.loss];
  const raw = LOSS_HEADS[c.loss].separateImage;
  const measured =
    `train ${formatNumber(m.nrmse_train)}, test ${formatNumber(m.nrmse_test)}` +
    (raw ? ` (raw output: train ${formatNumber(m.nrmse_train_raw)}, test ${formatNumber(m.nrmse_test_raw)})` : '');
  return `Report (${c.loss.toUpperCase()}): NRMSE train ${r.train}, test ${r.test}. Measured: ${measured}.`;
}

async function run(ctx: ExperimentContext, c: FcTrainConfig): Promise<ExperimentResult> {
  const started = performance.now();
  const result = newResult(ctx, NAME, c);
  const data = await loadData(ctx, c, NAME);
  const name = `latent=${c.latent} ${c.optimizer} ${c.activation} ${c.loss}`;
  const t = await trainOrLoad(ctx, NAME, c, data, name);
  try {
    result.stopReasons[name] = t.stopReason;
    if (t.bytes) result.weights.push({ key: t.key, bytes: t.bytes });
    const ev = await evaluate(ctx, NAME, t.model, c, data, name);
    Object.assign(result.metrics, ev.metrics);
    if (t.run) result.metrics.steps = t.run.steps;
    result.charts.push({
      id: 'loss',
      title: `Loss per epoch (${LOSS_HEADS[c.loss].engineLoss})`,
      xLabel: 'epoch',
      yLabel: 'loss',
      series: lossSeries(t.run),
    });
    const originals = firstImages(data.test, 10);
    const rec = await reconstructions(ctx, t.model, c, originals);
    const rows = [
      { label: 'original', images: originals },
      { label: LOSS_HEADS[c.loss].separateImage ? 'raw output (clamped)' : 'reconstruction', images: rec.raw },
    ];
    if (LOSS_HEADS[c.loss].separateImage)
      rows.push({ label: c.loss === 'bce' ? 'sigmoid(output)' : 'softmax(output) × pixel sum', images: rec.image });
    result.grids.push(imageGrid('reconstructions', 'Test images and their reconstructions', rows));
    result.tables.push({
      id: 'nrmse',
      title: 'Reconstruction error',
      columns: ['output', 'NRMSE train', 'NRMSE test', 'MSE train', 'MSE test'],
      rows: Object.keys(ev.train).map((k) => [
        k === 'image' ? 'shown image' : 'raw output',
        ev.train[k]!.nrmse,
        ev.test[k]!.nrmse,
        ev.train[k]!.mse,
        ev.test[k]!.mse,
      ]),
    });
    result.notes.push(...settingNotes(c));
    const report = reportLossNote(c, ev.metrics);
    if (report) result.notes.push(report);
    if (t.reused) result.notes.push(`Weights "${t.key}" were reused; nothing was trained, so there is no loss curve.`);
    else result.notes.push(scaleSentence(c, t.run));
    if (t.run?.failed) result.notes.push(`Training ended on a non-finite loss: ${t.run.stopReason}`);
  } finally {
    t.model.dispose();
  }
  result.elapsedMs = performance.now() - started;
  return result;
}

export const fcTrain = defineExperiment<FcTrainConfig>({
  name: NAME,
  title: 'Train one fully connected autoencoder',
  description:
    "Trains the first report's 784-392-196-latent autoencoder (leaky ReLU 0.5 after every layer) on Fashion-MNIST with one choice of " +
    'optimizer, activation and loss, and reports NRMSE and MSE on the training and test images, the loss per epoch and reconstructions.',
  schema: FC_MODEL_SCHEMA,
  check: (c) => checkBatch(NAME, c),
  run,
});
