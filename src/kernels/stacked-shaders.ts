// stacked-shaders.ts: the model-axis kernels, each family's own WGSL with the stacked entries of
// shaders/<family>-stacked.wgsl appended, so a stacked entry runs the same arithmetic as the lone
// entry it mirrors; and shaders/stacked.wgsl, the copies between a stack and an optimizer group.
// Imports the shader table.
import lossStacked from '../../shaders/loss-stacked.wgsl?raw';
import reduceStacked from '../../shaders/reduce-stacked.wgsl?raw';
import stacked from '../../shaders/stacked.wgsl?raw';
import type { ShaderSource } from './registry';
import { SHADERS } from './shaders';

export const STACKED_SHADERS = {
  loss: { name: 'loss-stacked', source: `${SHADERS.loss.source}\n${lossStacked}` },
  reduce: { name: 'reduce-stacked', source: `${SHADERS.reduce.source}\n${reduceStacked}` },
  copy: { name: 'stacked', source: stacked },
} as const satisfies Record<string, ShaderSource>;
