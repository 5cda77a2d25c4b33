// tensor.ts: symbolic tensors of a graph. Imports ops (types) and util.
import type { OpDef, Sym } from '../ops/op';
import type { ManagedBuffer } from '../gpu/buffers';
import { numel, type Shape } from '../util/shape';

export type TensorKind = 'input' | 'param' | 'op';

/** One recorded op application. */
export interface Node {
  // biome-ignore lint/suspicious/noExplicitAny: a graph holds ops of every attribute type; each op checks its own attrs
  op: OpDef<any>;
  inputs: readonly Tensor[];
  attrs: unknown;
  output: Tensor;
  /** Further outputs of a fused node (src/graph/fuse.ts), computed by the same op; absent for recorded ops. */
  extras?: readonly Tensor[];
}

/**
 * A tensor in a graph: a shape (row-major, f32) and where its value comes from — an input written
 * before each run, a parameter living in a buffer its Module owns, or an op's output.
 */
export class Tensor implements Sym {
  node: Node | null = null;

  constructor(
    readonly id: number,
    readonly shape: Shape,
    readonly kind: TensorKind,
    readonly name: string,
    /** For params: the persistent buffer. */
    readonly buffer: ManagedBuffer | null,
    /** Whether gradients flow into this tensor (false for inputs and frozen params). */
    readonly requiresGrad: boolean,
  ) {}

  get numel(): number {
    return numel(this.shape);
  }
}
