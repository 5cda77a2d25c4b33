// shards.mjs: the parts of a reproduction. parseShard reads `--shard i/n`; estimateCost gives an
// experiment's training work from its validated config (training images × epochs × models, each
// model weighted by its width), the same on every machine, so every process of a sharded run
// computes the same parts; splitPlan deals the experiments out longest-first, each to the part
// with the least work so far. Pure functions; imports ./experiment-args.mjs.
import { UsageError } from './experiment-args.mjs';

/**
 * `--shard i/n` as { index, count } (index from 1); throws UsageError naming what is wrong.
 * @param {string} text
 * @returns {{ index: number, count: number }}
 */
export function parseShard(text) {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new UsageError(`--shard: "${text}" is not i/n; expected two whole numbers such as 1/4 (part 1 of 4).`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1) throw new UsageError(`--shard: ${text} has n = ${count}; expected n ≥ 1.`);
  if (index < 1 || index > count)
    throw new UsageError(`--shard: ${text} names part ${index} of ${count}; expected 1 ≤ i ≤ ${count}.`);
  return { index, count };
}

/**
 * Relative training work of one experiment from its validated config: Σ over its models of
 * epochs × training images × (width / 16)² for the convolutional models (capacity), 1 for the
 * fully connected ones. An estimate for balancing parts, not a time.
 * @param {string} name the experiment
 * @param {Record<string, unknown>} config its validated config
 * @returns {number}
 */
export function estimateCost(name, config) {
  const num = (/** @type {string} */ key, fallback = 0) => {
    const v = config[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
  };
  const list = (/** @type {string} */ key) => {
    const v = config[key];
    return Array.isArray(v) ? v.length : 1;
  };
  const images = num('trainSize', 1);
  const epochs = num('epochs', 1);
  if (name.startsWith('fc')) {
    const models = name === 'fc-sweep' ? 3 : name === 'fc-compression' ? list('latents') : 1;
    return models * epochs * images;
  }
  const width = (/** @type {number} */ c) => Math.max(1, (c / 16) ** 2);
  if (name === 'conv-capacity') {
    const caps = Array.isArray(config.capacities) ? /** @type {number[]} */ (config.capacities) : [16];
    return caps.reduce((s, c) => s + epochs * images * width(c), 0);
  }
  const w = width(num('capacity', 16));
  if (name === 'conv-transfer') return num('pretrainEpochs', 1) * num('pretrainSize', 1) * w + epochs * images * w;
  return list('latents') * epochs * images * w;
}

/**
 * The experiments of part `index` of `count`: longest first, each to the part with the least
 * estimated work so far (ties to the lower part); within a part they keep the plan's order.
 * @template {{ id: string, cost: number }} T
 * @param {readonly T[]} steps
 * @param {number} index from 1
 * @param {number} count
 * @returns {T[]}
 */
export function splitPlan(steps, index, count) {
  const load = new Array(count).fill(0);
  /** @type {Map<string, number>} */
  const part = new Map();
  const order = steps.map((s, i) => ({ s, i })).sort((a, b) => b.s.cost - a.s.cost || a.i - b.i);
  for (const { s } of order) {
    let best = 0;
    for (let k = 1; k < count; k++) if (load[k] < load[best]) best = k;
    load[best] += s.cost;
    part.set(s.id, best + 1);
  }
  return steps.filter((s) => part.get(s.id) === index);
}
