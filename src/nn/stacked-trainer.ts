// stacked-trainer.ts: training a stack of models (StackedFcAutoencoder) in one step per command
// buffer, each model's loss read back on its own. Imports graph, ops, optim, gpu, util and nn.
//
// The objective is Σ_k loss_k, the sum over models of each model's own mean loss (stackedLoss, then
// sumAll), so model k's gradient is exactly its lone gradient; the step is Trainer's (snapshots,
// NaN/Inf restore), and the optimizer a StackedOptimizer (each model its own kind and options).
import type { ManagedBuffer } from '../gpu/buffers';
import { readFloat32 } from '../gpu/readback';
import type { ExecContext } from '../graph/executor';
import { Graph } from '../graph/graph';
import type { Tensor } from '../graph/tensor';
import { sumAll } from '../ops/reduce';
import { stackedLoss, type StackedLossAttrs } from '../ops/stacked';
import { StackedOptimizer, type ModelOptimizer } from '../optim/stacked';
import { ConfigError, ShapeError } from '../util/errors';
import { fmt } from '../util/shape';
import type { StackedFcAutoencoder } from './stacked';
import { Trainer } from './trainer';

export interface StackedTrainerOptions {
  model: StackedFcAutoencoder;
  batchSize: number;
  loss: StackedLossAttrs;
  /** One optimizer choice for every model, or one per model. */
  optimizer: ModelOptimizer | readonly ModelOptimizer[];
  /** What the loss sees, from the stack's raw output [N, batch, inputSize] (default: the output itself). */
  head?: (g: Graph, raw: Tensor) => Tensor;
  /** Targets of their own ([N, batch, inputSize], fed with feedTarget) instead of the inputs. */
  separateTarget?: boolean;
  label?: string;
}

export class StackedTrainer {
  readonly trainer: Trainer;
  readonly graph = new Graph();
  /** The stacked input [N, batch, inputSize]: model k's minibatch (its own target too) at row k. */
  readonly x: Tensor;
  /** The targets: `x` itself, or an input of their own with `separateTarget`. */
  readonly target: Tensor;
  /** Each model's loss [N] and their sum [1], the training objective. */
  readonly losses: Tensor;
  readonly total: Tensor;
  readonly optimizer: StackedOptimizer;

  constructor(
    private readonly ctx: ExecContext,
    readonly options: StackedTrainerOptions,
  ) {
    const { model, batchSize } = options;
    const N = model.models;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new ConfigError(`StackedTrainer: batchSize must be a positive integer; got ${batchSize}.`);
    const choices = Array.isArray(options.optimizer)
      ? (options.optimizer as readonly ModelOptimizer[])
      : Array.from({ length: N }, () => options.optimizer as ModelOptimizer);
    if (choices.length !== N)
      throw new ConfigError(
        `StackedTrainer: ${choices.length} optimizer choices for ${N} models; expected one, or one per model.`,
      );
    this.optimizer = new StackedOptimizer(choices);
    this.x = this.graph.input('x', [N, batchSize, model.config.inputSize]);
    this.target = options.separateTarget ? this.graph.input('target', this.x.shape) : this.x;
    const raw = model.forward(this.graph, this.x);
    const y = options.head ? options.head(this.graph, raw) : raw;
    this.losses = this.graph.apply(stackedLoss, [y, this.target], options.loss, 'losses');
    this.total = this.graph.apply(sumAll, [this.losses], { alpha: 1 }, 'loss');
    this.trainer = new Trainer(ctx, {
      graph: this.graph,
      loss: this.total,
      params: model.namedParameters(),
      optimizer: this.optimizer,
      keep: [this.losses],
      label: options.label ?? 'train-stacked',
    });
  }

  /** The input buffer, for a GPU feed that gathers the stack's minibatches there. */
  get inputBuffer(): ManagedBuffer {
    return this.trainer.inputBuffer(this.x);
  }

  /** Writes the step's minibatches, [N, batch, inputSize] (model k's at k). */
  feed(data: Float32Array): void {
    this.write('feed', this.x, data);
  }

  /** Writes the step's targets (with `separateTarget`), laid out as the minibatches. */
  feedTarget(data: Float32Array): void {
    if (this.target === this.x)
      throw new ConfigError(
        'StackedTrainer.feedTarget: the targets are the inputs; pass separateTarget: true to feed them.',
      );
    this.write('feedTarget', this.target, data);
  }

  private write(what: string, t: Tensor, data: Float32Array): void {
    const want = t.shape.reduce((a, b) => a * b, 1);
    if (data.length !== want)
      throw new ShapeError(
        `StackedTrainer.${what}: expected ${want} values for ${fmt(t.shape)} (one minibatch per model); got ${data.length}.`,
      );
    this.trainer.feed(t, data);
  }

  /**
   * One step of every model. With `readLoss`, resolves to each model's loss of this step (before the
   * update); otherwise to null at once.
   */
  async step(readLoss: boolean): Promise<Float32Array | null> {
    const total = await this.trainer.run(readLoss);
    if (total === null) return null;
    const buffer = this.trainer.exe.buffer(this.losses);
    return readFloat32(this.ctx.gpu, buffer, 0, this.options.model.models);
  }

  dispose(): void {
    this.trainer.dispose();
  }
}
