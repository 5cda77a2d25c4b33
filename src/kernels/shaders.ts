// shaders.ts: every WGSL file in shaders/, imported as text. Imports nothing else.
// The stem of each file is its kernel family's name.
import activation from '../../shaders/activation.wgsl?raw';
import elementwise from '../../shaders/elementwise.wgsl?raw';
import matmul from '../../shaders/matmul.wgsl?raw';
import reduce from '../../shaders/reduce.wgsl?raw';
import type { ShaderSource } from './registry';

export const SHADERS = {
  activation: { name: 'activation', source: activation },
  elementwise: { name: 'elementwise', source: elementwise },
  matmul: { name: 'matmul', source: matmul },
  reduce: { name: 'reduce', source: reduce },
} as const satisfies Record<string, ShaderSource>;

export type ShaderName = keyof typeof SHADERS;
