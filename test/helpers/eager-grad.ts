// eager-grad.ts: evaluates an op's backward rule without the graph module, op by op: on the CPU with
// each op's float64 reference, or on the GPU with runOp (one submit per op, values read back in
// between). Tests use it to check a composed backward rule on both sides.
import type { GradBuilder, OpDef, Sym } from '../../src/ops/op';
import { fmt, numel, type Shape } from '../../src/util/shape';
import { runOp } from './gpu';

interface CpuSym extends Sym {
  readonly data: Float64Array;
}

interface GpuSym extends Sym {
  readonly data: () => Promise<Float32Array>;
}

const cpuBuilder: GradBuilder = {
  apply<A>(op: OpDef<A>, inputs: readonly Sym[], attrs: A): Sym {
    const ins = inputs as readonly CpuSym[];
    const shapes = ins.map((s) => s.shape);
    const shape = op.inferShape(shapes, attrs);
    const data = op.reference(
      ins.map((s) => s.data),
      shapes,
      attrs,
    );
    if (data.length !== numel(shape))
      throw new Error(`${op.name}.reference: returned ${data.length} values for shape ${fmt(shape)}.`);
    const out: CpuSym = { shape, data };
    return out;
  },
};

function gpuSym(shape: Shape, compute: () => Promise<Float32Array>): GpuSym {
  let memo: Promise<Float32Array> | null = null;
  return { shape, data: () => (memo ??= compute()) };
}

const gpuBuilder: GradBuilder = {
  apply<A>(op: OpDef<A>, inputs: readonly Sym[], attrs: A): Sym {
    const ins = inputs as readonly GpuSym[];
    const shapes = ins.map((s) => s.shape);
    return gpuSym(op.inferShape(shapes, attrs), async () => {
      const values: Float32Array[] = [];
      for (const s of ins) values.push(await s.data());
      return runOp(op, values, shapes, attrs);
    });
  },
};

const allTrue = (n: number): boolean[] => new Array<boolean>(n).fill(true);

/** Gradients of Σ dy ⊙ op(inputs) for every input, by the op's backward rule on the float64 references. */
export function referenceGrads<A>(
  op: OpDef<A>,
  inputs: readonly Float64Array[],
  shapes: readonly Shape[],
  attrs: A,
  dy: Float64Array,
): (Float64Array | null)[] {
  if (op.backward === 'none') throw new Error(`${op.name} has no backward rule.`);
  const ins: CpuSym[] = inputs.map((data, i) => ({ shape: shapes[i]!, data }));
  const output = cpuBuilder.apply(op, ins, attrs) as CpuSym;
  const grads = op.backward(cpuBuilder, {
    inputs: ins,
    output,
    dy: { shape: output.shape, data: dy } as CpuSym,
    attrs,
    needsGrad: allTrue(ins.length),
  });
  return grads.map((g) => (g ? (g as CpuSym).data : null));
}

/** The same gradients with every op of the backward rule run on the GPU. */
export async function gpuGrads<A>(
  op: OpDef<A>,
  inputs: readonly Float32Array[],
  shapes: readonly Shape[],
  attrs: A,
  dy: Float32Array,
): Promise<(Float32Array | null)[]> {
  if (op.backward === 'none') throw new Error(`${op.name} has no backward rule.`);
  const ins = inputs.map((data, i) => gpuSym(shapes[i]!, async () => data));
  const output = gpuBuilder.apply(op, ins, attrs) as GpuSym;
  const grads = op.backward(gpuBuilder, {
    inputs: ins,
    output,
    dy: gpuSym(output.shape, async () => dy),
    attrs,
    needsGrad: allTrue(ins.length),
  });
  const out: (Float32Array | null)[] = [];
  for (const g of grads) out.push(g ? await (g as GpuSym).data() : null);
  return out;
}
