// ae-experiment.ts: <ae-experiment>, one experiment of the reports run live in the page — its config
// from attributes (validated before any work), Start / Stop / Resume, a progress line, live training
// curves, and the results when it ends. Trained weights go to the page's model store and come back
// as ctx.weights, so later runs (here or in another element) reuse them. Imports lit, experiments
// (registry, runtime, types), util errors, ../../events, ../../model-store and sibling components.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { type ConfigSchema, DEFAULT_SCALE, SCALES, schemaKeys, userDataText } from '../../../experiments/kit/index';
import { findExperiment } from '../../../experiments/registry';
import { getRuntime, recoverRuntime, type Runtime, type RuntimeProvider } from '../../../experiments/runtime';
import type {
  ExperimentContext,
  ExperimentDef,
  ExperimentResult,
  Progress,
  Scale,
  UserDataset,
} from '../../../experiments/types';
import { ConfigError } from '../../../util/errors';
import { resolveDataBaseUrl } from '../../data-base-url';
import { asError, emit } from '../../events';
import { modelStore, type ModelStore } from '../../model-store';
import { type AeChart, formatValue } from '../ae-chart/ae-chart';
import { ADVICE } from '../ae-gpu-status/ae-gpu-status';
import { experimentStyles } from './ae-experiment.styles';
import { linkTo } from './address';
import { configFromAttributes, isConfigAttribute, keyToAttribute } from './config-attributes';
import { countStored, offerStored, persistWeights } from './offered-weights';
import { formatDuration, renderResult } from './results';
import { RunStore, settingText } from './runs';
import { fieldErrors, fieldText, lockedKeys, renderSettings, specOf } from './settings';
import { forgetUserData, keepUserData, keptUserData, readUserData } from './user-data';
import { configText, explain, renderFailure, resumeNote, statusText, type Failure } from './view';

/** At most one ae-progress event per this many milliseconds (a new stage always gets one). */
const PROGRESS_EVENT_MS = 200;

/** Id of the live chart of per-step training loss (from Progress.step and .loss). */
const STEP_CHART = 'steps';

type Phase = 'idle' | 'running' | 'stopping' | 'done' | 'stopped' | 'failed';

/** A valid config, or the error that refused it (with the experiment, when it was found). */
type Resolved = { def: ExperimentDef<object>; config: object } | { error: Error; found?: ExperimentDef<object> };

/**
 * @summary Runs one experiment of the reports in the page. Attributes other than its own are config
 * keys (kebab-case: `latent`, `latents`, `optimizer`, `activation`, `slope`, `loss`, `epochs`, `batch`,
 * `lr`, `train-size`, `test-size`, `seed`, `seeds`, `capacity`, `capacities`, `weights`, …), read by the
 * experiment's config schema (the type, range or choices of each key; `npm run experiment -- <name>
 * --help` lists them) and checked by its validate() before any GPU work; a bad value is shown in
 * `part="error"` with the same message the command line gives. Start / Stop / Resume control the run; the progress line and live
 * curves follow it; the results (notes, charts, images, heat maps, tables) appear when it ends.
 *
 * @fires ae-progress - `{ task: 'experiment', experiment, stage, message, epoch, epochs, step, total, loss, samplesPerSec, etaSeconds }`, at most every 200 ms.
 * @fires ae-done - `{ task: 'experiment', experiment, result, stopped }` when a run returns (also after Stop, with what it has).
 * @fires ae-error - `{ task: 'experiment', error, message }` for a bad config, a missing GPU or a failed run.
 * @csspart base - the card around everything.
 * @csspart controls - the buttons and the reuse switch.
 * @csspart status - the progress line (aria-live).
 * @csspart error - the failure message (role="alert").
 * @csspart chart - the live training curves.
 * @csspart results - what the finished run produced.
 * @cssproperty --ae-accent - colour of the Start button, focus rings and the progress bar.
 * @cssproperty --ae-series-1 - … `--ae-series-6`: curve colours (inherited by every <ae-chart>).
 * @cssproperty --ae-chart-height - height of each chart (default 240px).
 */
@customElement('ae-experiment')
export class AeExperiment extends LitElement {
  static override styles = experimentStyles;

  /** Registry name of the experiment, e.g. "fc-train" (fixed by the per-experiment elements). */
  @property() experiment = '';
  /** Defaults to start from: 'tiny' (seconds), 'small' (default; about a minute on a laptop GPU), 'full' (the reports'). */
  @property() scale: Scale = DEFAULT_SCALE;
  /** Start as soon as the element is in the page. */
  @property({ type: Boolean }) autostart = false;
  /** Train everything anew: start with "reuse stored models" switched off. */
  @property({ type: Boolean }) fresh = false;
  /** Where the prepared datasets are served; '' follows the page-wide rule of src/ui/data-base-url.ts. */
  @property({ attribute: 'data-base-url' }) dataBaseUrl = '';
  /** Config keys set from script, over the attributes. */
  @property({ attribute: false }) config: Record<string, unknown> = {};
  /** The experiment itself, instead of looking `experiment` up in the registry (tests, embedding). */
  @property({ attribute: false }) definition: ExperimentDef<object> | null = null;
  /** Where the GPU runtime comes from; the page's shared one unless replaced. */
  @property({ attribute: false }) runtimeProvider: RuntimeProvider = getRuntime;
  /** Where trained weights are kept; null keeps nothing. */
  @property({ attribute: false }) store: ModelStore | null = modelStore;
  /** Hide the settings panel (the config still comes from the attributes). */
  @property({ type: Boolean, attribute: 'no-settings' }) noSettings = false;
  /** Config keys the settings panel shows but does not let the learner change, e.g. "lr,epochs". */
  @property() locked = '';
  /** The learner's own images, trained on instead of the bundled dataset; null uses the bundled one. */
  @property({ attribute: false }) userData: UserDataset | null = null;
  /** The runs this lab remembers for comparison. */
  readonly runs = new RunStore();

  @state() private phase: Phase = 'idle';
  @state() private progress: Progress | null = null;
  @state() private failure: Failure | null = null;
  @state() private result: ExperimentResult | null = null;
  @state() private liveCharts: string[] = [];
  @state() private reuse = true;
  @state() private storedCount = 0;
  @state() private reused: string[] = [];
  @state() private resumeNote = '';
  @state() private storeNote = '';
  @state() private runsTick = 0;
  @state() private keepData = false;
  @state() private dataNote = '';
  @state() private dataError = '';
  @state() private link = '';
  @state() private linkNote = '';
  /** Bumped when a config attribute changes, so `updated()` sees it. */
  @state() protected attributeTick = 0;

  /** Set by the per-experiment elements; wins over the `experiment` attribute. */
  protected fixedExperiment: string | null = null;

  private resolved: Resolved | null = null;
  private lastReportedError = '';
  private abort: AbortController | null = null;
  private runId = 0;
  private running$: Promise<ExperimentResult | null> = Promise.resolve(null);
  private savedByLastRun: string[] = [];
  private livePoints = new Map<string, { series: string; x: number; y: number }[]>();
  private lastProgressEvent = 0;
  private lastStage = '';
  private observer: MutationObserver | null = null;
  private readonly onStoreChange = () => void this.countStored();

  /** True while a run is in progress (also reflected as the `running` attribute). */
  get running(): boolean {
    return this.phase === 'running' || this.phase === 'stopping';
  }

  /** The experiment's config as it would run now (after validation), or null when it is invalid. */
  get effectiveConfig(): object | null {
    const r = this.resolve();
    return 'config' in r ? r.config : null;
  }

  /** The result of the last run that returned one. */
  get lastResult(): ExperimentResult | null {
    return this.result;
  }

  /** Starts a run (trained models stored at this scale are reused when the switch is on). Resolves with its result, or null. */
  start(): Promise<ExperimentResult | null> {
    return this.launch(false);
  }

  /** Runs again after a stop, reusing the models the stopped run finished (the experiment trains the rest). */
  resume(): Promise<ExperimentResult | null> {
    return this.launch(true);
  }

  /** Stops the run; it returns what it has computed so far. Resolves when the run has ended. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.phase = 'stopping';
    this.abort?.abort();
    await this.running$;
  }

  /** Forgets the last result and curves (not the stored models). */
  async reset(): Promise<void> {
    await this.stop();
    this.phase = 'idle';
    this.result = null;
    this.progress = null;
    this.failure = null;
    this.resumeNote = '';
    this.clearLive();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.reuse = !this.fresh;
    this.observer = new MutationObserver((records) => {
      if (records.some((r) => r.attributeName && isConfigAttribute(r.attributeName))) this.attributeTick++;
    });
    this.observer.observe(this, { attributes: true });
    this.store?.addEventListener('change', this.onStoreChange);
    void this.countStored();
    void this.restoreUserData();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.observer = null;
    this.store?.removeEventListener('change', this.onStoreChange);
    // Removed mid-run: abort it, and let nothing it returns touch this element any more.
    this.runId++;
    this.abort?.abort();
    this.abort = null;
    if (this.running) {
      this.phase = 'stopped';
      this.progress = {
        experiment: this.progress?.experiment ?? this.experiment,
        stage: 'stopped',
        message: 'Stopped: the element was removed from the page.',
      };
    }
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('store')) {
      (changed.get('store') as ModelStore | null | undefined)?.removeEventListener('change', this.onStoreChange);
      this.store?.addEventListener('change', this.onStoreChange);
      void this.countStored();
    }
    if (['experiment', 'scale', 'config', 'definition', 'attributeTick'].some((k) => changed.has(k))) {
      this.resolved = null;
      const r = this.resolve();
      if ('error' in r && !this.running) this.report(explain(r.error));
      else if ('config' in r && this.failure?.config) this.failure = null;
      if (changed.has('scale')) void this.countStored();
    }
  }

  protected override firstUpdated(): void {
    if (this.autostart) void this.start();
  }

  protected override updated(): void {
    this.toggleAttribute('running', this.running);
    // Points that arrived before their chart existed.
    for (const chart of this.shadowRoot!.querySelectorAll<AeChart>('[part="chart"] ae-chart')) {
      const pending = this.livePoints.get(chart.dataset.chart!);
      if (!pending?.length) continue;
      for (const p of pending) chart.append(p.series, p.x, p.y);
      pending.length = 0;
    }
  }

  private resolve(): Resolved {
    if (this.resolved) return this.resolved;
    let found: ExperimentDef<object> | undefined;
    try {
      const name = this.fixedExperiment ?? this.experiment;
      if (!this.definition && !name)
        throw new ConfigError(
          'ae-experiment: no experiment chosen; expected an experiment="…" attribute naming one, got none.',
        );
      const def = this.definition ?? findExperiment(name);
      found = def;
      if (!SCALES.includes(this.scale))
        throw new ConfigError(`scale: unknown value "${this.scale}"; expected one of ${SCALES.join(', ')}.`);
      const partial = configFromAttributes(this, def.schema ? 'text' : def.defaults(this.scale), this.config);
      this.resolved = { def, config: def.validate(partial, this.scale) };
    } catch (e) {
      this.resolved = { error: asError(e), ...(found ? { found } : {}) };
    }
    return this.resolved;
  }

  private report(failure: Failure): void {
    this.failure = failure;
    const { error } = failure;
    const message = error.message;
    if (message === this.lastReportedError) return;
    this.lastReportedError = message;
    emit(this, 'ae-error', { task: 'experiment', error, message });
  }

  private async launch(resume: boolean): Promise<ExperimentResult | null> {
    if (this.running) return this.running$;
    this.resolved = null;
    const r = this.resolve();
    if ('error' in r) {
      this.lastReportedError = '';
      this.report(explain(r.error));
      return null;
    }
    const id = ++this.runId;
    const abort = new AbortController();
    this.abort = abort;
    this.phase = 'running';
    this.failure = null;
    this.lastReportedError = '';
    this.result = null;
    this.reused = [];
    this.resumeNote = '';
    this.storeNote = '';
    this.clearLive();
    this.progress = { experiment: r.def.name, stage: 'start', message: 'Starting the GPU…' };
    // An experiment told to always train (weights "train") reuses what the stopped run finished on Resume.
    const own = trainsOwn(r.config);
    const config = resume && own ? { ...r.config, weights: 'auto' } : r.config;
    // Stored weights on offer: all of this scale when reuse is on, unless the experiment trains its
    // own; on Resume also those the stopped run saved.
    const offer = { reuse: this.reuse && !own, keep: resume ? this.savedByLastRun : [] };
    this.running$ = this.execute(id, abort, r.def, config, offer);
    return this.running$;
  }

  private async execute(
    id: number,
    abort: AbortController,
    def: ExperimentDef<object>,
    config: object,
    stored: { reuse: boolean; keep: string[] },
  ): Promise<ExperimentResult | null> {
    const current = () => id === this.runId;
    let runtime: Runtime;
    try {
      runtime = await this.runtimeProvider();
    } catch (e) {
      if (current()) this.fail(asError(e));
      return null;
    }
    if (!current()) return null;
    if (abort.signal.aborted) {
      this.phase = 'stopped';
      this.progress = { experiment: def.name, stage: 'stopped', message: 'Stopped before the experiment began.' };
      return null;
    }
    // Models trained on the learner's own images are neither taken from nor put in the store.
    const userData = this.userData;
    const offer = this.store && !userData ? await offerStored(this.store, this.scale, stored.reuse, stored.keep) : null;
    if (offer?.warning) this.storeNote = offer.warning;
    const offered = offer?.weights;
    const ctx: ExperimentContext = {
      runtime,
      signal: abort.signal,
      dataBaseUrl: resolveDataBaseUrl(this.dataBaseUrl),
      weights: offered ?? undefined,
      data: userData ?? undefined,
      onProgress: (p) => current() && this.onProgress(p),
      // A lost device mid-training resumes from the last checkpoint on a new one; the status line says so.
      recover: recoverRuntime,
    };
    try {
      const result = await def.run(ctx, config);
      if (!current()) return result;
      const stopped = abort.signal.aborted;
      this.result = result;
      this.reused = offered?.used ?? [];
      this.phase = stopped ? 'stopped' : 'done';
      this.progress = {
        experiment: def.name,
        stage: stopped ? 'stopped' : 'done',
        message: stopped
          ? 'Stopped; the results below cover the part that ran.'
          : `Finished in ${formatDuration(result.elapsedMs / 1000)}.`,
      };
      const kept =
        this.store && !userData
          ? await persistWeights(this.store, this.scale, result, stopped)
          : { saved: [], warning: '' };
      this.runs.add(result, stopped);
      this.runsTick++;
      this.savedByLastRun = kept.saved;
      if (kept.warning) this.storeNote = kept.warning;
      if (stopped) this.resumeNote = resumeNote(kept.saved.length);
      emit(this, 'ae-done', { task: 'experiment', experiment: def.name, result, stopped });
      return result;
    } catch (e) {
      if (!current()) return null;
      if (abort.signal.aborted) {
        this.phase = 'stopped';
        this.progress = { experiment: def.name, stage: 'stopped', message: 'Stopped before any result was ready.' };
        this.resumeNote = resumeNote(0);
        return null;
      }
      this.fail(asError(e));
      return null;
    } finally {
      if (this.abort === abort) this.abort = null;
    }
  }

  private async countStored(): Promise<void> {
    this.storedCount = await countStored(this.store, this.scale);
  }

  private fail(error: Error): void {
    this.phase = 'failed';
    this.progress = null;
    this.lastReportedError = '';
    this.report(explain(error));
  }

  private onProgress(p: Progress): void {
    this.progress = p;
    if (p.point) this.plotLive(p.point.chart, p.point.series, p.point.x, p.point.y);
    // Training steps whose loss was read: a finer live curve than the per-epoch points.
    else if (p.step !== undefined && p.loss !== undefined)
      this.plotLive(STEP_CHART, p.stage.replace(/^train /, ''), p.step, p.loss);
    const now = performance.now();
    if (p.stage !== this.lastStage || now - this.lastProgressEvent >= PROGRESS_EVENT_MS) {
      this.lastStage = p.stage;
      this.lastProgressEvent = now;
      emit(this, 'ae-progress', {
        task: 'experiment',
        experiment: p.experiment,
        stage: p.stage,
        message: p.message,
        epoch: p.epoch,
        epochs: p.epochs,
        step: p.step,
        total: p.steps,
        loss: p.loss,
        samplesPerSec: p.samplesPerSec,
        etaSeconds: p.etaSeconds,
      });
    }
  }

  private plotLive(chart: string, series: string, x: number, y: number): void {
    if (!this.liveCharts.includes(chart)) this.liveCharts = [...this.liveCharts, chart];
    const el = this.shadowRoot?.querySelector<AeChart>(`[part="chart"] ae-chart[data-chart="${CSS.escape(chart)}"]`);
    if (el) el.append(series, x, y);
    else this.livePoints.set(chart, [...(this.livePoints.get(chart) ?? []), { series, x, y }]);
  }

  private clearLive(): void {
    this.liveCharts = [];
    this.livePoints.clear();
    this.lastStage = '';
    this.shadowRoot?.querySelectorAll<AeChart>('[part="chart"] ae-chart').forEach((c) => c.clear());
  }

  private async forgetStored(): Promise<void> {
    if (!this.store) return;
    const keys = (await this.store.list()).filter((i) => i.scale === this.scale).map((i) => i.key);
    for (const k of keys) await this.store.remove(k);
  }

  protected override render() {
    const r = this.resolve();
    const def = 'def' in r ? r.def : null;
    const known = def ?? ('found' in r ? (r.found ?? null) : null);
    const noGpu = typeof navigator !== 'undefined' && !('gpu' in navigator);
    const showLive = this.liveCharts.length > 0 && !(this.phase === 'done' && this.result?.charts.length);
    return html`<section part="base" aria-busy=${this.running ? 'true' : 'false'}>
      ${
        known
          ? html`<header><h3>${known.title}</h3><p>${known.description}</p></header>`
          : html`<header><h3>${this.fixedExperiment ?? this.experiment ?? 'Experiment'}</h3></header>`
      }
      ${'config' in r ? html`<p class="config" title="Set these as attributes (kebab-case)">${configText(this.scale, r.config)}${this.userData ? ` · data ${userDataText(this.userData)}` : ''}</p>` : nothing}
      ${known?.schema && !this.noSettings ? this.renderPanel(known as ExperimentDef<object> & { schema: ConfigSchema<object> }, r) : nothing}
      ${known && !this.noSettings ? this.renderData() : nothing}
      ${this.renderControls(Boolean(def) && 'config' in r && !noGpu)}
      ${this.renderStatus()}
      ${noGpu && !this.failure ? renderFailure({ ...ADVICE['no-api'], error: new Error('navigator.gpu is undefined in this browser.'), config: false }) : nothing}
      ${this.failure ? renderFailure(this.failure) : nothing}
      ${this.storeNote ? html`<p class="warn">${this.storeNote}</p>` : nothing}
      ${
        showLive
          ? html`<div part="chart">${this.liveCharts.map((id) => {
              const steps = id === STEP_CHART;
              const heading = steps
                ? 'Training loss per step (live)'
                : id === 'loss'
                  ? 'Loss per epoch (live)'
                  : `${id} per epoch (live)`;
              return html`<ae-chart data-chart=${id} heading=${heading} x-label=${steps ? 'step' : 'epoch'} y-label=${steps ? 'loss' : id}></ae-chart>`;
            })}</div>`
          : nothing
      }
      ${this.result ? html`<div part="results">${renderResult(this.result, { stopped: this.phase === 'stopped', reused: this.reused })}</div>` : nothing}
      ${this.renderRuns()}
    </section>`;
  }

  /** Each schema key's text as its control shows it: the attribute as written, else the value in force. */
  private settingTexts(schema: ConfigSchema<object>, r: Resolved): Record<string, string> {
    const fromAttributes = configFromAttributes(this, 'text', {});
    const inForce = 'config' in r ? (r.config as Record<string, unknown>) : null;
    const out: Record<string, string> = {};
    for (const key of schemaKeys(schema)) {
      const spec = specOf(schema, key);
      if (key in this.config) out[key] = fieldText(this.config[key]);
      else if (key in fromAttributes) out[key] = String(fromAttributes[key]);
      else
        out[key] = fieldText(
          inForce ? inForce[key] : spec.default[SCALES.includes(this.scale) ? this.scale : DEFAULT_SCALE],
        );
    }
    return out;
  }

  /** Keys the learner may not change: the `locked` attribute's and those set from script (`config`). */
  private lockedSet(): Set<string> {
    const set = lockedKeys(this.locked);
    for (const k of Object.keys(this.config)) set.add(k);
    return set;
  }

  /** Sets one config key from the panel: its attribute, removed when the text is the scale's default. */
  private setSetting(schema: ConfigSchema<object>, key: string, text: string): void {
    if (this.running || this.lockedSet().has(key)) return;
    const spec = specOf(schema, key);
    const attr = keyToAttribute(key);
    if (SCALES.includes(this.scale) && text === fieldText(spec.default[this.scale])) this.removeAttribute(attr);
    else this.setAttribute(attr, text);
  }

  private renderPanel(def: ExperimentDef<object> & { schema: ConfigSchema<object> }, r: Resolved) {
    const schema = def.schema;
    const texts = this.settingTexts(schema, r);
    const locked = this.lockedSet();
    const attributes = configFromAttributes(this, 'text', {});
    const given: Record<string, string> = {};
    for (const k of Object.keys(attributes)) given[k] = String(attributes[k]);
    const errors = fieldErrors(def.name, schema, given, 'error' in r ? r.error : null);
    const keys = schemaKeys(schema).filter((k) => !locked.has(k));
    return renderSettings({
      experiment: def.name,
      schema,
      scale: this.scale,
      texts,
      errors,
      locked,
      running: this.running,
      onChange: (key, text) => this.setSetting(schema, key, text),
      onReportSettings: () => {
        for (const k of keys) this.setSetting(schema, k, fieldText(specOf(schema, k).default.full));
      },
      onScaleDefaults: () => {
        for (const k of keys) this.removeAttribute(keyToAttribute(k));
      },
    });
  }

  private async onFiles(form: HTMLElement): Promise<void> {
    const images = form.querySelector<HTMLInputElement>('input[data-upload="images"]')?.files?.[0] ?? null;
    const labels = form.querySelector<HTMLInputElement>('input[data-upload="labels"]')?.files?.[0] ?? null;
    if (!images) return;
    this.dataError = '';
    this.dataNote = `Reading ${images.name}…`;
    try {
      const data = await readUserData(images, labels);
      this.userData = data;
      this.dataNote = `Training on ${userDataText(data)}; it stays in this page${this.keepData ? ' and in this browser' : ''}.`;
      if (this.keepData) await keepUserData(this.storageKey(), data);
    } catch (e) {
      this.dataNote = '';
      this.dataError = asError(e).message;
    }
  }

  private storageKey(): string {
    return this.fixedExperiment ?? this.experiment;
  }

  private async restoreUserData(): Promise<void> {
    if (typeof indexedDB === 'undefined' || this.userData || !this.storageKey()) return;
    try {
      const kept = await keptUserData(this.storageKey());
      if (kept && !this.userData) {
        this.userData = kept;
        this.keepData = true;
        this.dataNote = `Training on ${userDataText(kept)}, kept in this browser.`;
      }
    } catch (e) {
      this.dataError = `Could not read the images kept in this browser: ${asError(e).message}`;
    }
  }

  private async setKeep(on: boolean): Promise<void> {
    this.keepData = on;
    try {
      if (on && this.userData) await keepUserData(this.storageKey(), this.userData);
      if (!on) await forgetUserData(this.storageKey());
    } catch (e) {
      this.dataError = `IndexedDB: ${asError(e).message}`;
    }
  }

  private async useBundled(form: HTMLElement): Promise<void> {
    this.userData = null;
    this.dataNote = '';
    this.dataError = '';
    for (const input of form.querySelectorAll<HTMLInputElement>('input[type="file"]')) input.value = '';
    if (this.keepData) await this.setKeep(false);
  }

  private renderData() {
    const running = this.running;
    const panel = (e: Event) => (e.target as HTMLElement).closest<HTMLElement>('[part="data"]')!;
    return html`<details part="data" ?open=${Boolean(this.userData || this.dataError)}>
      <summary>Your own images${this.userData ? html`: <strong>${this.userData.name}</strong>` : ''}</summary>
      <p class="hint">An uncompressed IDX images file of 28×28 8-bit images (MNIST, Fashion-MNIST, KMNIST, EMNIST and their kin), and its labels file if you have one. The files are read in this page and never leave it; the run splits the images into training and test images by its seed.</p>
      <div class="uploads">
        <label>Images (IDX) <input type="file" data-upload="images" name="images" ?disabled=${running} @change=${(e: Event) => void this.onFiles(panel(e))} /></label>
        <label>Labels (IDX, optional) <input type="file" data-upload="labels" name="labels" ?disabled=${running} @change=${(e: Event) => void this.onFiles(panel(e))} /></label>
        <label class="reuse"><input type="checkbox" name="keep-data" .checked=${live(this.keepData)} ?disabled=${running} @change=${(e: Event) => void this.setKeep((e.target as HTMLInputElement).checked)} /> Keep them in this browser (IndexedDB)</label>
        ${this.userData ? html`<button type="button" data-action="bundled-data" ?disabled=${running} @click=${(e: Event) => void this.useBundled(panel(e))}>Use the bundled dataset</button>` : nothing}
      </div>
      ${this.dataNote ? html`<p class="hint" data-note="upload" role="status">${this.dataNote}</p>` : nothing}
      ${this.dataError ? html`<p class="field-error" data-error="upload" role="alert">${this.dataError}</p>` : nothing}
    </details>`;
  }

  private async copyLink(): Promise<void> {
    const link = linkTo(this);
    if (!link) return;
    this.link = link;
    try {
      await navigator.clipboard.writeText(link);
      this.linkNote = 'Copied.';
    } catch {
      this.linkNote = 'Copy it from the box.';
    }
  }

  private download(kind: 'csv' | 'json'): void {
    const text = kind === 'csv' ? this.runs.csv() : this.runs.json();
    const url = URL.createObjectURL(new Blob([text], { type: kind === 'csv' ? 'text/csv' : 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${this.storageKey() || 'experiment'}-runs.${kind}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  private renderRuns() {
    void this.runsTick;
    const runs = this.runs.runs;
    if (runs.length === 0) return nothing;
    const pinned = this.runs.pinned;
    const shown = pinned.length ? pinned : runs;
    const settings = RunStore.differingKeys(shown).filter((k) => k !== 'weights');
    const metrics = [...new Set(shown.flatMap((r) => Object.keys(r.metrics)))].slice(0, 4);
    const overlay = this.runs.overlay();
    return html`<section part="runs" aria-label="Runs kept for comparison">
      <h4>Your runs</h4>
      <p class="hint">Pin runs to keep them and to draw their curves together.</p>
      <div class="table-wrap">
        <table data-table="runs">
          <thead><tr><th scope="col">pin</th><th scope="col">run</th>${settings.map((k) => html`<th scope="col">${keyToAttribute(k)}</th>`)}${metrics.map((k) => html`<th scope="col">${k}</th>`)}</tr></thead>
          <tbody>${runs.map(
            (r) => html`<tr data-run=${r.id}>
              <td><input type="checkbox" data-pin=${r.id} aria-label=${`Pin run ${r.id}`} .checked=${live(r.pinned)} @change=${(
                e: Event,
              ) => {
                this.runs.pin(r.id, (e.target as HTMLInputElement).checked);
                this.runsTick++;
              }} /></td>
              <th scope="row">#${r.id}${r.stopped ? ' (stopped)' : ''}</th>
              ${settings.map((k) => html`<td>${settingText(r.config[k])}</td>`)}
              ${metrics.map((k) => html`<td class="num">${k in r.metrics ? formatValue(r.metrics[k]!) : '—'}</td>`)}
            </tr>`,
          )}</tbody>
        </table>
      </div>
      ${
        overlay.length
          ? html`<ae-chart data-chart="compare" heading=${`Pinned runs: ${pinned[0]?.curvesTitle ?? ''}`} x-label="epoch" y-label="loss" .series=${overlay}></ae-chart>`
          : nothing
      }
      <div class="downloads">
        <button type="button" data-action="download-csv" @click=${() => this.download('csv')}>Download CSV</button>
        <button type="button" data-action="download-json" @click=${() => this.download('json')}>Download JSON</button>
      </div>
    </section>`;
  }

  private renderControls(canRun: boolean) {
    const running = this.running;
    const config = this.effectiveConfig;
    const own = config !== null && trainsOwn(config);
    return html`<div part="controls">
      <button type="button" class="primary" data-action="start" ?disabled=${running || !canRun} @click=${() => void this.start()}>${this.result || this.phase === 'stopped' ? 'Start again' : 'Start'}</button>
      <button type="button" data-action="stop" ?disabled=${!running || this.phase === 'stopping'} @click=${() => void this.stop()}>${this.phase === 'stopping' ? 'Stopping…' : 'Stop'}</button>
      ${this.phase === 'stopped' ? html`<button type="button" data-action="resume" ?disabled=${!canRun} @click=${() => void this.resume()}>Resume</button>` : nothing}
      ${
        this.store && this.userData
          ? html`<span class="own">Models trained on your images are not stored and stored ones are not reused</span>`
          : nothing
      }
      ${
        this.store && !this.userData
          ? html`${
              own
                ? html`<span class="own">Trains its own models and stores them for later sections (${this.storedCount} stored at scale ${this.scale})</span>`
                : html`<label class="reuse"><input type="checkbox" .checked=${this.reuse} ?disabled=${running} @change=${(e: Event) => (this.reuse = (e.target as HTMLInputElement).checked)} />
                  Reuse trained models stored in this browser (${this.storedCount} at scale ${this.scale})</label>`
            }
            ${this.storedCount && !running ? html`<button type="button" class="link" @click=${() => void this.forgetStored()}>Forget them</button>` : nothing}`
          : nothing
      }
      ${
        this.parentElement?.id && !this.noSettings
          ? html`<button type="button" data-action="copy-link" @click=${() => void this.copyLink()}>Copy link</button>`
          : nothing
      }
      ${this.link ? html`<input class="link-box" part="link" readonly aria-label="Link to these settings" .value=${this.link} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} /><span class="hint" role="status">${this.linkNote}</span>` : nothing}
      ${this.phase === 'stopped' && this.resumeNote ? html`<p class="hint">${this.resumeNote}</p>` : nothing}
    </div>`;
  }

  private renderStatus() {
    const p = this.progress;
    const fraction = p?.step !== undefined && p.steps ? p.step / p.steps : undefined;
    return html`<p part="status" role="status" aria-live="polite">${statusText(p, this.running) || (this.phase === 'idle' ? 'Press Start to run it here.' : '')}</p>
      ${this.running ? html`<progress max="1" value=${ifDefined(fraction)} aria-label="Progress of this stage"></progress>` : nothing}`;
  }
}

/** True when the config asks the experiment to train every model itself (the `weights: "train"` setting). */
function trainsOwn(config: object): boolean {
  return (config as { weights?: unknown }).weights === 'train';
}

declare global {
  interface HTMLElementTagNameMap {
    'ae-experiment': AeExperiment;
  }
}
