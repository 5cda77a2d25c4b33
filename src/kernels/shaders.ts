// shaders.ts: every WGSL file in shaders/, imported as text. Imports nothing else.
// The stem of each file is its kernel family's name.
import activation from '../../shaders/activation.wgsl?raw';
import conv2d from '../../shaders/conv2d.wgsl?raw';
import elementwise from '../../shaders/elementwise.wgsl?raw';
import fmaPeak from '../../shaders/fma-peak.wgsl?raw';
import gather from '../../shaders/gather.wgsl?raw';
import im2col from '../../shaders/im2col.wgsl?raw';
import loss from '../../shaders/loss.wgsl?raw';
import stats from '../../shaders/stats.wgsl?raw';
import matmul from '../../shaders/matmul.wgsl?raw';
import matmulDirect from '../../shaders/matmul-direct.wgsl?raw';
import reduce from '../../shaders/reduce.wgsl?raw';
import adadelta from '../../shaders/adadelta.wgsl?raw';
import adagrad from '../../shaders/adagrad.wgsl?raw';
import adam from '../../shaders/adam.wgsl?raw';
import rmsprop from '../../shaders/rmsprop.wgsl?raw';
import sgd from '../../shaders/sgd.wgsl?raw';
import qr from '../../shaders/qr.wgsl?raw';
import trisolve from '../../shaders/trisolve.wgsl?raw';
import type { ShaderSource } from './registry';

export const SHADERS = {
  activation: { name: 'activation', source: activation },
  conv2d: { name: 'conv2d', source: conv2d },
  elementwise: { name: 'elementwise', source: elementwise },
  fmaPeak: { name: 'fma-peak', source: fmaPeak },
  gather: { name: 'gather', source: gather },
  im2col: { name: 'im2col', source: im2col },
  loss: { name: 'loss', source: loss },
  stats: { name: 'stats', source: stats },
  matmul: { name: 'matmul', source: matmul },
  matmulDirect: { name: 'matmul-direct', source: matmulDirect },
  reduce: { name: 'reduce', source: reduce },
  adadelta: { name: 'adadelta', source: adadelta },
  adagrad: { name: 'adagrad', source: adagrad },
  adam: { name: 'adam', source: adam },
  rmsprop: { name: 'rmsprop', source: rmsprop },
  sgd: { name: 'sgd', source: sgd },
  qr: { name: 'qr', source: qr },
  trisolve: { name: 'trisolve', source: trisolve },
} as const satisfies Record<string, ShaderSource>;

export type ShaderName = keyof typeof SHADERS;
