// ae-theory.ts: <ae-theory-lab>, the second report's theory answers made visible: gradient descent on
// a 2-D function with a chosen set of stopping conditions, its path over a contour plot, the end point
// classified by the Hessian's eigenvalues, and the circular angle loss against the naive squared
// difference. The numbers come from experiments/theory (the engine, on the GPU). Imports lit,
// experiments (theory, runtime, stopping types) and ../ae-chart.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { getRuntime, type RuntimeProvider } from '../../../experiments/runtime';
import type { StopConditions } from '../../../experiments/stopping';
import {
  angleLossCurves,
  descend,
  sampleGrid,
  TOY_FUNCTIONS,
  type AngleCurves,
  type DescentResult,
  type ToyName,
} from '../../../experiments/theory';
import type { Series } from '../../../experiments/types';
import '../ae-chart/ae-chart';

/** The stopping conditions the form offers; max iterations is always on. */
export type StopKey = 'gradNorm' | 'paramChange' | 'targetLoss' | 'timeLimitSeconds';

const STOP_LABELS: Record<StopKey, string> = {
  gradNorm: 'gradient norm ‖∇f‖ < ε',
  paramChange: 'step size ‖θₙ₊₁ − θₙ‖ < δ',
  targetLoss: 'value f(θ) ≤ target',
  timeLimitSeconds: 'time limit (s)',
};

const CONTOUR_RES = 96;

/**
 * @summary Gradient descent on a bowl, a saddle or a function with two minima; choose the start (type
 * it, or click the plot), the learning rate and the stopping conditions, then Run. The path is drawn
 * over the contours; the end point is classified by the Hessian (central differences of the GPU
 * gradient). Below, the circular angle loss and (p − t)² for a fixed target angle.
 * @csspart plot - the contour canvas.
 * @csspart result - the stop reason and classification.
 * @csspart angles - the angle loss chart.
 */
@customElement('ae-theory-lab')
export class AeTheoryLab extends LitElement {
  static override styles = css`
    :host { display: block; font: inherit; }
    .row { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
    fieldset { border: 1px solid #d0d7de; border-radius: 6px; margin: 0 0 .5rem; }
    label { display: block; margin: .15rem 0; }
    input[type='number'] { width: 6rem; }
    canvas { border: 1px solid #d0d7de; cursor: crosshair; max-width: 100%; }
    .result { font-variant-numeric: tabular-nums; }
    .kind { font-weight: 700; }
    .error { color: #cf222e; }
  `;

  @property({ attribute: false }) runtimeProvider: RuntimeProvider = getRuntime;
  @property() fn: ToyName = 'doubleWell';
  @property({ type: Number }) startX = 0.2;
  @property({ type: Number }) startY = 1.5;
  @property({ type: Number }) lr = 0.05;
  @property({ type: Number }) maxIterations = 200;
  /** Values of the optional conditions; only the ones in `enabledStops` apply. */
  @property({ attribute: false }) stopValues: Record<StopKey, number> = {
    gradNorm: 1e-4,
    paramChange: 1e-6,
    targetLoss: 0,
    timeLimitSeconds: 10,
  };
  @property({ attribute: false }) enabledStops: Set<StopKey> = new Set(['gradNorm']);
  @property({ type: Number }) targetAngle = 170;

  @state() result: DescentResult | null = null;
  @state() angles: AngleCurves | null = null;
  @state() private busy = false;
  @state() private error = '';

  @query('canvas') private canvas!: HTMLCanvasElement;

  /** The stop conditions the form describes. */
  stopConditions(): StopConditions {
    const stop: StopConditions = { maxEpochs: this.maxIterations };
    for (const k of this.enabledStops) stop[k] = this.stopValues[k];
    return stop;
  }

  /** Runs the descent with the form's settings; resolves with the result (also shown). */
  async runDescent(): Promise<DescentResult | null> {
    this.busy = true;
    this.error = '';
    try {
      const runtime = await this.runtimeProvider();
      this.result = await descend(runtime, {
        fn: this.fn,
        start: [this.startX, this.startY],
        lr: this.lr,
        stop: this.stopConditions(),
        bound: 10,
      });
      return this.result;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      this.result = null;
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** Computes the two angle-loss curves for `targetAngle` on the GPU. */
  async plotAngles(): Promise<AngleCurves | null> {
    try {
      this.angles = await angleLossCurves(await this.runtimeProvider(), this.targetAngle, 360, 5);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
    return this.angles;
  }

  override firstUpdated(): void {
    void this.plotAngles();
  }

  override updated(): void {
    this.draw();
  }

  /** Contours (filled bands of a log-scaled value), the start, the path and the end point. */
  private draw(): void {
    const c = this.canvas;
    const ctx = c?.getContext('2d');
    if (!ctx) return;
    const f = TOY_FUNCTIONS[this.fn];
    const [x0, x1, y0, y1] = f.region;
    const W = c.width;
    const H = c.height;
    const v = sampleGrid(f, CONTOUR_RES);
    let lo = Infinity;
    let hi = -Infinity;
    for (const a of v) {
      lo = Math.min(lo, a);
      hi = Math.max(hi, a);
    }
    const band = (a: number) => Math.floor(10 * Math.sqrt((a - lo) / (hi - lo || 1)));
    const cell = W / CONTOUR_RES;
    for (let j = 0; j < CONTOUR_RES; j++) {
      for (let i = 0; i < CONTOUR_RES; i++) {
        const a = v[j * CONTOUR_RES + i]!;
        const b = band(a);
        const edge =
          (i + 1 < CONTOUR_RES && band(v[j * CONTOUR_RES + i + 1]!) !== b) ||
          (j + 1 < CONTOUR_RES && band(v[(j + 1) * CONTOUR_RES + i]!) !== b);
        const t = b / 10;
        ctx.fillStyle = edge
          ? '#57606a'
          : `rgb(${Math.round(240 - 120 * t)}, ${Math.round(246 - 60 * t)}, ${Math.round(255 - 30 * t)})`;
        ctx.fillRect(i * cell, H - (j + 1) * cell, cell + 0.5, cell + 0.5);
      }
    }
    const px = (x: number) => ((x - x0) / (x1 - x0)) * W;
    const py = (y: number) => H - ((y - y0) / (y1 - y0)) * H;
    const dot = (x: number, y: number, colour: string) => {
      ctx.fillStyle = colour;
      ctx.beginPath();
      ctx.arc(px(x), py(y), 4, 0, 2 * Math.PI);
      ctx.fill();
    };
    const r = this.result;
    if (r && r.fn === this.fn) {
      ctx.strokeStyle = '#cf222e';
      ctx.lineWidth = 2;
      ctx.beginPath();
      r.path.forEach((p, k) => (k ? ctx.lineTo(px(p.x), py(p.y)) : ctx.moveTo(px(p.x), py(p.y))));
      ctx.stroke();
      dot(r.end.x, r.end.y, '#cf222e');
    }
    dot(this.startX, this.startY, '#1a7f37');
  }

  private onPlotClick(e: MouseEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    const [x0, x1, y0, y1] = TOY_FUNCTIONS[this.fn].region;
    const round = (a: number) => Math.round(a * 100) / 100;
    this.startX = round(x0 + ((e.clientX - rect.left) / rect.width) * (x1 - x0));
    this.startY = round(y1 - ((e.clientY - rect.top) / rect.height) * (y1 - y0));
  }

  private toggleStop(k: StopKey, on: boolean): void {
    const next = new Set(this.enabledStops);
    if (on) next.add(k);
    else next.delete(k);
    this.enabledStops = next;
  }

  private num(label: string, value: number, set: (v: number) => void, step = 'any') {
    return html`<label>${label} <input type="number" step=${step} .value=${String(value)} @change=${(e: Event) => set(Number((e.target as HTMLInputElement).value))} /></label>`;
  }

  private renderResult() {
    const r = this.result;
    if (!r) return nothing;
    const s = (a: number) => Number(a.toPrecision(4));
    return html`<div class="result" part="result">
      <p>Stopped after ${r.iterations} iterations: ${r.stopReason}.</p>
      <p>End point (${s(r.end.x)}, ${s(r.end.y)}), f = ${s(r.end.f)}.</p>
      <p>Hessian [[${s(r.hessian[0])}, ${s(r.hessian[1])}], [${s(r.hessian[2])}, ${s(r.hessian[3])}]], eigenvalues ${s(r.eigenvalues[0])} and ${s(r.eigenvalues[1])}:
        <span class="kind">${r.kind}</span>.</p>
      <p><small>Hessian by ${r.hessianMethod}; f and ∇f from our ops differentiated by the engine's autodiff.</small></p>
    </div>`;
  }

  private angleSeries(): Series[] | null {
    const a = this.angles;
    if (!a) return null;
    return [
      { name: 'circular loss (wrapped)', x: a.predicted, y: a.circular },
      { name: 'naive (p − t)²', x: a.predicted, y: a.naive },
    ];
  }

  override render() {
    const f = TOY_FUNCTIONS[this.fn];
    return html`
      <div class="row">
        <div>
          <fieldset>
            <legend>Function</legend>
            <select @change=${(e: Event) => {
              this.fn = (e.target as HTMLSelectElement).value as ToyName;
              this.result = null;
            }}>
              ${Object.values(TOY_FUNCTIONS).map((t) => html`<option value=${t.name} ?selected=${t.name === this.fn}>${t.title}: ${t.formula}</option>`)}
            </select>
            ${this.num('start x', this.startX, (v) => (this.startX = v))}
            ${this.num('start y', this.startY, (v) => (this.startY = v))}
            ${this.num('learning rate', this.lr, (v) => (this.lr = v))}
          </fieldset>
          <fieldset>
            <legend>Stop when</legend>
            ${this.num('max iterations', this.maxIterations, (v) => (this.maxIterations = v), '1')}
            ${(Object.keys(STOP_LABELS) as StopKey[]).map(
              (k) => html`<label>
              <input type="checkbox" name=${k} .checked=${this.enabledStops.has(k)} @change=${(e: Event) => this.toggleStop(k, (e.target as HTMLInputElement).checked)} />
              ${STOP_LABELS[k]} <input type="number" step="any" name=${`${k}-value`} .value=${String(this.stopValues[k])}
                @change=${(e: Event) => {
                  this.stopValues = { ...this.stopValues, [k]: Number((e.target as HTMLInputElement).value) };
                }} /></label>`,
            )}
          </fieldset>
          <button type="button" ?disabled=${this.busy} @click=${() => void this.runDescent()}>${this.busy ? 'Running…' : 'Run gradient descent'}</button>
          ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        </div>
        <figure>
          <canvas part="plot" width="384" height="384" aria-label=${`Contours of ${f.formula} with the descent path`} @click=${(e: MouseEvent) => this.onPlotClick(e)}></canvas>
          <figcaption>${f.title}: f = ${f.formula} over [${f.region.join(', ')}]; green: start (click to move), red: path and end.</figcaption>
        </figure>
      </div>
      ${this.renderResult()}
      <h3>Circular angle loss</h3>
      ${this.num('target angle (°)', this.targetAngle, (v) => {
        this.targetAngle = v;
        void this.plotAngles();
      })}
      <ae-chart part="angles" heading=${`Loss against the predicted angle, target ${this.targetAngle}°`} x-label="predicted angle (°)" y-label="loss (deg²)" .series=${this.angleSeries()}></ae-chart>
      <p><small>Both curves from the GPU: the circularLoss op wraps the difference into [−180°, 180°), so it equals (p − t)² within 180° of the target and falls back to zero a full turn away, where the naive loss keeps growing.</small></p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ae-theory-lab': AeTheoryLab;
  }
}
