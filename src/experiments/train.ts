// train.ts: the training loop every experiment uses, and batched inference. Imports graph, nn,
// optim, losses, data, util (no DOM).
//
// Autoencoder inputs that are 8-bit data (byteCoding: at most 256 values per position) stay on the GPU
// (GpuDataset): the epoch's order is written once and each step gathers its batch there. Other
// inputs and all targets are gathered on the CPU and written into the step's input buffers. The loss
// is read back on about 50 steps per epoch (every step for short epochs). With GPU-resident inputs the
// steps from one reading to the next (at most MAX_STEPS_PER_SUBMIT) go into one command buffer, and
// readings are handed back PIPELINE_DEPTH submissions late, so the queue never waits for a readback;
// each handed-back reading reports progress and yields to the page. Stopping conditions on the loss,
// gradient or parameter change wait for every reading, so a run ends exactly where it would one step
// at a time; the results are the same either way. A NaN/Inf loss, an abort or a stopping condition
// ends the run with its reason; the weights that gave the last finite loss are kept.
import { batches, batchCount, deriveSeed, permutation } from '../data/sampling';
import { Graph } from '../graph/graph';
import type { Tensor } from '../graph/tensor';
import { applyLoss, type LossName } from '../losses/index';
import { byteCoding, GpuDataset } from '../nn/gpu-dataset';
import type { Module } from '../nn/module';
import { NonFiniteLossError, type StepReading, Trainer } from '../nn/trainer';
import { createOptimizer, type OptimizerName, type OptimizerOptions } from '../optim/optimizer';
import { ConfigError } from '../util/errors';
import type { Shape } from '../util/shape';
import type { Runtime } from './runtime';
import { stopReason, validateStop, type StopConditions } from './stopping';
import type { Progress } from './types';
import { runBatched } from './batched';

/** Inputs (one sample per row of `x`, `width` floats each) and optional targets (`targetWidth` each). */
export interface Samples {
  x: Float32Array;
  width: number;
  count: number;
  /** Targets; omitted for autoencoders (the target is the input). */
  y?: Float32Array;
  targetWidth?: number;
}

export interface TrainSpec {
  /** Names this run in progress and results, e.g. "latent=8". */
  name: string;
  model: Module;
  /** Builds the model's output on a graph from an input batch. */
  forward: (g: Graph, x: Tensor) => Tensor;
  /** Input shape for a batch of n samples, e.g. [n, 784] or [n, 1, 28, 28]. */
  inputShape: (n: number) => Shape;
  /** Target shape for a batch of n (default: the input shape). */
  targetShape?: (n: number) => Shape;
  loss: LossName;
  train: Samples;
  test?: Samples;
  optimizer: OptimizerName;
  optimizerOptions?: OptimizerOptions;
  batchSize: number;
  /** Batch size of the per-epoch test evaluation (default: max(batchSize, 256)). */
  evalBatchSize?: number;
  stop: StopConditions;
  seed: number;
  /** Called after each epoch's test evaluation with the test predictions (e.g. for accuracy). */
  onTestPredictions?: (predictions: Float32Array, epoch: number) => Record<string, number>;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  testLoss?: number;
  seconds: number;
  extra?: Record<string, number>;
}

export interface TrainRun {
  name: string;
  epochs: EpochRecord[];
  steps: number;
  stopReason: string;
  /** True when the run ended on a NaN/Inf loss (weights were restored to the last finite one). */
  failed: boolean;
  samplesPerSec: number;
  /** How many times a lost device was replaced during the run. */
  recoveries: number;
}

/** The most steps recorded into one command buffer by the training loop. */
export const MAX_STEPS_PER_SUBMIT = 64;
/** Readings in flight while the next submission is made. */
export const PIPELINE_DEPTH = 2;

const noop = () => {};

const checkPositiveInt = (key: string, v: number) => {
  if (!Number.isInteger(v) || v < 1) throw new ConfigError(`${key}: expected a positive integer; got ${v}.`);
};

function gather(s: Samples, idx: ArrayLike<number>, target: boolean): Float32Array {
  const w = target ? s.targetWidth! : s.width;
  const src = target ? s.y! : s.x;
  const out = new Float32Array(idx.length * w);
  for (let i = 0; i < idx.length; i++) out.set(src.subarray(idx[i]! * w, (idx[i]! + 1) * w), i * w);
  return out;
}

export interface TrainHooks {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  experiment?: string;
  /**
   * Recovery from a lost device: gets a new device into the same Runtime (see recoverRuntime). With
   * it, weights and optimizer state are checkpointed every `checkpointEvery` steps, and a lost device
   * resumes from the last checkpoint on the new one; without it, a lost device ends the run with the
   * DeviceLostError.
   */
  recover?: (runtime: Runtime) => Promise<Runtime>;
  /** Steps between checkpoints when `recover` is given (default 100). */
  checkpointEvery?: number;
  /** Called once per step before it is submitted (tests use it to fail the device at a chosen step). */
  beforeStep?: (step: number, runtime: Runtime) => void;
  /**
   * Checkpoints kept outside this run (the command line's --out folder): training starts from the
   * saved state of this model when there is one, saves its state whenever the slot says it is due
   * and once more when the model is finished. Resumed, the weights equal an uninterrupted run's.
   */
  store?: TrainStore;
}

/** Where the checkpoints of one experiment's models are kept, by model name. */
export interface TrainStore {
  open(name: string): TrainSlot;
}

/** The checkpoint of one model: what was saved before, when to save next, and the saving. */
export interface TrainSlot {
  saved: SavedTraining | null;
  /** True when a checkpoint is due before step `step` (the last one saved was at `lastStep`). */
  due(step: number): boolean;
  save(state: SavedTraining): Promise<void>;
  /** Told the model's size of run before its first step (for a plan of the work). */
  begin?(info: { steps: number; epochs: number; batchSize: number; samples: number }): void;
  /** Asked after each step whether to end this model's training now (a plan's measured burst). */
  stop?(step: number): boolean;
  /** True to wait for every step's loss (a plan times whole steps). */
  measure?: boolean;
}

/** A model's training state: where it stands, its weights and optimizer state; `done` once finished. */
export interface SavedTraining extends Checkpoint {
  done?: TrainRun;
}

interface Checkpoint {
  step: number;
  epoch: number;
  /** Batches of `epoch` already done. */
  batchInEpoch: number;
  sum: number;
  reads: number;
  epochs: EpochRecord[];
  params: Float32Array[];
  optimizer: { step: number; tensors: Record<string, Float32Array> };
}

/** Trains `spec.model` in place; returns per-epoch losses and why it stopped. */
export async function trainModel(runtime: Runtime, spec: TrainSpec, hooks: TrainHooks = {}): Promise<TrainRun> {
  checkPositiveInt('batchSize', spec.batchSize);
  validateStop(spec.stop);
  if (spec.batchSize > spec.train.count) {
    throw new ConfigError(
      `batchSize: ${spec.batchSize} is larger than the training set (${spec.train.count} samples); use at most ${spec.train.count}.`,
    );
  }
  const B = spec.batchSize;
  const supervised = spec.train.y !== undefined;
  const params = spec.model.namedParameters();
  const stepsPerEpoch = batchCount(spec.train.count, B, { dropLast: true });
  const readEvery = Math.max(1, Math.floor(stepsPerEpoch / 50));
  // Steps whose input is gathered on the GPU go into one submission from one loss reading to the
  // next (readEvery steps, at most MAX_STEPS_PER_SUBMIT). Readings are handed back PIPELINE_DEPTH
  // submissions late, so the GPU never waits for the page, unless a stopping condition looks at the
  // loss (then each reading is waited for before the next submission, and the run ends where it
  // would one step at a time). A checkpoint store keeps one step per submission, each read in turn.
  const lossStops =
    spec.stop.targetLoss !== undefined || spec.stop.gradNorm !== undefined || spec.stop.paramChange !== undefined;
  const depth = hooks.store || lossStops ? 0 : PIPELINE_DEPTH;
  const totalSteps = Math.min(spec.stop.maxSteps ?? Infinity, stepsPerEpoch * spec.stop.maxEpochs);
  const checkpointEvery = hooks.checkpointEvery ?? 100;
  const started = performance.now();
  const emit = (p: Omit<Progress, 'experiment'>) =>
    hooks.onProgress?.({ experiment: hooks.experiment ?? spec.name, ...p });

  const coding = supervised ? null : byteCoding(spec.train.x, spec.train.count, spec.train.width);
  const chunked = coding !== null && !hooks.store;
  /** Builds the step for the current device: graph, trainer with a fresh optimizer. */
  const build = () => {
    const g = new Graph();
    const x = g.input('x', spec.inputShape(B));
    const t = supervised ? g.input('target', spec.targetShape ? spec.targetShape(B) : spec.inputShape(B)) : x;
    const loss = applyLoss(g, spec.loss, spec.forward(g, x), t);
    const trainer = new Trainer(runtime, {
      graph: g,
      loss,
      params,
      optimizer: createOptimizer(spec.optimizer, spec.optimizerOptions as never),
      monitor: spec.stop.gradNorm !== undefined || spec.stop.paramChange !== undefined,
      label: `train:${spec.name}`,
    });
    const data = coding && new GpuDataset(runtime.gpu, coding, `train:${spec.name}`);
    return { trainer, x, t, data, feed: data?.feed(runtime.registry, trainer.inputBuffer(x), B) };
  };

  let epochs: EpochRecord[] = [];
  let reason: string | null = null;
  let failed = false;
  let step = 0;
  let resume: Checkpoint | null = null;
  let checkpoint = null as Checkpoint | null;
  let recoveries = 0;
  const slot = hooks.store?.open(spec.name) ?? null;
  if (slot?.saved) {
    const saved = slot.saved;
    params.forEach(([, p], k) => p.write(saved.params[k]!));
    if (saved.done) {
      emit({
        stage: `train ${spec.name}`,
        message: `${spec.name}: finished before; weights taken from the checkpoint`,
      });
      return saved.done;
    }
    emit({ stage: `train ${spec.name}`, message: `${spec.name}: resuming from the checkpoint at step ${saved.step}` });
    resume = saved;
    checkpoint = saved;
  }
  let finalOptimizer: Checkpoint['optimizer'] | null = null;
  let burstOver = false;
  slot?.begin?.({ steps: totalSteps, epochs: spec.stop.maxEpochs, batchSize: B, samples: spec.train.count });
  for (;;) {
    const { trainer, x, t, data, feed } = build();
    try {
      let firstEpoch = 1;
      let skip = 0;
      let sum = 0;
      let reads = 0;
      if (resume) {
        trainer.restoreOptimizer(resume.optimizer);
        firstEpoch = resume.epoch;
        skip = resume.batchInEpoch;
        sum = resume.sum;
        reads = resume.reads;
        step = resume.step;
        epochs = resume.epochs.slice();
      }
      const takeCheckpoint = async (epoch: number, batchInEpoch: number) => {
        checkpoint = {
          step,
          epoch,
          batchInEpoch,
          sum,
          reads,
          epochs: epochs.slice(),
          params: await Promise.all(params.map(([, p]) => p.read())),
          optimizer: await trainer.saveOptimizer(),
        };
      };
      /** Readings submitted and not yet handed back, oldest first, with the step count after each. */
      const inflight: { reading: Promise<StepReading | null>; epoch: number; step: number }[] = [];
      /** Hands back the oldest reading: progress, stopping conditions, or the end on a NaN/Inf loss. */
      const settleOne = async () => {
        const { reading, epoch, step: at } = inflight.shift()!;
        let r: StepReading | null;
        try {
          r = await reading;
        } catch (e) {
          if (!(e instanceof NonFiniteLossError)) throw e;
          reason = e.message;
          failed = true;
          step = e.step + 1;
          return;
        }
        if (r === null || failed) return;
        sum += r.loss;
        reads++;
        const elapsed = (performance.now() - started) / 1000;
        const rate = (at * B) / elapsed;
        emit({
          stage: `train ${spec.name}`,
          epoch,
          epochs: spec.stop.maxEpochs,
          step: at,
          steps: totalSteps,
          loss: r.loss,
          samplesPerSec: rate,
          etaSeconds: ((totalSteps - at) * B) / rate,
          message: `${spec.name}: epoch ${epoch}/${spec.stop.maxEpochs}, step ${at}/${totalSteps}, loss ${r.loss.toPrecision(4)}`,
        });
        reason ??= stopReason(spec.stop, {
          epoch: 0,
          step: at,
          loss: r.loss,
          gradNorm: r.gradNorm,
          paramChange: r.paramChange,
          elapsedSeconds: elapsed,
        });
      };
      /** Hands back every reading in flight. */
      const settle = async () => {
        while (inflight.length) await settleOne();
      };
      await trainer.prepare();
      for (let epoch = firstEpoch; reason === null; epoch++) {
        const epochStart = performance.now();
        feed?.setOrder(permutation(spec.train.count, deriveSeed(spec.seed, epoch)));
        const maxK = Math.min(MAX_STEPS_PER_SUBMIT, trainer.maxStepsPerSubmit);
        const list = feed ? null : [...batches(spec.train.count, B, spec.seed, epoch, { dropLast: true })];
        const isRead = (k: number) =>
          k % readEvery === readEvery - 1 || k === stepsPerEpoch - 1 || slot?.measure === true;
        let i = skip;
        while (i < stepsPerEpoch && reason === null) {
          if (hooks.signal?.aborted) {
            reason = 'stopped by the user';
            break;
          }
          const checkpointStep = hooks.recover && step % checkpointEvery === 0;
          const saveNow = slot?.due(step) === true && checkpoint?.step !== step;
          if ((checkpointStep || saveNow) && checkpoint?.step !== step) {
            await settle();
            if (reason !== null) break;
            await takeCheckpoint(epoch, i);
          }
          if (saveNow && checkpoint) await slot.save(checkpoint);
          if (spec.stop.maxSteps !== undefined && step >= spec.stop.maxSteps) {
            // The reading of an earlier submission ends the run here (as it would have one step at a time).
            await settle();
            if (reason !== null) break;
          }
          // This submission: up to and including the next step whose loss is read, not past the next
          // checkpoint, at most MAX_STEPS_PER_SUBMIT; one step where inputs come from the CPU or a
          // store checks every step.
          let k = 1;
          if (chunked) {
            while (k < maxK && i + k - 1 < stepsPerEpoch - 1 && !isRead(i + k - 1)) k++;
            if (hooks.recover) k = Math.min(k, checkpointEvery - (step % checkpointEvery));
          }
          for (let j = 0; j < k; j++) hooks.beforeStep?.(step + j, runtime);
          const read = isRead(i + k - 1);
          let reading: Promise<StepReading | null>;
          if (feed) {
            reading = trainer.runSteps(
              k,
              read,
              Array.from({ length: k }, (_, j) => ({ feed, index: i + j })),
            );
          } else {
            const idx = list![i]!;
            trainer.feed(x, gather(spec.train, idx, false));
            if (supervised) trainer.feed(t, gather(spec.train, idx, true));
            reading = trainer.runSteps(1, read);
          }
          // A reading not awaited yet must not count as unhandled when a failure ends the run first.
          reading.catch(() => {});
          i += k;
          step += k;
          if (read) inflight.push({ reading, epoch, step });
          while (inflight.length > depth) await settleOne();
          if (slot?.stop) {
            // A plan's burst: this step is waited for (its reading's outcome is handled below), then asked.
            const last = inflight[inflight.length - 1];
            if (last?.step === step) await last.reading.then(noop, noop);
            if (slot.stop(step)) {
              reason = `stopped after a measured burst of ${step} steps`;
              burstOver = true;
              inflight.length = 0;
              break;
            }
          }
        }
        await settle();
        skip = 0;
        if (reads === 0 || burstOver) break;
        const record: EpochRecord = { epoch, trainLoss: sum / reads, seconds: (performance.now() - epochStart) / 1000 };
        sum = 0;
        reads = 0;
        if (spec.test && !failed) {
          const ev = await evaluateLoss(
            runtime,
            { ...spec, batchSize: spec.evalBatchSize ?? Math.max(spec.batchSize, 256) },
            spec.test,
            Boolean(spec.onTestPredictions),
          );
          record.testLoss = ev.loss;
          if (spec.onTestPredictions && ev.predictions) record.extra = spec.onTestPredictions(ev.predictions, epoch);
        }
        epochs.push(record);
        emit({
          stage: `train ${spec.name}`,
          epoch,
          epochs: spec.stop.maxEpochs,
          loss: record.trainLoss,
          point: { chart: 'loss', series: `${spec.name} train`, x: epoch, y: record.trainLoss },
          message: `${spec.name}: epoch ${epoch} train loss ${record.trainLoss.toPrecision(4)}${record.testLoss !== undefined ? `, test loss ${record.testLoss.toPrecision(4)}` : ''}`,
        });
        if (record.testLoss !== undefined)
          emit({
            stage: `train ${spec.name}`,
            epoch,
            message: '',
            point: { chart: 'loss', series: `${spec.name} test`, x: epoch, y: record.testLoss },
          });
        reason ??= stopReason(spec.stop, { epoch, step, elapsedSeconds: (performance.now() - started) / 1000 });
      }
      if (slot) finalOptimizer = await trainer.saveOptimizer();
      break;
    } catch (e) {
      const lost = runtime.gpu.lostError;
      if (!lost || !hooks.recover || !checkpoint || recoveries >= 3) throw lost ?? e;
      recoveries++;
      const from: Checkpoint = checkpoint;
      emit({
        stage: `train ${spec.name}`,
        message: `${spec.name}: ${lost.message.split('.')[0]}; resuming from step ${from.step} on a new device`,
      });
      runtime = await hooks.recover(runtime);
      params.forEach(([, p], k) => p.rebind(runtime.gpu, from.params[k]!));
      resume = from;
      reason = null;
      failed = false;
    } finally {
      feed?.dispose();
      data?.dispose();
      trainer.dispose();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const run: TrainRun = {
    name: spec.name,
    epochs,
    steps: step,
    stopReason: reason ?? 'max epochs reached',
    failed,
    samplesPerSec: (step * B) / seconds,
    recoveries,
  };
  if (slot && finalOptimizer && !hooks.signal?.aborted && !burstOver)
    await slot.save({
      step,
      epoch: epochs.length,
      batchInEpoch: 0,
      sum: 0,
      reads: 0,
      epochs: epochs.slice(),
      params: await Promise.all(params.map(([, p]) => p.read())),
      optimizer: finalOptimizer,
      done: run,
    });
  return run;
}

/** Mean loss over a dataset (weighted by batch sizes), computed on the GPU; optionally the predictions. */
export async function evaluateLoss(
  runtime: Runtime,
  spec: Pick<TrainSpec, 'forward' | 'inputShape' | 'targetShape' | 'loss' | 'batchSize'>,
  data: Samples,
  keepPredictions = false,
): Promise<{ loss: number; predictions?: Float32Array }> {
  let total = 0;
  let predictions: Float32Array | undefined;
  const supervised = data.y !== undefined;
  await runBatched(
    runtime,
    data.count,
    spec.batchSize,
    (g, n) => {
      const x = g.input('x', spec.inputShape(n));
      const t = supervised ? g.input('target', spec.targetShape ? spec.targetShape(n) : spec.inputShape(n)) : x;
      const pred = spec.forward(g, x);
      const loss = applyLoss(g, spec.loss, pred, t);
      return { keep: [loss, pred], graph: { x, t, pred, loss } };
    },
    async ({ exe, graph, start, n }) => {
      const idx = Array.from({ length: n }, (_, i) => start + i);
      exe.write(graph.x, gather(data, idx, false));
      if (supervised) exe.write(graph.t, gather(data, idx, true));
      exe.run();
      total += (await exe.read(graph.loss))[0]! * n;
      if (keepPredictions) {
        const p = await exe.read(graph.pred);
        predictions ??= new Float32Array((p.length / n) * data.count);
        predictions.set(p, start * (p.length / n));
      }
    },
    'eval',
  );
  return { loss: total / data.count, predictions };
}

/** Runs a function of the model (encode, decode, reconstruct) over rows of `x` in batches; returns the outputs. */
export async function infer(
  runtime: Runtime,
  build: (g: Graph, x: Tensor) => Tensor,
  inputShape: (n: number) => Shape,
  x: Float32Array,
  count: number,
  batchSize = 256,
): Promise<Float32Array> {
  const width = x.length / count;
  let result: Float32Array | null = null;
  await runBatched(
    runtime,
    count,
    batchSize,
    (g, n) => {
      const input = g.input('x', inputShape(n));
      const out = build(g, input);
      return { keep: [out], graph: { input, out } };
    },
    async ({ exe, graph, start, n }) => {
      exe.write(graph.input, x.subarray(start * width, (start + n) * width));
      exe.run();
      const out = await exe.read(graph.out);
      result ??= new Float32Array((out.length / n) * count);
      result.set(out, start * (out.length / n));
    },
    'infer',
  );
  return result!;
}
