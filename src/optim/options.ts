// options.ts: optimizer hyperparameters, their PyTorch defaults, and validation. Imports util only.
// Every option is checked when the optimizer is constructed; a bad value is a ConfigError naming the
// optimizer, the option, the accepted range and the value given.
import { ConfigError } from '../util/errors';

export const OPTIMIZER_NAMES = ['sgd', 'adam', 'adamw', 'adagrad', 'adadelta', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** torch.optim.SGD; lr has no default and must be given. */
export interface SgdOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

/** torch.optim.Adam (weightDecay is an L2 term added to the gradient) and AdamW (decoupled decay). */
export interface AdamOptions {
  lr: number;
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

/** torch.optim.Adagrad. */
export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
}

/** torch.optim.Adadelta. */
export interface AdadeltaOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
}

/** torch.optim.RMSprop. */
export interface RmspropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
}

/** The resolved options of each optimizer. */
export interface OptionsByName {
  sgd: SgdOptions;
  adam: AdamOptions;
  adamw: AdamOptions;
  adagrad: AdagradOptions;
  adadelta: AdadeltaOptions;
  rmsprop: RmspropOptions;
}

/** PyTorch's defaults (SGD's lr is required, so it has none). */
export const DEFAULTS: { readonly sgd: Omit<SgdOptions, 'lr'> } & {
  readonly [K in Exclude<OptimizerName, 'sgd'>]: OptionsByName[K];
} = {
  sgd: { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false },
  adam: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false },
  adamw: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false },
  adagrad: { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 },
  adadelta: { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0 },
  rmsprop: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false },
};

const ACCEPTED: { [K in OptimizerName]: readonly (keyof OptionsByName[K])[] } = {
  sgd: ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov'],
  adam: ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'],
  adamw: ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'],
  adagrad: ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'],
  adadelta: ['lr', 'rho', 'eps', 'weightDecay'],
  rmsprop: ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered'],
};

/** Throws unless `name` is one of OPTIMIZER_NAMES. */
export function checkOptimizerName(name: unknown): asserts name is OptimizerName {
  if (typeof name !== 'string' || !(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError(
      `createOptimizer: unknown optimizer; expected one of: ${OPTIMIZER_NAMES.join(', ')}, got ${JSON.stringify(name)}. Use one of those names (lower case).`,
    );
  }
}

/** A learning rate must be a finite number > 0. */
export function checkLr(where: string, lr: unknown): void {
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
    throw new ConfigError(
      `${where}: invalid learning rate; expected a finite number > 0, got ${String(lr)}. Pass lr, e.g. { lr: 1e-3 }.`,
    );
  }
}

function checkRange(where: string, key: string, value: unknown, lo: number, hi: number, hiOpen: boolean): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= lo && (hiOpen ? value < hi : value <= hi);
  if (!ok) {
    const range = hi === Infinity ? `a finite number >= ${lo}` : `a number in [${lo}, ${hi}${hiOpen ? ')' : ']'}`;
    throw new ConfigError(
      `${where}: invalid ${key}; expected ${range}, got ${String(value)}. Check the optimizer options.`,
    );
  }
}

function checkBool(where: string, key: string, value: unknown): void {
  if (typeof value !== 'boolean') {
    throw new ConfigError(`${where}: invalid ${key}; expected true or false, got ${String(value)}.`);
  }
}

/** Fills in PyTorch's defaults and validates every option; refuses options the optimizer does not take. */
export function resolveOptions<K extends OptimizerName>(
  name: K,
  given: Partial<OptionsByName[K]> = {},
): OptionsByName[K] {
  const where = `createOptimizer('${name}')`;
  const accepted = ACCEPTED[name] as readonly string[];
  if (given === null || typeof given !== 'object') {
    throw new ConfigError(`${where}: options must be an object; got ${String(given)}. Pass e.g. { lr: 1e-3 }.`);
  }
  for (const key of Object.keys(given)) {
    if (!accepted.includes(key)) {
      throw new ConfigError(
        `${where}: option "${key}" does not apply; expected one of: ${accepted.join(', ')}. Remove it, or pick an optimizer that takes it.`,
      );
    }
  }
  const o = { ...DEFAULTS[name], ...given } as Record<string, unknown>;
  if (o.lr === undefined)
    throw new ConfigError(
      `${where}: lr is required; expected a finite number > 0, got undefined. Pass e.g. { lr: 0.01 }.`,
    );
  checkLr(where, o.lr);
  const positive = ['weightDecay', 'eps', 'lrDecay', 'initialAccumulatorValue'];
  const unit = ['dampening', 'rho', 'alpha'];
  for (const key of accepted) {
    const v = o[key];
    if (positive.includes(key)) checkRange(where, key, v, 0, Infinity, false);
    else if (unit.includes(key)) checkRange(where, key, v, 0, 1, false);
    else if (key === 'momentum') checkRange(where, key, v, 0, Infinity, false);
    else if (key === 'nesterov' || key === 'amsgrad' || key === 'centered') checkBool(where, key, v);
    else if (key === 'betas') {
      const b = v as unknown[];
      if (!Array.isArray(b) || b.length !== 2) {
        throw new ConfigError(
          `${where}: invalid betas; expected a pair [beta1, beta2], got ${JSON.stringify(v)}. Pass e.g. { betas: [0.9, 0.999] }.`,
        );
      }
      checkRange(where, 'betas[0]', b[0], 0, 1, true);
      checkRange(where, 'betas[1]', b[1], 0, 1, true);
      o.betas = [b[0], b[1]];
    }
  }
  if (name === 'sgd' && o.nesterov === true && (o.momentum === 0 || o.dampening !== 0)) {
    throw new ConfigError(
      `${where}: nesterov needs momentum > 0 and dampening = 0; got momentum=${String(o.momentum)}, dampening=${String(o.dampening)}. Set a momentum and leave dampening at 0, or turn nesterov off.`,
    );
  }
  return o as unknown as OptionsByName[K];
}
