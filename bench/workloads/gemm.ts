// gemm.ts: matrix-product workloads — square 2048³ (the adapter's peak) and 1024³ products, and the three products of each Linear
// layer of the first report's autoencoder (784→392→196→8, batch 256): forward x·Wᵀ, input gradient
// dY·W and weight gradient dYᵀ·X. Imports the engine's matmul op and the generic peers (jax-js's too).
import { matmul, type MatmulAttrs } from '../../src/ops/matmul';
import type * as JaxNs from '@jax-js/jax';
import { JaxOpsPeer, type Jax, type JaxStep } from './jax';
import { OurOpsPeer, TfOpsPeer, type OurStep, type TfStep } from './peers';
import { uniformData, type Size, type Workload } from './types';

/** One product op(A)·op(B) with A, B stored as given (row-major). */
interface Product {
  a: [number, number];
  b: [number, number];
  attrs: MatmulAttrs;
  /** 2·M·N·K. */
  flops: number;
}

function product(a: [number, number], b: [number, number], attrs: MatmulAttrs): Product {
  const [M, K] = attrs.transA ? [a[1], a[0]] : a;
  const N = attrs.transB ? b[0] : b[1];
  return { a, b, attrs, flops: 2 * M * N * K };
}

const FC_LAYERS: Record<Size, { batch: number; dims: number[] }> = {
  full: { batch: 256, dims: [784, 392, 196, 8] },
  smoke: { batch: 8, dims: [48, 24, 12, 4] },
};

type FcPass = 'fwd' | 'dx' | 'dw';

/** The products of one pass over the three encoder layers [in → out]. */
function fcProducts(size: Size, pass: FcPass): Product[] {
  const { batch: B, dims } = FC_LAYERS[size];
  return dims.slice(0, -1).map((inF, i) => {
    const outF = dims[i + 1]!;
    if (pass === 'fwd') return product([B, inF], [outF, inF], { transB: true }); // x [B,in] · W [out,in]ᵀ
    if (pass === 'dx') return product([B, outF], [outF, inF], {}); // dY [B,out] · W [out,in]
    return product([B, outF], [B, inF], { transA: true }); // dY [B,out]ᵀ · X [B,in]
  });
}

function operands(products: readonly Product[]) {
  return products.map((p, k) => [
    { data: uniformData(p.a[0] * p.a[1], 100 + 2 * k), shape: p.a },
    { data: uniformData(p.b[0] * p.b[1], 101 + 2 * k), shape: p.b },
  ]);
}

function oursGemmSteps(products: readonly Product[]): OurStep<MatmulAttrs>[] {
  const ops = operands(products);
  return products.map((p, k) => ({ op: matmul, attrs: p.attrs, inputs: ops[k]! }));
}

function tfGemmSteps(products: readonly Product[]): TfStep[] {
  const ops = operands(products);
  return products.map((p, k) => ({
    inputs: ops[k]!,
    run: (tf, [a, b]) => tf.matMul(a!, b!, p.attrs.transA ?? false, p.attrs.transB ?? false),
  }));
}

function jaxGemmSteps(products: readonly Product[]): JaxStep[] {
  const ops = operands(products);
  return products.map((p, k) => ({
    inputs: ops[k]!,
    // jax.numpy users write the transposes out; jit lets jax-js fold them into the product.
    run: (jax, [a, b]) => jaxProduct(jax, p.attrs)(a!, b!),
  }));
}

/** One jitted product per transpose combination, traced once per page. */
const jitted = new Map<string, (a: JaxNs.Array, b: JaxNs.Array) => JaxNs.Array>();
function jaxProduct(jax: Jax, attrs: MatmulAttrs) {
  const key = `${attrs.transA ? 'T' : 'N'}${attrs.transB ? 'T' : 'N'}`;
  let f = jitted.get(key);
  if (!f) {
    f = jax.jit((a: JaxNs.Array, b: JaxNs.Array) =>
      jax.numpy.matmul(attrs.transA ? a.transpose() : a, attrs.transB ? b.transpose() : b),
    );
    jitted.set(key, f);
  }
  return f;
}

function gemmWorkload(name: string, products: (size: Size) => Product[], what: (size: Size) => string): Workload {
  return {
    name,
    unit: 'GFLOPS',
    unitScale: 1e9,
    repQuantum: 1,
    smokeReps: 2,
    description: (size) =>
      `${what(size)}; 2·M·N·K FLOPs per product; reps recorded back to back, then onSubmittedWorkDone awaited`,
    workPerRep: (size) => products(size).reduce((s, p) => s + p.flops, 0),
    ours: (env, size) => new OurOpsPeer(env, name, oursGemmSteps(products(size))),
    tfjs: (env, size) => new TfOpsPeer(env.tf, tfGemmSteps(products(size))),
    jax: (jax, _env, size) => new JaxOpsPeer(jax, jaxGemmSteps(products(size))),
  };
}

const squareN = (size: Size) => (size === 'full' ? 1024 : 64);
const peakN = (size: Size) => (size === 'full' ? 2048 : 96);
const square = (n: number) => [product([n, n], [n, n], {})];

const layerList = (size: Size) => {
  const { dims } = FC_LAYERS[size];
  return dims
    .slice(0, -1)
    .map((d, i) => `${d}→${dims[i + 1]}`)
    .join(', ');
};

export const GEMM_WORKLOADS: Workload[] = [
  gemmWorkload(
    'gemm-2048-peak',
    (size) => square(peakN(size)),
    (size) => `C = A·B, ${peakN(size)}³ (the adapter's measured peak: our best GEMM)`,
  ),
  gemmWorkload(
    'gemm-1024',
    (size) => square(squareN(size)),
    (size) => `C = A·B, ${squareN(size)}³`,
  ),
  gemmWorkload(
    'gemm-fc-fwd',
    (size) => fcProducts(size, 'fwd'),
    (size) => `Y = X·Wᵀ for layers ${layerList(size)}, batch ${FC_LAYERS[size].batch}`,
  ),
  gemmWorkload(
    'gemm-fc-dx',
    (size) => fcProducts(size, 'dx'),
    (size) => `dX = dY·W for layers ${layerList(size)}, batch ${FC_LAYERS[size].batch}`,
  ),
  gemmWorkload(
    'gemm-fc-dw',
    (size) => fcProducts(size, 'dw'),
    (size) => `dW = dYᵀ·X for layers ${layerList(size)}, batch ${FC_LAYERS[size].batch}`,
  ),
];
