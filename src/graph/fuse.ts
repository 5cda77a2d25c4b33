// fuse.ts: the fusion pass. Rewrites patterns of a recorded graph's nodes into fused nodes that do the
// same work in fewer dispatches, for the executor to compile (src/graph/executor.ts). Imports ops, util.
//
//   loss(pred, t) + lossGrad(pred, t, dy) [+ activationGradY(pred, that gradient)]
//       → lossValueGrad: the gradient (through the prediction's activation) and, as an extra output, the value;
//   activationGradY(y, matmul(a, b)) → matmulActGrad(a, b, y): the activation's gradient in the GEMM's epilogue;
//   matmul(dz, x, { transA }) + sumRows(dz) → linearParamGrad(dz, x): dW and, as an extra output, db.
//
// The fused node keeps the tensors it replaces as its outputs (the same Tensor objects), so kept
// tensors, gradients() results and readers of those tensors are unchanged. A rewrite fires only where it
// is valid: an intermediate it removes has no other reader and is not kept, the shapes are those the
// fused kernel handles, and every reader of a fused output still runs after the fused node (placed at
// the last of the nodes it replaces). Otherwise the nodes stay as they are. The graph itself is not
// changed: the pass returns a new node list.
import { activationGradY } from '../ops/activation';
import { lossGradOf, lossValueGrad } from '../ops/loss';
import { linearParamGrad, matmul, matmulActGrad, type MatmulAttrs } from '../ops/matmul';
import type { OpDef } from '../ops/op';
import { sumRows } from '../ops/reduce';
import { ShapeError } from '../util/errors';
import { sameShape } from '../util/shape';
import type { Node, Tensor } from './tensor';

/** How many nodes each rewrite replaced, for tests and profiles. */
export interface FusionCounts {
  lossValueGrad: number;
  matmulActGrad: number;
  linearParamGrad: number;
}

/** The fused node list of `nodes`; `keep`: tensors that must stay readable (never removed). */
export function fuse(nodes: readonly Node[], keep: ReadonlySet<Tensor>, counts?: FusionCounts): Node[] {
  const list: (Node | null)[] = [...nodes];
  const producer = new Map<Tensor, number>();
  const readers = new Map<Tensor, Set<number>>();
  list.forEach((node, i) => {
    for (const t of outputsOf(node!)) producer.set(t, i);
    for (const t of node!.inputs) {
      const r = readers.get(t) ?? new Set<number>();
      r.add(i);
      readers.set(t, r);
    }
  });
  const only = (t: Tensor, reader: number) =>
    !keep.has(t) && (readers.get(t)?.size ?? 0) === 1 && readers.get(t)!.has(reader);
  /** The index of the node that computes `t`, if that node is an application of `op`. */
  // biome-ignore lint/suspicious/noExplicitAny: ops of any attribute type are compared by identity
  const madeBy = (t: Tensor, op: OpDef<any>): number | null => {
    const i = producer.get(t);
    return i !== undefined && list[i]?.op === op ? i : null;
  };

  /** Replaces the nodes at `gone` by `fused`, placed at the last of them, if every reader of its outputs comes later. */
  const replace = (gone: readonly number[], fused: Node, what: keyof FusionCounts): boolean => {
    const place = Math.max(...gone);
    for (const t of outputsOf(fused)) {
      for (const r of readers.get(t) ?? []) if (r <= place && !gone.includes(r)) return false;
    }
    for (const t of fused.inputs) {
      const p = producer.get(t);
      if (p !== undefined && (p >= place || gone.includes(p))) return false;
    }
    for (const i of gone) {
      for (const t of list[i]!.inputs) readers.get(t)?.delete(i);
      list[i] = null;
    }
    list[place] = fused;
    for (const t of outputsOf(fused)) producer.set(t, place);
    for (const t of fused.inputs) readers.get(t)?.add(place);
    if (counts) counts[what]++;
    return true;
  };

  // 1. A loss, its gradient and the prediction's activation gradient.
  for (let i = 0; i < list.length; i++) {
    const loss = list[i];
    const gradOp = loss ? lossGradOf(loss.op) : null;
    if (!loss || !gradOp) continue;
    const [pred, tgt] = loss.inputs as [Tensor, Tensor];
    const gi = [...(readers.get(pred) ?? [])].find((r) => {
      const n = list[r];
      return n?.op === gradOp && n.inputs[1] === tgt && sameAttrs(n.attrs, loss.attrs);
    });
    if (gi === undefined) continue;
    const grad = list[gi]!;
    const actAt = [...(readers.get(grad.output) ?? [])].find((r) => {
      const n = list[r];
      return n?.op === activationGradY && n.inputs[0] === pred && n.inputs[1] === grad.output;
    });
    const act = actAt !== undefined && only(grad.output, actAt) ? list[actAt]! : null;
    const fused: Node = {
      op: lossValueGrad,
      inputs: grad.inputs,
      attrs: { loss: loss.op.name, lossAttrs: loss.attrs, act: act ? act.attrs : { kind: 'identity' } },
      output: act ? act.output : grad.output,
      extras: [loss.output],
    };
    replace(act ? [i, gi, actAt!] : [i, gi], fused, 'lossValueGrad');
  }

  // 2. An input gradient through an activation: activationGradY(y, matmul(a, b)).
  for (let i = 0; i < list.length; i++) {
    const node = list[i];
    if (!node || node.op !== activationGradY) continue;
    const [y, dh] = node.inputs as [Tensor, Tensor];
    const mi = madeBy(dh, matmul);
    if (mi === null || !only(dh, i) || !sameShape(y.shape, dh.shape)) continue;
    const mm = list[mi]!;
    const fused: Node = {
      op: matmulActGrad,
      inputs: [mm.inputs[0]!, mm.inputs[1]!, y],
      attrs: { ...(mm.attrs as MatmulAttrs), ...(node.attrs as object) },
      output: node.output,
    };
    replace([mi, i], fused, 'matmulActGrad');
  }

  // 3. A weight gradient dzᵀ·x and the bias gradient Σ_rows dz.
  for (let i = 0; i < list.length; i++) {
    const node = list[i];
    if (!node || node.op !== sumRows) continue;
    const dz = node.inputs[0]!;
    if (dz.shape.length !== 2) continue;
    const mi = [...(readers.get(dz) ?? [])].find((r) => {
      const n = list[r];
      const a = n?.attrs as MatmulAttrs | undefined;
      return (
        n?.op === matmul && n.inputs[0] === dz && n.inputs[1]!.shape.length === 2 && a?.transA === true && !a.transB
      );
    });
    if (mi === undefined) continue;
    const mm = list[mi]!;
    const fused: Node = {
      op: linearParamGrad,
      inputs: [dz, mm.inputs[1]!],
      attrs: {},
      output: mm.output,
      extras: [node.output],
    };
    replace([mi, i], fused, 'linearParamGrad');
  }

  const out = list.filter((n): n is Node => n !== null);
  for (const n of out) checkExtras(n);
  return out;
}

/** A node's output and its extra outputs. */
export function outputsOf(node: Node): Tensor[] {
  return [node.output, ...(node.extras ?? [])];
}

function sameAttrs(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** A fused node's tensors have the shapes its op gives (a mismatch is a bug in a rewrite). */
function checkExtras(node: Node): void {
  if (!node.extras) return;
  const shapes = node.inputs.map((t) => t.shape);
  const want = [node.op.inferShape(shapes, node.attrs), ...(node.op.extraOutputs?.(shapes, node.attrs) ?? [])];
  const got = outputsOf(node).map((t) => t.shape);
  if (want.length !== got.length || want.some((s, k) => !sameShape(s, got[k]!)))
    throw new ShapeError(
      `fuse: ${node.op.name} computes ${JSON.stringify(want)} but its tensors have shapes ${JSON.stringify(got)}.`,
    );
}
