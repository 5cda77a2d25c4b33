// op.ts: what an op is. Imports kernels, gpu (types) and util.
// An op names its kernel(s), checks shapes when the graph is built, records its GPU work once
// (call sites with their bind groups), and has a float64 CPU reference in `<op>.ref.ts`.
// Backward rules are composed from other ops through the GradBuilder the graph provides.
import type { Gpu } from '../gpu/device';
import type { ManagedBuffer } from '../gpu/buffers';
import type { BoundKernel, KernelRegistry } from '../kernels/registry';
import type { Shape } from '../util/shape';

/** One recorded dispatch: a bound call site and its workgroup counts. */
export interface Dispatch {
  bound: BoundKernel;
  workgroups: readonly [number, number, number];
  /**
   * Needed only for the value of the op's extra outputs, and reading nothing any other dispatch of the
   * op writes after it (the final sum of a fused loss's partials): the executor may encode it only when
   * that value is going to be read (Executable.encode's `readouts`).
   */
  readout?: boolean;
}

export interface BuildContext {
  gpu: Gpu;
  registry: KernelRegistry;
  /** A temporary buffer owned by the compiled graph (freed with it). */
  scratch(label: string, numel: number): ManagedBuffer;
}

/** A symbolic tensor while gradients are being built. */
export interface Sym {
  readonly shape: Shape;
}

/** The graph's side of backward: ops applied to symbolic tensors, recorded as new nodes. */
export interface GradBuilder {
  apply<A>(op: OpDef<A>, inputs: readonly Sym[], attrs: A): Sym;
}

export interface BackwardArgs<A> {
  inputs: readonly Sym[];
  output: Sym;
  dy: Sym;
  attrs: A;
  /** needsGrad[i]: whether input i wants a gradient; return null for the others. */
  needsGrad: readonly boolean[];
}

export interface OpDef<A = Record<string, never>> {
  readonly name: string;
  /** Output shape, or a ShapeError naming the op and the offending shapes. */
  inferShape(shapes: readonly Shape[], attrs: A): Shape;
  /**
   * Shapes of the extra outputs of a fused op that computes more than one tensor (the fusion pass of
   * src/graph/fuse.ts records such ops; users only ever apply single-output ops). Absent: none.
   */
  extraOutputs?(shapes: readonly Shape[], attrs: A): Shape[];
  /**
   * Records the GPU work that computes `out` (and the `extras`, one buffer per extra output) from
   * `inputs`. Called once per compiled graph.
   */
  build(
    ctx: BuildContext,
    inputs: readonly ManagedBuffer[],
    shapes: readonly Shape[],
    out: ManagedBuffer,
    outShape: Shape,
    attrs: A,
    extras?: readonly ManagedBuffer[],
  ): Dispatch[];
  /** Float64 CPU reference of the forward computation (with extra outputs: the output, then each extra, concatenated). */
  reference(inputs: readonly Float64Array[], shapes: readonly Shape[], attrs: A): Float64Array;
  /** Gradients for each input, composed from ops; 'none' for ops that are not differentiable. */
  backward: ((b: GradBuilder, args: BackwardArgs<A>) => (Sym | null)[]) | 'none';
}

/** Declares an op; the generic keeps attrs typed. */
export function defineOp<A>(op: OpDef<A>): OpDef<A> {
  return op;
}
