// ae-drawing-pad.ts: <ae-drawing-pad>, a 28×28 canvas to draw a digit or a garment on with the pointer
// (mouse, pen or touch); a trained autoencoder encodes the drawing as it grows, its code is shown as
// bars and its reconstruction beside it, and the code can be handed to an <ae-latent-explorer>.
// Imports lit, experiments (latent-codes), util errors, ../../events, ../latent-model-element and
// the explorer's shared modules.
import { html, nothing, svg } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { LatentModel } from '../../../experiments/latent-codes';
import { ConfigError } from '../../../util/errors';
import { asError, emit } from '../../events';
import type { AeLatentExplorer } from '../ae-latent-explorer/ae-latent-explorer';
import { paintGray, SIDE } from '../ae-latent-explorer/gray';
import { LatentModelElement } from '../latent-model-element';
import { drawingPadStyles } from './ae-drawing-pad.styles';

/** A code handed on by a drawing pad. */
export interface AeCodeDetail {
  /** The code (latent values). */
  code: Float32Array;
  /** Weight key of the model that made it. */
  key: string;
  /** The drawn image it encodes (784 values in [0, 1]). */
  image: Float32Array;
}

export type AeCodeEvent = CustomEvent<AeCodeDetail>;

declare module '../../events' {
  interface AeEventDetails {
    'ae-code': AeCodeDetail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ae-code': AeCodeEvent;
  }
  interface HTMLElementTagNameMap {
    'ae-drawing-pad': AeDrawingPad;
  }
}

/**
 * Brush intensity at distance `d` (image pixels) from the pen for a brush of radius `r`: 1 near the
 * centre, falling linearly to 0 at 1.5 r (a stroke about as wide as the datasets' pen strokes).
 */
export function brushValue(d: number, r: number): number {
  return Math.min(1, Math.max(0, 1.5 - d / r));
}

/**
 * Adds a stroke segment from (x0, y0) to (x1, y1), in image pixels (pixel centres at i + 0.5), to
 * `pixels` (28×28, values in [0, 1]): each pixel keeps the larger of its value and the brush's.
 */
export function strokeSegment(pixels: Float32Array, x0: number, y0: number, x1: number, y1: number, r: number): void {
  const length = Math.hypot(x1 - x0, y1 - y0);
  const steps = Math.max(1, Math.ceil(length / 0.25));
  const reach = Math.ceil(1.5 * r);
  for (let s = 0; s <= steps; s++) {
    const cx = x0 + ((x1 - x0) * s) / steps;
    const cy = y0 + ((y1 - y0) * s) / steps;
    const i0 = Math.max(0, Math.floor(cx) - reach);
    const i1 = Math.min(SIDE - 1, Math.floor(cx) + reach);
    const j0 = Math.max(0, Math.floor(cy) - reach);
    const j1 = Math.min(SIDE - 1, Math.floor(cy) + reach);
    for (let j = j0; j <= j1; j++)
      for (let i = i0; i <= i1; i++) {
        const v = brushValue(Math.hypot(i + 0.5 - cx, j + 0.5 - cy), r);
        const p = j * SIDE + i;
        if (v > pixels[p]!) pixels[p] = v;
      }
  }
}

/**
 * @summary Draw a digit (conv model, MNIST) or a garment (fc model, Fashion-MNIST) with the pointer on
 * a 28×28 pad shown enlarged. While you draw, the model encodes the drawing on the GPU: the code
 * appears as bars and the reconstruction beside it. "Show in explorer" hands the code to the
 * <ae-latent-explorer> named by `for` (and fires `ae-code` for any listener). The model comes from
 * the model store or is trained quickly, exactly as for <ae-latent-explorer> (elements asking for
 * the same model share it).
 *
 * @fires ae-code - `{ code, key, image }` when the code is handed on.
 * @fires ae-progress - `{ task: 'latent-model', … }` while the model loads or trains.
 * @fires ae-error - `{ task: 'drawing-pad', error }` for a missing GPU, a bad attribute or a failed load.
 * @csspart base - the card around everything.
 * @csspart controls - Start, Clear and Show in explorer.
 * @csspart status - the progress line (aria-live).
 * @csspart error - the failure message (role="alert").
 * @csspart pad - the canvas drawn on.
 * @csspart reconstruction - the canvas of the decoded drawing.
 * @csspart code - the bar chart of the code.
 * @cssproperty --ae-pad-size - displayed side of the pad (default 224px).
 * @cssproperty --ae-accent - focus rings, the bars and the buttons.
 */
@customElement('ae-drawing-pad')
export class AeDrawingPad extends LatentModelElement {
  static override styles = drawingPadStyles;

  protected readonly errorTask = 'drawing-pad';

  /** Id of the <ae-latent-explorer> that "Show in explorer" hands the code to. */
  @property({ attribute: 'for' }) for = '';
  /** Brush radius in image pixels. */
  @property({ type: Number }) brush = 1.2;

  @state() private codeValues: Float32Array | null = null;
  @state() private sendNote = '';

  @query('[part="pad"]') private padCanvas!: HTMLCanvasElement | null;
  @query('[part="reconstruction"]') private reconCanvas!: HTMLCanvasElement | null;

  private drawing = new Float32Array(SIDE * SIDE);
  private recon: Float32Array | null = null;
  private encodedImage: Float32Array | null = null;
  private pen: { id: number; x: number; y: number } | null = null;
  /** The keyboard's pen: a pixel position, and whether it draws as it moves. */
  @state() private keyPen = { x: 13, y: 13, down: false };

  /** The drawing: 784 values in [0, 1], row-major (a copy). */
  get pixels(): Float32Array {
    return this.drawing.slice();
  }

  /** The code of the last encoded drawing, the drawing it encodes, and its reconstruction (not clamped). */
  get encoded(): { code: Float32Array; image: Float32Array; reconstruction: Float32Array } | null {
    return this.codeValues && this.encodedImage && this.recon
      ? { code: this.codeValues, image: this.encodedImage, reconstruction: this.recon }
      : null;
  }

  /** Wipes the drawing (and the code and reconstruction with it). */
  clear(): void {
    this.drawing.fill(0);
    this.codeValues = null;
    this.recon = null;
    this.encodedImage = null;
    this.sendNote = '';
    this.paint();
  }

  /** Replaces the drawing with `image` (784 values in [0, 1]) and encodes it. */
  setPixels(image: ArrayLike<number>): void {
    if (image.length !== SIDE * SIDE)
      throw new ConfigError(`setPixels: expected 784 values (a 28×28 image); got ${image.length}.`);
    this.drawing = Float32Array.from(image, (v) => Math.min(1, Math.max(0, v)));
    this.changed();
  }

  /** Hands the current code to the explorer named by `for` and fires `ae-code`. Returns whether there was a code. */
  sendCode(): boolean {
    const code = this.codeValues;
    const image = this.encodedImage;
    if (!code || !image || !this.opened) return false;
    emit(this, 'ae-code', { code: code.slice(), key: this.opened.key, image: image.slice() });
    if (!this.for) return true;
    const target = (this.getRootNode() as Document | ShadowRoot).getElementById?.(this.for) as AeLatentExplorer | null;
    try {
      if (target?.localName !== 'ae-latent-explorer')
        throw new ConfigError(`for: no <ae-latent-explorer id="${this.for}"> on this page; expected the id of one.`);
      target.showCode(code, 'the drawing');
      this.sendNote = `Shown in the explorer.`;
    } catch (e) {
      this.sendNote = asError(e).message;
    }
    return true;
  }

  protected override firstUpdated(): void {
    this.paint();
    super.firstUpdated();
  }

  protected override check(): void {
    super.check();
    if (!(this.brush > 0)) throw new ConfigError(`brush: expected a radius > 0 in image pixels; got ${this.brush}.`);
  }

  protected override take(model: LatentModel, origin: string): void {
    const what = model.spec.kind === 'fc' ? 'a garment' : 'a digit';
    this.enter(model, `${origin}. Draw ${what} in the box.`);
    if (this.drawing.some((v) => v > 0)) this.changed();
  }

  protected override fail(error: Error): void {
    this.message = '';
    super.fail(error);
  }

  // --- drawing ---------------------------------------------------------------------------------

  private toImage(e: PointerEvent): { x: number; y: number } {
    const rect = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    return { x: ((e.clientX - rect.left) / rect.width) * SIDE, y: ((e.clientY - rect.top) / rect.height) * SIDE };
  }

  private onDown(e: PointerEvent): void {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    e.preventDefault();
    try {
      // Keeps the stroke coming when the pen leaves the pad.
      (e.currentTarget as HTMLCanvasElement).setPointerCapture(e.pointerId);
    } catch {
      // A pointer no longer active (already lifted, or a scripted event) cannot be captured; the
      // stroke is drawn all the same, only not outside the pad.
    }
    const p = this.toImage(e);
    this.pen = { id: e.pointerId, ...p };
    strokeSegment(this.drawing, p.x, p.y, p.x, p.y, this.brush);
    this.changed();
  }

  private onMove(e: PointerEvent): void {
    if (!this.pen || e.pointerId !== this.pen.id) return;
    const p = this.toImage(e);
    strokeSegment(this.drawing, this.pen.x, this.pen.y, p.x, p.y, this.brush);
    this.pen = { id: e.pointerId, ...p };
    this.changed();
  }

  private onUp(e: PointerEvent): void {
    if (this.pen && e.pointerId === this.pen.id) this.pen = null;
  }

  /** Keyboard drawing: Enter or Space lowers or lifts the pen (lowering draws a dot), arrows move it (Shift: 3 pixels). */
  private onKey(e: KeyboardEvent): void {
    const step = e.shiftKey ? 3 : 1;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const from = this.keyPen;
    const move = moves[e.key];
    if (move) {
      const x = Math.min(SIDE - 1, Math.max(0, from.x + move[0]));
      const y = Math.min(SIDE - 1, Math.max(0, from.y + move[1]));
      this.keyPen = { ...from, x, y };
      if (from.down) {
        strokeSegment(this.drawing, from.x + 0.5, from.y + 0.5, x + 0.5, y + 0.5, this.brush);
        this.changed();
      }
    } else if (e.key === 'Enter' || e.key === ' ') {
      this.keyPen = { ...from, down: !from.down };
      if (!from.down) {
        strokeSegment(this.drawing, from.x + 0.5, from.y + 0.5, from.x + 0.5, from.y + 0.5, this.brush);
        this.changed();
      }
    } else return;
    e.preventDefault();
  }

  private paint(): void {
    if (this.padCanvas) paintGray(this.padCanvas, this.drawing);
  }

  /** The drawing changed: repaint it, and encode it once the encoding in flight (if any) is done. */
  private changed(): void {
    this.paint();
    this.sendNote = '';
    if (this.status !== 'ready') return;
    this.requestWork((model) => this.encode(model));
  }

  /** Encodes the drawing and decodes its code; false when `model` was let go of meanwhile. */
  private async encode(model: LatentModel): Promise<boolean> {
    const image = this.drawing.slice();
    const code = await model.encodeOne(image);
    const recon = await model.decodeOne(code);
    if (model !== this.opened) return false;
    this.encodedImage = image;
    this.recon = recon;
    this.codeValues = code;
    await this.updateComplete;
    if (this.reconCanvas) paintGray(this.reconCanvas, recon);
    return true;
  }

  // --- rendering -------------------------------------------------------------------------------

  protected override render() {
    const ready = this.status === 'ready';
    return html`<section part="base" aria-busy=${this.status === 'loading' ? 'true' : 'false'}>
      <div part="controls">
        ${this.renderStart()}
        <button type="button" data-action="clear" @click=${() => this.clear()}>Clear</button>
        ${
          this.for || ready
            ? html`<button type="button" data-action="send" ?disabled=${!this.codeValues} @click=${() => this.sendCode()}>
              Show in explorer
            </button>`
            : nothing
        }
        ${this.sendNote ? html`<span class="muted">${this.sendNote}</span>` : nothing}
      </div>
      ${this.renderStatus('Press Start to open a trained model; you can draw already.')}
      <div class="row">
        <figure>
          <div class="pad-wrap">
            <canvas
              part="pad"
              class="pixels"
              width=${SIDE}
              height=${SIDE}
              tabindex="0"
              role="application"
              aria-roledescription="drawing pad"
              aria-label="Drawing pad: draw with the mouse, a pen or a finger; or with the keyboard: Enter or Space lifts and lowers the pen, the arrow keys move it"
              @pointerdown=${(e: PointerEvent) => this.onDown(e)}
              @pointermove=${(e: PointerEvent) => this.onMove(e)}
              @pointerup=${(e: PointerEvent) => this.onUp(e)}
              @pointercancel=${(e: PointerEvent) => this.onUp(e)}
              @keydown=${(e: KeyboardEvent) => this.onKey(e)}
            ></canvas>
            <div
              class=${this.keyPen.down ? 'cursor down' : 'cursor'}
              style=${`left:${((this.keyPen.x + 0.5) / SIDE) * 100}%;top:${((this.keyPen.y + 0.5) / SIDE) * 100}%`}
              aria-hidden="true"
            ></div>
          </div>
          <figcaption>Your drawing (28×28)</figcaption>
        </figure>
        <figure>
          <canvas part="reconstruction" class="pixels" width=${SIDE} height=${SIDE} role="img" aria-label="The model's reconstruction of the drawing"></canvas>
          <figcaption>Reconstruction</figcaption>
        </figure>
        <figure class="code">
          ${this.renderCode()}
          <figcaption>Code${this.codeValues ? ` (${this.codeValues.length} values)` : ''}</figcaption>
        </figure>
      </div>
    </section>`;
  }

  private renderCode() {
    const code = this.codeValues;
    const n = code?.length ?? this.opened?.latent ?? 0;
    if (!code || n === 0)
      return html`<div part="code" class="empty muted">${ready(this.status) ? 'Draw to see the code.' : '—'}</div>`;
    const scale = Math.max(1e-6, ...Array.from(code, Math.abs));
    const w = 100 / n;
    const label = `Code: ${Array.from(code, (v, j) => `z${j + 1} ${v.toPrecision(3)}`).join(', ')}`;
    return html`<svg part="code" viewBox="0 0 100 60" preserveAspectRatio="none" role="img" aria-label=${label}>
      <line x1="0" x2="100" y1="30" y2="30" class="axis"></line>
      ${Array.from(code, (v, j) => {
        const h = (Math.abs(v) / scale) * 28;
        return svg`<rect x=${j * w + w * 0.15} width=${w * 0.7} y=${v >= 0 ? 30 - h : 30} height=${Math.max(h, 0.3)}><title>z${j + 1} = ${v.toPrecision(4)}</title></rect>`;
      })}
    </svg>`;
  }
}

const ready = (status: string) => status === 'ready';
