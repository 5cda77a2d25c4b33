// conv.ts: convolution workloads — the two strided convolutions of the second report's conv
// autoencoder encoder at c = 16, batch 64: Conv2d(1→16, k4, s2, p1) on 28×28 and Conv2d(16→32, k4,
// s2, p1) on 14×14. Forward (with bias), and backward (input and weight gradients, no bias
// gradient). Imports the engine's conv ops and the generic peers.
//
// Layouts differ by design: ours is NCHW with weights [O, C, KH, KW] (PyTorch's); tfjs is run in its
// default NHWC with filters [KH, KW, C, O], the layout its users get. The FLOP count is the same:
// 2·N·O·OH·OW·C·KH·KW per convolution, and the same for each of its two gradients.
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from '../../src/ops/conv';
import { OurOpsPeer, TfOpsPeer, type OurStep, type TfStep } from './peers';
import { uniformData, type Size, type Workload } from './types';

interface ConvLayer {
  N: number;
  C: number;
  H: number;
  O: number;
  K: number;
  stride: number;
  pad: number;
}

const outSide = (l: ConvLayer) => Math.floor((l.H + 2 * l.pad - l.K) / l.stride) + 1;
const layerFlops = (l: ConvLayer) => 2 * l.N * l.O * outSide(l) ** 2 * l.C * l.K * l.K;

function convLayers(size: Size): ConvLayer[] {
  const [N, c, H] = size === 'full' ? [64, 16, 28] : [2, 4, 8];
  return [
    { N, C: 1, H, O: c, K: 4, stride: 2, pad: 1 },
    { N, C: c, H: H / 2, O: 2 * c, K: 4, stride: 2, pad: 1 },
  ];
}

/** Operand values for one layer: x, w, b and an output gradient dy, in NCHW/OIHW order for ours. */
function values(l: ConvLayer, seed: number) {
  const OH = outSide(l);
  return {
    x: uniformData(l.N * l.C * l.H * l.H, seed, 0, 1),
    w: uniformData(l.O * l.C * l.K * l.K, seed + 1),
    b: uniformData(l.O, seed + 2),
    dy: uniformData(l.N * l.O * OH * OH, seed + 3),
  };
}

function oursSteps(size: Size, pass: 'fwd' | 'bwd'): OurStep[] {
  return convLayers(size).flatMap((l, i): OurStep[] => {
    const v = values(l, 200 + 10 * i);
    const OH = outSide(l);
    const x = { data: v.x, shape: [l.N, l.C, l.H, l.H] };
    const w = { data: v.w, shape: [l.O, l.C, l.K, l.K] };
    const dy = { data: v.dy, shape: [l.N, l.O, OH, OH] };
    const geo = { stride: l.stride, padding: l.pad };
    if (pass === 'fwd') return [{ op: conv2d, attrs: geo, inputs: [x, w, { data: v.b, shape: [l.O] }] }];
    return [
      { op: conv2dBackwardInput, attrs: { ...geo, inputSize: [l.H, l.H] as const }, inputs: [dy, w] },
      { op: conv2dBackwardWeight, attrs: { ...geo, kernelSize: [l.K, l.K] as const }, inputs: [x, dy] },
    ];
  });
}

function tfSteps(size: Size, pass: 'fwd' | 'bwd'): TfStep[] {
  return convLayers(size).flatMap((l, i): TfStep[] => {
    // The same values as ours are not needed for timing; the shapes are tfjs's NHWC / HWIO.
    const v = values(l, 200 + 10 * i);
    const OH = outSide(l);
    const x = { data: v.x, shape: [l.N, l.H, l.H, l.C] };
    const w = { data: v.w, shape: [l.K, l.K, l.C, l.O] };
    const dy = { data: v.dy, shape: [l.N, OH, OH, l.O] };
    if (pass === 'fwd') {
      return [
        {
          inputs: [x, w, { data: v.b, shape: [l.O] }],
          run: (tf, [xt, wt, bt]) =>
            tf.fused.conv2d({ x: xt as never, filter: wt as never, bias: bt!, strides: l.stride, pad: l.pad }),
        },
      ];
    }
    return [
      {
        inputs: [dy, w],
        run: (tf, [dyt, wt]) => tf.conv2dTranspose(dyt as never, wt as never, [l.N, l.H, l.H, l.C], l.stride, l.pad),
      },
      {
        inputs: [x, dy],
        run: (tf, [xt, dyt]) =>
          tf.engine().runKernel(
            tf.Conv2DBackpropFilter,
            { x: xt!, dy: dyt! },
            {
              strides: l.stride,
              pad: l.pad,
              dataFormat: 'NHWC',
              filterShape: [l.K, l.K, l.C, l.O],
            },
          ),
      },
    ];
  });
}

function describe(size: Size, pass: 'fwd' | 'bwd'): string {
  const [a, b] = convLayers(size);
  const what = pass === 'fwd' ? 'y = conv(x, w) + b' : 'dx and dw (no db)';
  return (
    `${what} for Conv2d(${a!.C}→${a!.O}, k4, s2, p1) on ${a!.H}×${a!.H} and Conv2d(${b!.C}→${b!.O}, k4, s2, p1) on ${b!.H}×${b!.H}, ` +
    `batch ${a!.N}; ours NCHW, tfjs NHWC (tf.fused.conv2d / conv2dTranspose + Conv2DBackpropFilter kernel); ` +
    'reps recorded back to back, then onSubmittedWorkDone awaited'
  );
}

function convWorkload(name: string, pass: 'fwd' | 'bwd'): Workload {
  const passes = pass === 'fwd' ? 1 : 2;
  return {
    name,
    unit: 'GFLOPS',
    unitScale: 1e9,
    repQuantum: 1,
    smokeReps: 2,
    description: (size) => describe(size, pass),
    workPerRep: (size) => passes * convLayers(size).reduce((s, l) => s + layerFlops(l), 0),
    ours: (env, size) => new OurOpsPeer(env, name, oursSteps(size, pass)),
    tfjs: (env, size) => new TfOpsPeer(env.tf, tfSteps(size, pass)),
    jaxMissing: 'extra kernel-level row; jax-js is compared on conv-train (whole training steps) instead.',
  };
}

export const CONV_WORKLOADS: Workload[] = [convWorkload('conv-fwd', 'fwd'), convWorkload('conv-bwd', 'bwd')];
