// The theory answers on the engine (src/experiments/theory.ts): gradient descent with the GPU gradient
// on the bowl, the saddle and the two-minima function, every stopping condition firing, the Hessian
// classification (finite differences of the GPU gradient; tolerance stated per check), and the
// circularLoss op against the naive squared difference.
import { expect } from 'chai';
import {
  angleLossCurves,
  classifyHessian,
  descend,
  GpuGradient,
  hessianAt,
  TOY_FUNCTIONS,
  type DescentConfig,
} from '../../../src/experiments/theory';
import { ConfigError } from '../../../src/util/errors';
import { getGpu } from '../../helpers/gpu';

const run = async (c: Partial<DescentConfig> & Pick<DescentConfig, 'fn'>) =>
  descend(await getGpu(), { start: [1.5, -1], lr: 0.1, stop: { maxEpochs: 200, gradNorm: 1e-4 }, ...c });

describe('theory: gradient descent on 2-D functions', () => {
  it('the GPU gradient of each function matches its analytic gradient (rel. 1e-5) and the Hessian its analytic one (abs. 1e-2)', async () => {
    const rt = await getGpu();
    const analytic = {
      bowl: (x: number, y: number) => [2 * x, 2 * y],
      saddle: (x: number, y: number) => [2 * x, -2 * y],
      doubleWell: (x: number, y: number) => [4 * x * (x * x - 1), 2 * y],
    };
    const xs = [0.3, -1.2, 0.9, 0];
    const ys = [-0.7, 0.4, 1.1, 0];
    for (const name of ['bowl', 'saddle', 'doubleWell'] as const) {
      const g = new GpuGradient(rt, TOY_FUNCTIONS[name], 4);
      try {
        const r = await g.at(xs, ys);
        xs.forEach((x, i) => {
          const [ax, ay] = analytic[name](x, ys[i]!);
          expect(r.gx[i]).to.be.closeTo(ax!, 1e-5 * (1 + Math.abs(ax!)));
          expect(r.gy[i]).to.be.closeTo(ay!, 1e-5 * (1 + Math.abs(ay!)));
          expect(r.f[i]).to.be.closeTo(TOY_FUNCTIONS[name].value(x, ys[i]!), 1e-5);
        });
        // doubleWell at (0.5, 0): ∂²f/∂x² = 12x² − 4 = −1, ∂²f/∂y² = 2.
        const h = await hessianAt(g, 0.5, 0);
        const want = { bowl: [2, 0, 0, 2], saddle: [2, 0, 0, -2], doubleWell: [-1, 0, 0, 2] }[name];
        h.forEach((v, i) => expect(v, `${name} H[${i}]`).to.be.closeTo(want[i]!, 1e-2));
      } finally {
        g.dispose();
      }
    }
  });

  it('the bowl converges to (0, 0) (within 1e-3) and its end point is a minimum', async () => {
    const r = await run({ fn: 'bowl' });
    expect(r.end.x).to.be.closeTo(0, 1e-3);
    expect(r.end.y).to.be.closeTo(0, 1e-3);
    expect(r.kind).to.equal('minimum');
    expect(r.stopReason).to.match(/gradient norm/);
    expect(r.eigenvalues[0]).to.be.closeTo(2, 1e-2);
  });

  it('the saddle: from (1e-3, 1) the descent leaves along y; started on the x axis it stops at the saddle, classified "saddle"', async () => {
    const away = await run({ fn: 'saddle', start: [1e-3, 1], bound: 10 });
    expect(away.stopReason).to.match(/left the region/);
    expect(Math.abs(away.end.y)).to.be.greaterThan(10);
    expect(Math.abs(away.end.x)).to.be.lessThan(1e-3);
    const onAxis = await run({ fn: 'saddle', start: [1, 0] });
    expect(onAxis.stopReason).to.match(/gradient norm/);
    expect(Math.hypot(onAxis.end.x, onAxis.end.y)).to.be.lessThan(1e-3);
    expect(onAxis.kind).to.equal('saddle');
  });

  it('the two-minima function ends in the basin it started in, each a minimum at (±1, 0) within 1e-3', async () => {
    for (const sx of [0.2, -0.2, 1.7, -1.6]) {
      const r = await run({ fn: 'doubleWell', start: [sx, 0.8], lr: 0.05 });
      expect(r.end.x, `start ${sx}`).to.be.closeTo(Math.sign(sx), 1e-3);
      expect(r.end.y).to.be.closeTo(0, 1e-3);
      expect(r.kind).to.equal('minimum');
    }
  });

  it('each stopping condition fires: max iterations, gradient norm, step size, target value, time limit', async () => {
    const iters = await run({ fn: 'bowl', stop: { maxEpochs: 5 } });
    expect([iters.iterations, iters.stopReason]).to.deep.equal([5, 'max epochs (5) reached']);
    const grad = await run({ fn: 'bowl', stop: { maxEpochs: 500, gradNorm: 0.1 } });
    expect(grad.stopReason).to.match(/^gradient norm .* below 0.1$/);
    expect(grad.path[grad.path.length - 1]!.gradNorm).to.be.lessThan(0.1);
    expect(grad.path[grad.path.length - 2]!.gradNorm).to.be.at.least(0.1);
    const step = await run({ fn: 'bowl', stop: { maxEpochs: 500, paramChange: 0.01 } });
    expect(step.stopReason).to.match(/^parameter change .* below 0.01$/);
    const target = await run({ fn: 'bowl', stop: { maxEpochs: 500, targetLoss: 0.5 } });
    expect(target.stopReason).to.match(/^target loss 0.5 reached/);
    expect(target.end.f).to.be.at.most(0.5);
    let clock = 0;
    const rt = await getGpu();
    const timed = await descend(
      rt,
      { fn: 'bowl', start: [1, 1], lr: 1e-6, stop: { maxEpochs: 10_000, timeLimitSeconds: 1 } },
      () => (clock += 100),
    );
    expect(timed.stopReason).to.equal('time limit 1 s reached');
    expect(timed.iterations).to.be.within(8, 12);
  });

  it('classifies Hessians by their eigenvalues and refuses a bad config', async () => {
    expect(classifyHessian([-1, 0, 0, -3]).kind).to.equal('maximum');
    expect(classifyHessian([0, 1, 1, 0]).kind).to.equal('saddle');
    expect(classifyHessian([1, 0, 0, 0]).kind).to.equal('degenerate');
    let err: unknown;
    try {
      await run({ fn: 'bowl', lr: -1 });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ConfigError);
  });
});

describe('theory: circular angle loss', () => {
  it('at target 170 the circular loss is smallest at 170, equals (p − t)² within ±180 and differs beyond (rel. 1e-5)', async () => {
    const c = await angleLossCurves(await getGpu(), 170, 360, 10);
    // Its zeros are 170 and 170 ± 360 (the same angle); the naive loss is zero at 170 only.
    expect(c.predicted.filter((_, i) => c.circular[i]! < 1e-6)).to.deep.equal([-190, 170, 530]);
    expect(c.predicted[c.naive.indexOf(Math.min(...c.naive))]).to.equal(170);
    c.predicted.forEach((p, i) => {
      const d = Math.abs(p - 170);
      if (d < 180) expect(c.circular[i], `p=${p}`).to.be.closeTo(c.naive[i]!, 1e-5 * (1 + c.naive[i]!));
      if (d > 180) expect(c.circular[i], `p=${p}`).to.be.lessThan(c.naive[i]! - 1);
    });
    // 350° is 180° away either way; 10° is 160° away round the circle.
    expect(c.circular[c.predicted.indexOf(170 + 200)]).to.be.closeTo(160 * 160, 1e-2);
    expect(c.circular[c.predicted.indexOf(170 + 360)]).to.be.closeTo(0, 1e-3);
  });
});
