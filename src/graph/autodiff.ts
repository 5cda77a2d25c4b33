// autodiff.ts: reverse-mode gradients, recorded as more nodes of the same graph. Imports ops, util.
// Gradients are built only for tensors that need them: a frozen parameter or an input gets none,
// and no work is recorded on its behalf.
import { add } from '../ops/elementwise';
import type { GradBuilder, Sym } from '../ops/op';
import { ShapeError } from '../util/errors';
import { fmt, numel, sameShape } from '../util/shape';
import type { Graph } from './graph';
import { Tensor } from './tensor';

/**
 * d loss / d t for each wanted tensor t, and the graph input that seeds backward with d loss / d loss:
 * write 1 into `seed` (CompileOptions.constants) before running the graph.
 */
export class Gradients extends Map<Tensor, Tensor> {
  constructor(readonly seed: Tensor) {
    super();
  }
}

/** Appends the backward pass of `loss` (a scalar [1]) to the graph; returns d loss / d t for each t in `wrt`. */
export function gradients(graph: Graph, loss: Tensor, wrt: readonly Tensor[]): Gradients {
  if (numel(loss.shape) !== 1)
    throw new ShapeError(`gradients: the loss must be a scalar [1]; got ${fmt(loss.shape)}.`);
  // Which tensors lie on a path from a wanted tensor to the loss.
  const wanted = new Set(wrt);
  const onPath = new Set<Tensor>();
  const forward = graph.nodes.slice(0, graph.nodes.indexOf(loss.node!) + 1);
  if (!loss.node || forward.length === 0)
    throw new ShapeError('gradients: the loss is not an op output of this graph.');
  for (const t of wrt) if (t.requiresGrad) onPath.add(t);
  for (const node of forward) {
    if (node.inputs.some((t) => onPath.has(t)) && node.op.backward !== 'none') onPath.add(node.output);
  }
  const grads = new Map<Tensor, Tensor>();
  const seed = graph.input(`d${loss.name}`, [1]);
  grads.set(loss, seed);
  const builder: GradBuilder = {
    apply: (op, inputs, attrs) => graph.apply(op, inputs as Tensor[], attrs),
  };
  for (let i = forward.length - 1; i >= 0; i--) {
    const node = forward[i]!;
    const dy = grads.get(node.output);
    if (!dy || node.op.backward === 'none') continue;
    const needsGrad = node.inputs.map((t) => onPath.has(t));
    if (!needsGrad.some(Boolean)) continue;
    const parts = node.op.backward(builder, {
      inputs: node.inputs,
      output: node.output,
      dy,
      attrs: node.attrs as never,
      needsGrad,
    });
    node.inputs.forEach((input, k) => {
      const g = parts[k] as Sym | null | undefined;
      if (!needsGrad[k] || !g) return;
      if (!(g instanceof Tensor))
        throw new ShapeError(`${node.op.name}.backward: returned a gradient that is not a graph tensor.`);
      if (!sameShape(g.shape, input.shape)) {
        throw new ShapeError(
          `${node.op.name}.backward: gradient for input ${k} has shape ${fmt(g.shape)}; expected ${fmt(input.shape)}.`,
        );
      }
      const prev = grads.get(input);
      grads.set(input, prev ? graph.apply(add, [prev, g], {}) : g);
    });
  }
  const result = new Gradients(seed);
  for (const t of wrt) {
    const g = grads.get(t);
    if (g && wanted.has(t)) result.set(t, g);
  }
  return result;
}
