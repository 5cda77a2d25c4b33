// jax.ts: the jax-js peer (@jax-js/jax on its WebGPU device) — starting it, the generic op peer for
// the GEMM workloads, and the training peer of the fully connected autoencoder written the way jax-js
// users write it: a pure loss function of a parameter list, `jit(valueAndGrad(...))` fused with a
// hand-written Adam update (jax-js has no optimizer in its core package). Imports jax-js's types only
// (the namespace is handed in, like tfjs's) and the workload types.
//
// Ownership: jax-js arrays are reference counted and every function consumes its array arguments;
// `.ref` adds a reference where an array is used again. The training step consumes the parameters and
// Adam moments of the previous step and returns the new ones.
import type * as JaxNs from '@jax-js/jax';
import type { Shape } from '../../src/util/shape';
import { since, type Peer } from './types';

export type Jax = typeof JaxNs;
type JArray = JaxNs.Array;

/**
 * Starts jax-js's WebGPU backend and makes it the default device. Resolves to the reason when it
 * cannot, so the bench reports it instead of dropping the column.
 */
export async function startJax(jax: Jax): Promise<string | null> {
  try {
    const devices = await jax.init('webgpu');
    if (!devices.includes('webgpu')) {
      return `jax-js: init('webgpu') did not start its WebGPU backend (navigator.gpu ${typeof navigator !== 'undefined' && navigator.gpu ? 'present' : 'absent'}; it requests the adapter with powerPreference "high-performance" and the adapter's own limits); available: ${devices.join(', ') || 'none'}.`;
    }
    jax.defaultDevice('webgpu');
    return null;
  } catch (e) {
    return `jax-js: init('webgpu') threw: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** A float32 jax-js array on the default device from host values. */
export const jaxArray = (jax: Jax, data: Float32Array, shape: readonly number[]): JArray =>
  jax.numpy.array(data as Float32Array<ArrayBuffer>, { shape: [...shape] });

/** One jitted jax-js computation on operands made once from the given values. */
export interface JaxStep {
  inputs: readonly { data: Float32Array; shape: Shape }[];
  run(jax: Jax, inputs: JArray[]): JArray;
}

/**
 * Generic op peer: each rep calls every step on `.ref`s of its operands; every rep's outputs are kept
 * until the end of the run (jax-js is lazy: a dropped unrealised output would skip its kernel), then
 * all are awaited with blockUntilReady and released.
 */
export class JaxOpsPeer implements Peer {
  readonly losses: readonly number[] = [];
  private readonly inputs: JArray[][];
  private last: JArray[] = [];

  constructor(
    private readonly jax: Jax,
    private readonly steps: readonly JaxStep[],
  ) {
    this.inputs = steps.map((s) => s.inputs.map((i) => jaxArray(jax, i.data, i.shape)));
  }

  async run(reps: number): Promise<number> {
    const t0 = performance.now();
    const outs: JArray[] = [];
    for (let r = 0; r < reps; r++)
      outs.push(
        ...this.steps.map((s, k) =>
          s.run(
            this.jax,
            this.inputs[k]!.map((a) => a.ref),
          ),
        ),
      );
    await this.jax.blockUntilReady(outs);
    const seconds = since(t0);
    for (const o of this.last) o.dispose();
    this.last = outs.slice(outs.length - this.steps.length);
    for (const o of outs.slice(0, outs.length - this.steps.length)) o.dispose();
    return seconds;
  }

  /** The output of step k after the last run (a copy; the kept output stays). */
  async read(k: number): Promise<Float32Array> {
    return (await this.last[k]!.ref.data()) as Float32Array;
  }

  dispose(): void {
    for (const o of this.last) o.dispose();
    for (const list of this.inputs) for (const a of list) a.dispose();
    this.last = [];
  }
}

export interface JaxAdam {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled weight decay (AdamW); 0 for Adam. */
  weightDecay: number;
}

/** Parameters, Adam moments m and v, one entry per parameter array. */
export interface JaxTrainState {
  params: JArray[];
  m: JArray[];
  v: JArray[];
}

/**
 * A jitted training step: value and gradient of `loss(params, x)`, then Adam(W) with bias
 * corrections c1 = 1/(1-β1^t) and c2 = 1/sqrt(1-β2^t) handed in as scalars (so one trace serves
 * every step). Consumes params, m, v, x, c1, c2; returns [loss, params', m', v'].
 */
export function jaxAdamStep(jax: Jax, loss: (params: JArray[], x: JArray) => JArray, o: JaxAdam) {
  const np = jax.numpy;
  return jax.jit((params: JArray[], m: JArray[], v: JArray[], x: JArray, c1: JArray, c2: JArray) => {
    const [value, grads] = jax.valueAndGrad(loss)(
      params.map((p) => p.ref),
      x,
    );
    const next: JaxTrainState = { params: [], m: [], v: [] };
    grads.forEach((g, i) => {
      const mi = m[i]!.mul(o.beta1).add(g.ref.mul(1 - o.beta1));
      const vi = v[i]!.mul(o.beta2).add(np.square(g).mul(1 - o.beta2));
      const step = mi.ref.mul(c1.ref).mul(o.lr).div(np.sqrt(vi.ref).mul(c2.ref).add(o.eps));
      const p = params[i]!;
      const decayed = o.weightDecay > 0 ? p.mul(1 - o.lr * o.weightDecay) : p;
      next.params.push(decayed.sub(step));
      next.m.push(mi);
      next.v.push(vi);
    });
    c1.dispose();
    c2.dispose();
    return [value, next.params, next.m, next.v] as [JArray, JArray[], JArray[], JArray[]];
  });
}

/** Drives jaxAdamStep over a state it owns. */
export class JaxTrainer {
  private state: JaxTrainState;
  private t = 0;
  private readonly step: ReturnType<typeof jaxAdamStep>;

  constructor(
    private readonly jax: Jax,
    params: JArray[],
    loss: (params: JArray[], x: JArray) => JArray,
    private readonly o: JaxAdam,
  ) {
    const np = jax.numpy;
    this.state = { params, m: params.map((p) => np.zerosLike(p.ref)), v: params.map((p) => np.zerosLike(p.ref)) };
    this.step = jaxAdamStep(jax, loss, o);
  }

  /** One step on x (consumed); resolves to the loss when `read`, else null (the step stays queued). */
  async run(x: JArray, read: boolean): Promise<number | null> {
    const np = this.jax.numpy;
    this.t += 1;
    const c1 = np.array(1 / (1 - this.o.beta1 ** this.t));
    const c2 = np.array(1 / Math.sqrt(1 - this.o.beta2 ** this.t));
    const [loss, params, m, v] = this.step(this.state.params, this.state.m, this.state.v, x, c1, c2);
    this.state = { params, m, v };
    if (read) return (await loss.data())[0]!;
    loss.dispose();
    return null;
  }

  /** Parameters, as new references (the caller disposes them). */
  params(): JArray[] {
    return this.state.params.map((p) => p.ref);
  }

  dispose(): void {
    for (const list of [this.state.params, this.state.m, this.state.v]) for (const a of list) a.dispose();
    this.step.dispose();
  }
}
