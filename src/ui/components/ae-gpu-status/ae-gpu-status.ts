// ae-gpu-status.ts: <ae-gpu-status>, which adapter the page trains on, or why it cannot.
// Imports lit, ../../events and experiments/runtime (never gpu directly).
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import {
  describeAdapter,
  getRuntime,
  runtimeFailure,
  type AdapterDescription,
  type RuntimeFailure,
  type RuntimeProvider,
} from '../../../experiments/runtime';
import { asError, emit } from '../../events';
import { gpuStatusStyles } from './ae-gpu-status.styles';

/** What to tell a person for each kind of failure: a headline and what to do about it. */
export const ADVICE: Record<RuntimeFailure, { headline: string; todo: string }> = {
  'no-api': {
    headline: 'This browser does not offer WebGPU.',
    todo:
      'Open the page in Chrome or Edge 113 or newer on a desktop computer (in Safari or Firefox, switch WebGPU on first). ' +
      'On Linux, Chrome also needs the --enable-unsafe-webgpu flag. The page chrome://gpu shows whether WebGPU is available.',
  },
  'no-adapter': {
    headline: 'WebGPU is present, but no GPU adapter is available.',
    todo:
      'Turn on hardware acceleration in the browser settings, update the graphics driver, and reload. ' +
      'Use Chrome or Edge 113 or newer; the page chrome://gpu lists the WebGPU status and any blocked driver.',
  },
  'device-failed': {
    headline: 'The GPU adapter could not create a device.',
    todo: 'Close other GPU-heavy tabs and try again. If it keeps failing, check chrome://gpu in Chrome or Edge 113 or newer.',
  },
  'device-lost': {
    headline: 'The GPU device was lost.',
    todo: 'Driver resets and sleeping laptops cause this. Press "Try again" or reload the page to get a new device.',
  },
  other: {
    headline: 'The GPU could not be started.',
    todo: 'Use Chrome or Edge 113 or newer and check chrome://gpu; the details below name the failure.',
  },
};

const KIB = 1024;
const formatBytes = (n: number): string =>
  n >= KIB ** 3
    ? `${(n / KIB ** 3).toFixed(1)} GiB`
    : n >= KIB ** 2
      ? `${(n / KIB ** 2).toFixed(0)} MiB`
      : `${(n / KIB).toFixed(0)} KiB`;

/**
 * @summary Acquires the page's shared GPU runtime and shows the adapter in use, or a readable
 * explanation (what is missing and what to do) when WebGPU or an adapter is unavailable.
 *
 * @fires ae-done - `{ task: 'gpu', adapter }` once the device is ready.
 * @fires ae-error - `{ task: 'gpu', error }` when it cannot be acquired or is lost later.
 * @csspart base - the status box.
 * @csspart adapter - the adapter's one-line name.
 * @csspart error - the failure box (role="alert"), in place of `base`.
 * @cssproperty --ae-ok-color, --ae-warn-color, --ae-error-color, --ae-error-background, --ae-border-color, --ae-accent-color
 */
@customElement('ae-gpu-status')
export class AeGpuStatus extends LitElement {
  static override styles = gpuStatusStyles;

  /** Where the runtime comes from; the page's shared getRuntime() unless replaced (tests, embedding). */
  @property({ attribute: false }) gpuProvider: RuntimeProvider = getRuntime;

  /** 'pending' | 'ready' | 'error', reflected so page CSS can react to it. */
  @property({ reflect: true }) status: 'pending' | 'ready' | 'error' = 'pending';

  @state() private adapter: AdapterDescription | null = null;
  @state() private error: Error | null = null;

  private attempt = 0;
  private unsubscribe: (() => void) | null = null;

  /** Asks the provider again (after a failure or a lost device). Resolves when settled. */
  async refresh(): Promise<void> {
    const attempt = ++this.attempt;
    this.release();
    this.status = 'pending';
    this.adapter = null;
    this.error = null;
    try {
      const runtime = await this.gpuProvider();
      if (attempt !== this.attempt) return;
      this.adapter = describeAdapter(runtime);
      this.status = 'ready';
      this.unsubscribe = runtime.gpu.onFatal(() => {
        if (runtime.gpu.lostError && attempt === this.attempt) this.fail(runtime.gpu.lostError);
      });
      emit(this, 'ae-done', { task: 'gpu', adapter: this.adapter });
    } catch (e) {
      if (attempt === this.attempt) this.fail(asError(e));
    }
  }

  private fail(error: Error): void {
    this.release();
    this.error = error;
    this.adapter = null;
    this.status = 'error';
    emit(this, 'ae-error', { task: 'gpu', error });
  }

  private release(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // The first update sees the initial provider too, so this also starts the first attempt.
    if (changed.has('gpuProvider')) void this.refresh();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Reconnected after a disconnect: start again (the first connection goes through willUpdate).
    if (this.hasUpdated && !this.unsubscribe && this.status !== 'error') void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.attempt++;
    this.release();
  }

  protected override render() {
    if (this.status === 'error' && this.error) return this.renderError(this.error);
    if (this.status === 'ready' && this.adapter) return this.renderAdapter(this.adapter);
    return html`<div part="base" class="box pending" role="status">
      <p class="headline"><span class="dot" aria-hidden="true"></span>Looking for a WebGPU adapter…</p>
    </div>`;
  }

  private renderAdapter(a: AdapterDescription) {
    const rows: [string, string][] = [
      ['Vendor', a.vendor || '—'],
      ['Architecture', a.architecture || '—'],
      ['Device', a.device || '—'],
      ['Description', a.description || '—'],
      ['Fallback (CPU) adapter', a.isFallback ? 'yes' : 'no'],
      ['Max buffer size', formatBytes(a.limits.maxBufferSize)],
      ['Max storage binding', formatBytes(a.limits.maxStorageBufferBindingSize)],
      ['Workgroup memory', formatBytes(a.limits.maxComputeWorkgroupStorageSize)],
      ['Invocations per workgroup', String(a.limits.maxComputeInvocationsPerWorkgroup)],
      ['Optional features', a.features.length ? a.features.join(', ') : 'none'],
    ];
    return html`<div part="base" class="box" role="status">
      <p class="headline">
        <span class="dot" aria-hidden="true"></span><strong>WebGPU ready</strong><span>on</span>
        <span part="adapter" class="adapter">${a.name}</span>
      </p>
      ${
        a.isFallback
          ? html`<p class="note">
            This is a software (CPU) adapter: everything runs, but training is far slower than on a real GPU.
          </p>`
          : nothing
      }
      <details>
        <summary>Adapter details</summary>
        <dl>${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
      </details>
    </div>`;
  }

  private renderError(error: Error) {
    const advice = ADVICE[runtimeFailure(error)];
    return html`<div part="error" class="box" role="alert">
      <h2>${advice.headline}</h2>
      <p>${advice.todo}</p>
      <p class="detail">Details: <code>${error.message}</code></p>
      <button type="button" @click=${() => void this.refresh()}>Try again</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ae-gpu-status': AeGpuStatus;
  }
}
