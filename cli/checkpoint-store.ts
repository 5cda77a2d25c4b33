// checkpoint-store.ts: the TrainStore (src/experiments/train.ts) behind the command line's resumable
// runs and its --plan. A checkpoint is one safetensors file per model (its parameters, its optimizer
// state, and where training stands as JSON metadata), saved through a callback, so the Node runner
// writes it to disk and the page hands it to the CLI. The plan store trains each model for a short
// measured burst and records its size of run. Plain TypeScript (no Node or DOM); imports experiments
// and nn/safetensors.
import type { SavedTraining, TrainSlot, TrainStore } from '../src/experiments/train';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../src/nn/safetensors';

/** When a checkpoint is due: every `seconds` of training, or every `steps` steps (either or both). */
export interface CheckpointPolicy {
  seconds?: number;
  steps?: number;
}

/** How the checkpoint bytes are kept: by a file name made from the model's name. */
export interface CheckpointFiles {
  load(file: string): Uint8Array | null;
  save(file: string, bytes: Uint8Array): Promise<void>;
}

/** The checkpoint file of the `n`-th model (from 1) named `name` in one experiment's run. */
export function checkpointFileName(name: string, n: number): string {
  const safe = name.replace(/[^A-Za-z0-9._=+-]+/g, '_').replace(/^[._]+/, '') || 'model';
  return `${safe}-${n}.ckpt.safetensors`;
}

/** A training state as safetensors bytes: `param.k`, `optimizer.NAME` and the rest as metadata "state". */
export function encodeCheckpoint(state: SavedTraining): Uint8Array {
  const tensors: NamedTensor[] = state.params.map((data, k) => ({ name: `param.${k}`, shape: [data.length], data }));
  for (const [name, data] of Object.entries(state.optimizer.tensors))
    tensors.push({ name: `optimizer.${name}`, shape: [data.length], data });
  const { params: _p, optimizer, ...rest } = state;
  return encodeSafetensors(tensors, {
    format: 'autoencoder-lab checkpoint 1',
    state: JSON.stringify({ ...rest, optimizerStep: optimizer.step, params: state.params.length }),
  });
}

/** The training state of encodeCheckpoint's bytes; throws naming `file` when they are not one. */
export function decodeCheckpoint(bytes: Uint8Array, file: string): SavedTraining {
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  if (metadata.format !== 'autoencoder-lab checkpoint 1' || typeof metadata.state !== 'string')
    throw new Error(`${file}: not a checkpoint of this program (metadata.format is "${metadata.format ?? ''}").`);
  const state = JSON.parse(metadata.state) as Omit<SavedTraining, 'params' | 'optimizer'> & {
    optimizerStep: number;
    params: number;
  };
  const params: Float32Array[] = [];
  for (let k = 0; k < state.params; k++) {
    const t = tensors.get(`param.${k}`);
    if (!t) throw new Error(`${file}: parameter ${k} of ${state.params} is missing.`);
    params.push(t.data);
  }
  const optimizer: Record<string, Float32Array> = {};
  for (const [name, t] of tensors) if (name.startsWith('optimizer.')) optimizer[name.slice(10)] = t.data;
  const { optimizerStep, params: _n, ...rest } = state;
  return { ...rest, params, optimizer: { step: optimizerStep, tensors: optimizer } };
}

/** Checkpoints saved by `policy` and at each finished model, resumed from what `files` holds. */
export function checkpointStore(files: CheckpointFiles, policy: CheckpointPolicy, now = () => Date.now()): TrainStore {
  const seen = new Map<string, number>();
  return {
    open(name: string): TrainSlot {
      const n = (seen.get(name) ?? 0) + 1;
      seen.set(name, n);
      const file = checkpointFileName(name, n);
      const bytes = files.load(file);
      const saved = bytes ? decodeCheckpoint(bytes, file) : null;
      let lastStep = saved?.step ?? 0;
      let lastAt = now();
      return {
        saved,
        due(step) {
          if (policy.steps !== undefined && step - lastStep >= policy.steps) return true;
          return policy.seconds !== undefined && now() - lastAt >= policy.seconds * 1000;
        },
        async save(state) {
          await files.save(file, encodeCheckpoint(state));
          lastStep = state.step;
          lastAt = now();
        },
      };
    },
  };
}

/** One model of a plan: its size of run and the measured seconds per training step. */
export interface PlannedModel {
  name: string;
  steps: number;
  epochs: number;
  batchSize: number;
  samples: number;
  secondsPerStep: number;
}

/**
 * A store that trains each model for `warmup + measured` steps, then stops it, timing the last
 * `measured` steps (each waited for); `models` lists what it saw, in order.
 */
export function planStore(options: { warmup?: number; measured?: number; now?: () => number } = {}): TrainStore & {
  models: PlannedModel[];
} {
  const warmup = options.warmup ?? 2;
  const measured = options.measured ?? 3;
  const now = options.now ?? (() => performance.now());
  const models: PlannedModel[] = [];
  return {
    models,
    open(name: string): TrainSlot {
      const model: PlannedModel = { name, steps: 0, epochs: 0, batchSize: 0, samples: 0, secondsPerStep: Number.NaN };
      models.push(model);
      let from = now();
      let fromStep = 0;
      return {
        saved: null,
        measure: true,
        due: () => false,
        save: async () => {},
        begin(info) {
          Object.assign(model, info);
          from = now();
        },
        stop(step) {
          if (step === warmup && step < model.steps) {
            from = now();
            fromStep = step;
          }
          const end = step >= Math.min(warmup + measured, model.steps);
          if (end && step > fromStep) model.secondsPerStep = (now() - from) / 1000 / (step - fromStep);
          return end;
        },
      };
    },
  };
}
