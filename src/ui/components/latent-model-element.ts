// latent-model-element.ts: LatentModelElement, the base of the elements that open one trained
// autoencoder (<ae-latent-explorer>, <ae-drawing-pad>): the model attributes, opening it once (from
// the model store or trained quickly, shared between elements asking for the same model) with
// progress, failure and letting go when the element leaves the page, a latest-request-wins loop of
// GPU work on the open model, and the shared status, progress, failure and Start markup. Imports lit,
// experiments (latent-codes, runtime, types), util errors, ../events, ../model-store and the
// explorer's model-source and gray modules.
import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { LatentModel, LatentModelKind } from '../../experiments/latent-codes';
import { getRuntime, type RuntimeProvider } from '../../experiments/runtime';
import type { Progress, Scale } from '../../experiments/types';
import { ConfigError } from '../../util/errors';
import { resolveDataBaseUrl } from '../data-base-url';
import { asError, emit } from '../events';
import { modelStore, type ModelStore } from '../model-store';
import { describeFailure } from './ae-latent-explorer/gray';
import { acquireModel, type OpenedModel } from './ae-latent-explorer/model-source';

export type LatentModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export abstract class LatentModelElement extends LitElement {
  /** Which autoencoder: 'fc' (Fashion-MNIST, first report) or 'conv' (MNIST, second report). */
  @property() model: LatentModelKind = 'fc';
  /** Latent size of the model to use; 0 takes any stored one (8 when one must be trained). */
  @property({ type: Number }) latent = 0;
  /** A model-store key to use (e.g. `fc:latent=8:act=leakyRelu:slope=0.5:opt=adam:loss=mse:seed=0`); '' chooses. */
  @property() weights = '';
  /** The labs' scale: its stored models come first, and a quick training run uses its settings. */
  @property() scale: Scale = 'tiny';
  /** Open the model as soon as the element is in the page (else a Start button does). */
  @property({ type: Boolean }) autostart = false;
  /** Where the prepared datasets are served; '' follows the page-wide rule. */
  @property({ attribute: 'data-base-url' }) dataBaseUrl = '';
  /** Where the GPU runtime comes from. */
  @property({ attribute: false }) runtimeProvider: RuntimeProvider = getRuntime;
  /** Where trained weights are read and kept; null trains a model for this page only. */
  @property({ attribute: false }) store: ModelStore | null = modelStore;
  /** 'idle' | 'loading' | 'ready' | 'error', reflected for page CSS. */
  @property({ reflect: true }) status: LatentModelStatus = 'idle';

  @state() protected message = '';
  @state() protected progressFraction: number | undefined = undefined;
  @state() protected failure: Error | null = null;

  /** The open model (null until ready, and again once the element leaves the page). */
  protected opened: LatentModel | null = null;
  /** The `task` of this element's ae-error events. */
  protected abstract readonly errorTask: string;

  private release: (() => void) | null = null;
  private attempt = 0;
  private starting: Promise<void> | null = null;
  private pending = false;
  private busy = false;
  private work: Promise<void> = Promise.resolve();

  /** Opens the model (once). Resolves when ready, or after a failure is shown. */
  start(): Promise<void> {
    this.starting ??= this.open();
    return this.starting;
  }

  /** The model in use (null until ready). */
  get latentModel(): LatentModel | null {
    return this.opened;
  }

  /** Resolves when the GPU work asked for so far (see requestWork) is done and shown. */
  async settled(): Promise<void> {
    await this.updateComplete;
    await this.work;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.attempt++;
    this.release?.();
    this.release = null;
    this.opened = null;
    this.starting = null;
    if (this.status !== 'error') this.status = 'idle';
  }

  protected override firstUpdated(): void {
    if (this.autostart) void this.start();
  }

  /** Checks the attributes before opening; throws a ConfigError naming the bad one. */
  protected check(): void {
    if (this.model !== 'fc' && this.model !== 'conv')
      throw new ConfigError(`model: unknown value "${this.model}"; expected fc or conv.`);
  }

  /**
   * Takes the model in once it is open: whatever else the element needs first (returning early
   * when `current()` turns false after an await: the element has left the page or started over),
   * then `enter(model, message)`. `origin` says where the model came from ('Stored model "key"').
   * Throwing shows the failure.
   */
  protected abstract take(model: LatentModel, origin: string, current: () => boolean): Promise<void> | void;

  /** Makes `model` the one in use and the element ready, with `message` on the status line. */
  protected enter(model: LatentModel, message: string): void {
    this.opened = model;
    this.status = 'ready';
    this.progressFraction = undefined;
    this.message = message;
  }

  protected fail(error: Error): void {
    this.failure = error;
    this.status = 'error';
    emit(this, 'ae-error', { task: this.errorTask, error });
  }

  /**
   * Runs `step` on the open model, and again while more requests came in as it ran (they collapse
   * into one). `step` returns false to stop (its model was let go of). A failure is shown, unless
   * the model was let go of (the element left the page): that ends the loop quietly.
   */
  protected requestWork(step: (model: LatentModel) => Promise<boolean>): void {
    this.pending = true;
    if (this.busy) return;
    this.busy = true;
    this.work = (async () => {
      try {
        while (this.pending && this.opened) {
          this.pending = false;
          if (!(await step(this.opened))) return;
        }
      } catch (e) {
        if (this.opened) this.fail(asError(e));
      } finally {
        this.busy = false;
      }
    })();
  }

  private async open(): Promise<void> {
    const attempt = ++this.attempt;
    const current = () => attempt === this.attempt;
    this.status = 'loading';
    this.failure = null;
    this.message = 'Starting the GPU…';
    try {
      this.check();
      const runtime = await this.runtimeProvider();
      if (!current()) return;
      const { opened, release } = acquireModel(
        runtime,
        this.store,
        {
          kind: this.model,
          latent: this.latent,
          weights: this.weights,
          scale: this.scale,
          dataBaseUrl: resolveDataBaseUrl(this.dataBaseUrl),
        },
        (p) => current() && this.onProgress(p),
      );
      this.release = release;
      const { model, source }: OpenedModel = await opened;
      if (!current()) return;
      await this.take(model, `${source === 'store' ? 'Stored' : 'Newly trained'} model "${model.key}"`, current);
    } catch (e) {
      if (!current()) return;
      this.release?.();
      this.release = null;
      this.starting = null;
      this.message = '';
      this.fail(asError(e));
    }
  }

  private onProgress(p: Progress): void {
    this.message = p.message || this.message;
    this.progressFraction = p.step !== undefined && p.steps ? p.step / p.steps : undefined;
    emit(this, 'ae-progress', {
      task: 'latent-model',
      message: p.message,
      stage: p.stage,
      epoch: p.epoch,
      epochs: p.epochs,
      step: p.step,
      total: p.steps,
      loss: p.loss,
    });
  }

  // --- shared markup ---------------------------------------------------------------------------

  /** The Start (or Try again) button until the model is ready. */
  protected renderStart() {
    return this.status === 'ready'
      ? nothing
      : html`<button type="button" class="primary" ?disabled=${this.status === 'loading'} @click=${() => void this.start()}>
          ${this.status === 'error' ? 'Try again' : 'Start'}
        </button>`;
  }

  /** The status line (`idle` while idle, else the message), the progress bar while loading, and the failure. */
  protected renderStatus(idle: string) {
    return html`<p part="status" role="status" aria-live="polite">${this.status === 'idle' ? idle : this.message}</p>
      ${this.status === 'loading' ? html`<progress max="1" value=${this.progressFraction ?? nothing} aria-label="Progress"></progress>` : nothing}
      ${this.failure ? this.renderFailure(this.failure) : nothing}`;
  }

  private renderFailure(error: Error) {
    const f = describeFailure(error);
    return html`<div part="error" role="alert">
      <strong>${f.headline}</strong>
      <p>${f.todo}</p>
      <p class="detail">Details: <code>${f.detail}</code></p>
    </div>`;
  }
}
