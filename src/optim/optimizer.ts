// optimizer.ts: the optimizer API the graph executor uses, and the factory. Imports the optimizers
// of this folder and util.
// Every optimizer updates parameters in place with one kernel dispatch per parameter buffer per step
// (one for a whole parameter arena), following PyTorch's update rules and default hyperparameters. Frozen parameters are simply
// not passed as slots, so no state is made for them.
import { Adadelta } from './adadelta';
import { Adagrad } from './adagrad';
import { Adam, AdamW } from './adam';
import type { Optimizer } from './base';
import { checkOptimizerName, type OptimizerName, type OptionsByName } from './options';
import { Rmsprop } from './rmsprop';
import { Sgd } from './sgd';

export { Optimizer, ElementwiseOptimizer, stateKey, WINDOW } from './base';
export type { ParamSlot, StateSpec, UpdateRule } from './base';
export { OPTIMIZER_NAMES, DEFAULTS } from './options';
export type {
  OptimizerName,
  OptionsByName,
  SgdOptions,
  AdamOptions,
  AdagradOptions,
  AdadeltaOptions,
  RmspropOptions,
} from './options';

/** The options createOptimizer accepts for each name (all optional except SGD's lr). */
export type OptimizerOptions<N extends OptimizerName = OptimizerName> = Partial<OptionsByName[N]>;

/**
 * Makes an optimizer by name. Options are validated here (ConfigError): lr must be finite and > 0,
 * betas in [0, 1), an option the optimizer does not take is refused, and an unknown name lists the
 * accepted ones.
 */
export function createOptimizer<N extends OptimizerName>(name: N, options?: OptimizerOptions<N>): Optimizer {
  checkOptimizerName(name);
  const o = (options ?? {}) as OptimizerOptions;
  switch (name as OptimizerName) {
    case 'sgd':
      return new Sgd(o as OptimizerOptions<'sgd'>);
    case 'adam':
      return new Adam(o as OptimizerOptions<'adam'>);
    case 'adamw':
      return new AdamW(o as OptimizerOptions<'adamw'>);
    case 'adagrad':
      return new Adagrad(o as OptimizerOptions<'adagrad'>);
    case 'adadelta':
      return new Adadelta(o as OptimizerOptions<'adadelta'>);
    case 'rmsprop':
      return new Rmsprop(o as OptimizerOptions<'rmsprop'>);
  }
}
