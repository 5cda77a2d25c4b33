// The float64 optimizer references against hand-derived values of their first steps (from PyTorch's
// documented update rules), and a sanity run: each reference minimises a quadratic.
import { expect } from 'chai';
import { DEFAULTS } from '../../../src/optim/options';
import { adadeltaRefState, adadeltaStepRef } from '../../../src/optim/adadelta.ref';
import { adagradRefState, adagradStepRef } from '../../../src/optim/adagrad.ref';
import { adamRefState, adamStepRef } from '../../../src/optim/adam.ref';
import { rmspropRefState, rmspropStepRef } from '../../../src/optim/rmsprop.ref';
import { sgdRefState, sgdStepRef } from '../../../src/optim/sgd.ref';
import { allclose } from '../../helpers/allclose';

const EXACT = { atol: 1e-12, rtol: 1e-12 };
const vec = (...v: number[]) => Float64Array.from(v);
const sgd = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false };
const adam = { lr: 1e-3, betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0, amsgrad: false };

describe('optimizer references: hand-derived steps', () => {
  it('SGD: plain, weight decay, momentum (buffer starts as the gradient), dampening, nesterov', () => {
    let p = vec(1, -2);
    sgdStepRef(p, vec(0.5, 1), sgdRefState(), sgd);
    allclose(p, [0.95, -2.1], EXACT, 'plain');
    p = vec(1);
    sgdStepRef(p, vec(0.5), sgdRefState(), { ...sgd, weightDecay: 0.1 });
    allclose(p, [1 - 0.1 * 0.6], EXACT, 'weight decay');
    // momentum 0.9, dampening 0.5: buf1 = g1 = 0.5; buf2 = 0.9·0.5 + 0.5·0.2 = 0.55
    p = vec(1);
    const s = sgdRefState();
    const mom = { ...sgd, momentum: 0.9, dampening: 0.5 };
    sgdStepRef(p, vec(0.5), s, mom);
    allclose(p, [0.95], EXACT, 'momentum step 1');
    sgdStepRef(p, vec(0.2), s, mom);
    allclose(p, [0.95 - 0.1 * 0.55], EXACT, 'momentum step 2');
    allclose(s.momentum_buffer!, [0.55], EXACT, 'buffer');
    // nesterov: d = g + 0.9·buf; step 1 buf = 0.5 → d = 0.95; step 2 buf = 0.9·0.5 + 0.2 = 0.65 → d = 0.2 + 0.585
    p = vec(1);
    const n = sgdRefState();
    const nest = { ...sgd, momentum: 0.9, nesterov: true };
    sgdStepRef(p, vec(0.5), n, nest);
    allclose(p, [1 - 0.095], EXACT, 'nesterov step 1');
    sgdStepRef(p, vec(0.2), n, nest);
    allclose(p, [1 - 0.095 - 0.1 * 0.785], EXACT, 'nesterov step 2');
  });

  it('Adam: bias-corrected first steps move by lr·sign(g); L2 decay; AdamW decoupled decay; amsgrad', () => {
    const p = vec(1, 1);
    const s = adamRefState(2);
    adamStepRef(p, vec(0.3, -2), s, adam, 1, false);
    allclose(p, [1 - (1e-3 * 0.3) / (0.3 + 1e-8), 1 + (1e-3 * 2) / (2 + 1e-8)], EXACT, 'step 1');
    allclose(s.exp_avg, [0.03, -0.2], EXACT, 'exp_avg');
    allclose(s.exp_avg_sq, [0.001 * 0.09, 0.001 * 4], EXACT, 'exp_avg_sq');
    // a constant gradient keeps m̂ = g and v̂ = g², so step 2 moves by lr again
    adamStepRef(p, vec(0.3, -2), s, adam, 2, false);
    allclose(p, [1 - (2e-3 * 0.3) / (0.3 + 1e-8), 1 + (2e-3 * 2) / (2 + 1e-8)], { atol: 1e-15, rtol: 1e-9 }, 'step 2');
    // Adam's weight decay is added to the gradient: g = 0.3 + 0.5·2
    const q = vec(2);
    adamStepRef(q, vec(0.3), adamRefState(1), { ...adam, weightDecay: 0.5 }, 1, false);
    allclose(q, [2 - (1e-3 * 1.3) / (1.3 + 1e-8)], EXACT, 'Adam L2');
    // AdamW shrinks the parameter first: 2·(1 − 1e-3·0.5), then the sign step of the raw gradient
    const w = vec(2);
    adamStepRef(w, vec(0.3), adamRefState(1), { ...adam, weightDecay: 0.5 }, 1, true);
    allclose(w, [2 * (1 - 5e-4) - (1e-3 * 0.3) / (0.3 + 1e-8)], EXACT, 'AdamW');
    // amsgrad keeps the largest second moment: after a big then a small gradient it uses the big one
    const a = vec(0);
    const sa = adamRefState(1);
    const ams = { ...adam, amsgrad: true, betas: [0.5, 0.5] as const };
    adamStepRef(a, vec(2), sa, ams, 1, false);
    adamStepRef(a, vec(0), sa, ams, 2, false);
    // v1 = 0.5·4 = 2, v2 = 1; max = 2; m2 = 0.5; m̂ = 0.5/0.75, v̂ = 2/0.75
    allclose(sa.max_exp_avg_sq, [2], EXACT, 'max_exp_avg_sq');
    allclose(
      a,
      [(-1e-3 * 2) / (2 + 1e-8) - (1e-3 * (0.5 / 0.75)) / (Math.sqrt(2 / 0.75) + 1e-8)],
      EXACT,
      'amsgrad step 2',
    );
  });

  it('Adagrad: accumulator start value, lr decay by step, weight decay', () => {
    const o = { ...DEFAULTS.adagrad, lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 0.25, weightDecay: 0.1 } as const;
    const p = vec(1);
    const s = adagradRefState(1, o);
    allclose(s.sum, [0.25], EXACT, 'initial sum');
    adagradStepRef(p, vec(0.9), s, o, 1); // g = 0.9 + 0.1 = 1; sum = 1.25
    allclose(p, [1 - 0.1 / (Math.sqrt(1.25) + 1e-10)], EXACT, 'step 1');
    const p1 = p[0]!;
    adagradStepRef(p, vec(0), s, o, 2); // g = 0.1·p1; clr = 0.1 / 1.5
    const g2 = 0.1 * p1;
    allclose(p, [p1 - ((0.1 / 1.5) * g2) / (Math.sqrt(1.25 + g2 * g2) + 1e-10)], EXACT, 'step 2');
  });

  it('Adadelta: the first step is sqrt(eps)/sqrt(v + eps)·g', () => {
    const o = { ...DEFAULTS.adadelta } as const;
    const p = vec(1);
    const s = adadeltaRefState(1);
    adadeltaStepRef(p, vec(2), s, o);
    const v = 0.1 * 4;
    const delta = (Math.sqrt(1e-6) / Math.sqrt(v + 1e-6)) * 2;
    allclose(s.square_avg, [v], EXACT, 'square_avg');
    allclose(s.acc_delta, [0.1 * delta * delta], EXACT, 'acc_delta');
    allclose(p, [1 - delta], EXACT, 'param');
  });

  it('RMSprop: plain, centered and momentum first steps', () => {
    const o = { ...DEFAULTS.rmsprop, lr: 0.01 } as const;
    const g = 0.5;
    let p = vec(1);
    rmspropStepRef(p, vec(g), rmspropRefState(1), o);
    allclose(p, [1 - (0.01 * g) / (Math.sqrt(0.01) * g + 1e-8)], EXACT, 'plain');
    // centered: v − ḡ² = 0.01g² − (0.01g)² = 0.0099g²
    p = vec(1);
    rmspropStepRef(p, vec(g), rmspropRefState(1), { ...o, centered: true });
    allclose(p, [1 - (0.01 * g) / (Math.sqrt(0.0099) * g + 1e-8)], EXACT, 'centered');
    // momentum: buf = g/avg (the buffer starts at zero), p −= lr·buf; step 2 buf = 0.9·buf1 + g/avg2
    p = vec(1);
    const s = rmspropRefState(1);
    const m = { ...o, momentum: 0.9 };
    rmspropStepRef(p, vec(g), s, m);
    const buf1 = g / (Math.sqrt(0.01 * g * g) + 1e-8);
    allclose(s.momentum_buffer, [buf1], EXACT, 'buffer 1');
    rmspropStepRef(p, vec(g), s, m);
    const buf2 = 0.9 * buf1 + g / (Math.sqrt((0.99 * 0.01 + 0.01) * g * g) + 1e-8);
    allclose(p, [1 - 0.01 * buf1 - 0.01 * buf2], EXACT, 'momentum step 2');
  });

  it('every reference lowers ½a(p − c)² over 300 steps', () => {
    const runs: [string, (p: Float64Array, g: Float64Array, t: number) => void][] = [
      [
        'sgd',
        (
          (s) => (p, g) =>
            sgdStepRef(p, g, s, { ...sgd, momentum: 0.9 })
        )(sgdRefState()),
      ],
      [
        'adam',
        (
          (s) => (p, g, t) =>
            adamStepRef(p, g, s, { ...adam, lr: 0.05 }, t, false)
        )(adamRefState(1)),
      ],
      [
        'adamw',
        (
          (s) => (p, g, t) =>
            adamStepRef(p, g, s, { ...adam, lr: 0.05, weightDecay: 0.01 }, t, true)
        )(adamRefState(1)),
      ],
      [
        'adagrad',
        (
          (s) => (p, g, t) =>
            adagradStepRef(p, g, s, { ...DEFAULTS.adagrad, lr: 0.1 }, t)
        )(adagradRefState(1, DEFAULTS.adagrad)),
      ],
      [
        'adadelta',
        (
          (s) => (p, g) =>
            adadeltaStepRef(p, g, s, DEFAULTS.adadelta)
        )(adadeltaRefState(1)),
      ],
      [
        'rmsprop',
        (
          (s) => (p, g) =>
            rmspropStepRef(p, g, s, { ...DEFAULTS.rmsprop, centered: true, momentum: 0.5 })
        )(rmspropRefState(1)),
      ],
    ];
    for (const [name, step] of runs) {
      const p = vec(3);
      const loss = () => 0.5 * 1.5 * (p[0]! - 1) ** 2;
      const before = loss();
      for (let t = 1; t <= 300; t++) step(p, vec(1.5 * (p[0]! - 1)), t);
      expect(loss(), name).to.be.lessThan(before * 0.5);
    }
  });
});
