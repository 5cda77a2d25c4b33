// graph.ts: records ops on symbolic tensors; shapes are checked here, when the graph is built.
// Imports ops and util.
import type { OpDef } from '../ops/op';
import type { ManagedBuffer } from '../gpu/buffers';
import { ShapeError } from '../util/errors';
import { checkShape, fmt, numel, type Shape } from '../util/shape';
import { Tensor, type Node } from './tensor';

export class Graph {
  readonly nodes: Node[] = [];
  readonly inputs: Tensor[] = [];
  readonly params: Tensor[] = [];
  private nextId = 0;

  /** A tensor whose value is written before each run (a batch of images, targets...). */
  input(name: string, shape: Shape): Tensor {
    checkShape(shape, `input "${name}"`);
    if (this.inputs.some((t) => t.name === name))
      throw new ShapeError(`Graph.input: an input named "${name}" already exists; names must be unique.`);
    const t = new Tensor(this.nextId++, [...shape], 'input', name, null, false);
    this.inputs.push(t);
    return t;
  }

  /** A parameter living in `buffer` (owned by its Module); `trainable: false` freezes it (no gradient). */
  param(name: string, shape: Shape, buffer: ManagedBuffer, trainable = true): Tensor {
    checkShape(shape, `param "${name}"`);
    if (buffer.byteSize < numel(shape) * 4) {
      throw new ShapeError(
        `Graph.param(${name}): buffer "${buffer.label}" holds ${buffer.byteSize / 4} floats; expected at least ${numel(shape)} for shape ${fmt(shape)}.`,
      );
    }
    const existing = this.params.find((t) => t.buffer === buffer);
    if (existing) return existing;
    const t = new Tensor(this.nextId++, [...shape], 'param', name, buffer, trainable);
    this.params.push(t);
    return t;
  }

  /** Applies an op; its shape rule runs now and throws a ShapeError naming the op and the shapes. */
  apply<A>(op: OpDef<A>, inputs: readonly Tensor[], attrs: A, name?: string): Tensor {
    for (const t of inputs) {
      if (!(t instanceof Tensor)) throw new ShapeError(`${op.name}: an input is not a graph tensor; got ${String(t)}.`);
    }
    const shape = op.inferShape(
      inputs.map((t) => t.shape),
      attrs,
    );
    checkShape(shape, op.name);
    const requiresGrad = op.backward !== 'none' && inputs.some((t) => t.requiresGrad);
    const out = new Tensor(
      this.nextId++,
      [...shape],
      'op',
      name ?? `${op.name}#${this.nodes.length}`,
      null,
      requiresGrad,
    );
    const node: Node = { op, inputs: [...inputs], attrs, output: out };
    out.node = node;
    this.nodes.push(node);
    return out;
  }
}
