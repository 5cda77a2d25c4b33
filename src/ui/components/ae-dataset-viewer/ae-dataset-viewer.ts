// ae-dataset-viewer.ts: <ae-dataset-viewer>, a seeded random sample of a bundled dataset's training
// images with labels, counts and a label histogram, plus a slot for the user's own IDX files.
// Imports lit, data, ../../events, ../../format and ../ae-image-grid.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import {
  IDX_MAX_BYTES,
  datasetFromIdx,
  deriveSeed,
  loadDataset,
  sampleIndices,
  takeIndices,
} from '../../../data/index';
import type { Dataset, DatasetName, ImageSet } from '../../../data/index';
import { resolveDataBaseUrl } from '../../data-base-url';
import { asError, emit } from '../../events';
import { formatValue } from '../../format';
import '../ae-image-grid/ae-image-grid';
import { datasetViewerStyles } from './ae-dataset-viewer.styles';

/** Fashion-MNIST's ten classes, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

const TITLES: Record<DatasetName, string> = { mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST' };

/** Bundled datasets already fetched (or being fetched), shared by every viewer on the page. */
const loaded = new Map<string, Promise<Dataset>>();

function loadShared(name: DatasetName, baseUrl: string): Promise<Dataset> {
  const key = `${baseUrl}|${name}`;
  let p = loaded.get(key);
  if (!p) {
    p = loadDataset(name, { baseUrl });
    loaded.set(key, p);
    // Forget failures so that a later attempt fetches again.
    p.catch(() => loaded.delete(key));
  }
  return p;
}

/** The text shown for label `label`: a class name for Fashion-MNIST, else the number. */
function labelText(label: number, names: readonly string[] | null): string {
  return names?.[label] ?? String(label);
}

function histogram(labels: Uint8Array, classes: number): number[] {
  const bins = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) bins[labels[i]!]!++;
  return bins;
}

/** What the viewer samples from: a bundled dataset's training split, or the user's file. */
type Source =
  | { kind: 'bundled'; name: DatasetName; dataset: Dataset }
  | { kind: 'file'; set: ImageSet; imagesName: string; labelsName: string | null };

/**
 * @summary Shows `count` random training images of a bundled dataset (seeded by `seed`) with
 * their labels, the split sizes and the label histogram. The user can also load an IDX images
 * file (and, optionally, its labels file); it is parsed as untrusted input, and a malformed file
 * gives a readable message here instead of a broken page.
 *
 * With the boolean attribute `lazy`, nothing is fetched until the card comes near the viewport (or
 * `loadBundled()` is called, or the user presses "Load now"); until then the card says so.
 *
 * @fires ae-progress - `{ task: 'dataset', message }` when a download or file read starts.
 * @fires ae-done - `{ task: 'dataset', dataset, source, shown, total }` when a sample is shown.
 * @fires ae-error - `{ task: 'dataset', error }` when the dataset or a file cannot be loaded.
 * @csspart base - the card around everything.
 * @csspart title - the heading.
 * @csspart status - the loading line.
 * @csspart histogram - the label histogram line.
 * @csspart grid - the <ae-image-grid>.
 * @csspart controls - the buttons and file inputs.
 * @csspart error - the failure message (role="alert").
 * @cssproperty --ae-error-color, --ae-error-background, --ae-border-color, --ae-accent-color, --ae-muted-color
 */
@customElement('ae-dataset-viewer')
export class AeDatasetViewer extends LitElement {
  static override styles = datasetViewerStyles;

  /** Which bundled dataset to show ('mnist' or 'fashion-mnist'); the attribute is `dataset`. */
  @property({ attribute: 'dataset' }) datasetName: DatasetName = 'mnist';

  /** Images in the sample. */
  @property({ type: Number }) count = 32;

  /** Seed of the random sample; the same seed shows the same images. */
  @property({ type: Number }) seed = 1;

  /** Folder URL of the prepared data (manifest.json and the .u8 files); '' follows the page-wide rule of src/ui/data-base-url.ts. */
  @property({ attribute: 'data-base-url' }) dataBaseUrl = '';

  /** Grid columns and CSS pixels per image pixel, passed to <ae-image-grid>. */
  @property({ type: Number }) cols = 8;
  @property({ type: Number }) scale = 2;

  /** Wait with the download until the card approaches the viewport (or is asked to load). */
  @property({ type: Boolean }) lazy = false;

  @state() private source: Source | null = null;
  @state() private sample: ImageSet | null = null;
  @state() private loading = '';
  @state() private error: { title: string; error: Error } | null = null;
  /** How many times "Show another sample" was pressed since the source last changed. */
  @state() private draw = 0;

  @query('input[name="images"]') private imagesInput!: HTMLInputElement | null;
  @query('input[name="labels"]') private labelsInput!: HTMLInputElement | null;

  private request = 0;
  /** Set once the bundled dataset may be fetched: at once without `lazy`, else when in view or asked. */
  @state() private wanted = false;
  private observer: IntersectionObserver | null = null;

  /** The sample shown now: images, labels (null for an unlabelled file) and size. */
  get shown(): ImageSet | null {
    return this.sample;
  }

  /** Seed of the current draw: `seed` itself first, then a fresh seed per "Show another sample". */
  private drawSeed(): number {
    return this.draw === 0 ? this.seed : deriveSeed(this.seed, this.draw);
  }

  // Untyped map: `draw` is private, so it is not a key of `this`.
  protected override willUpdate(changed: PropertyValues): void {
    if (
      changed.has('datasetName') ||
      changed.has('dataBaseUrl') ||
      (changed.has('lazy') && !this.lazy && !this.wanted)
    ) {
      if (this.lazy && !this.wanted) this.watchVisibility();
      else void this.loadBundled();
    } else if (changed.has('count') || changed.has('seed') || changed.has('draw')) this.resample();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.lazy && !this.wanted && this.hasUpdated) this.watchVisibility();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.request++;
    this.observer?.disconnect();
    this.observer = null;
  }

  /** Starts the download once the card is within a screen of the viewport. */
  private watchVisibility(): void {
    if (this.observer) return;
    if (typeof IntersectionObserver === 'undefined') {
      void this.loadBundled();
      return;
    }
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void this.loadBundled();
      },
      { rootMargin: '400px 0px' },
    );
    this.observer.observe(this);
  }

  /** Shows the bundled dataset named by `dataset` (again). Resolves when shown or failed; never rejects. */
  async loadBundled(): Promise<void> {
    this.wanted = true;
    this.observer?.disconnect();
    this.observer = null;
    const request = ++this.request;
    const name = this.datasetName;
    const title = TITLES[name] ?? String(name);
    this.startLoading(`Loading ${title} (60,000 training and 10,000 test images)…`);
    try {
      const dataset = await loadShared(name, resolveDataBaseUrl(this.dataBaseUrl));
      if (request !== this.request) return;
      this.show({ kind: 'bundled', name, dataset });
    } catch (e) {
      if (request === this.request) this.fail(`Could not load ${title}`, e);
    }
  }

  /**
   * Shows the user's IDX images file, with its labels file if given. The bytes are untrusted: a
   * malformed file is reported in `part="error"` and by an `ae-error` event, and the previous
   * sample stays. Resolves when shown or failed; never rejects.
   */
  async loadFiles(images: File, labels: File | null = null): Promise<void> {
    const request = ++this.request;
    this.startLoading(`Reading ${images.name}${labels ? ` and ${labels.name}` : ''}…`);
    try {
      for (const f of labels ? [images, labels] : [images]) {
        // Refuse before reading: the parser would reject it anyway, after holding it all in memory.
        if (f.size > IDX_MAX_BYTES + 16) {
          throw new Error(
            `${f.name}: file is too large; expected at most ${formatValue(IDX_MAX_BYTES + 16)} bytes, got ${formatValue(f.size)}. Use a smaller IDX file.`,
          );
        }
      }
      const [imageBytes, labelBytes] = await Promise.all([
        images.arrayBuffer(),
        labels ? labels.arrayBuffer() : Promise.resolve(null),
      ]);
      if (request !== this.request) return;
      const set = datasetFromIdx(new Uint8Array(imageBytes), labelBytes ? new Uint8Array(labelBytes) : null, {
        images: images.name,
        ...(labels ? { labels: labels.name } : {}),
      });
      this.show({ kind: 'file', set, imagesName: images.name, labelsName: labels?.name ?? null });
    } catch (e) {
      if (request === this.request) this.fail(`Could not read ${images.name}`, e);
    }
  }

  private startLoading(message: string): void {
    this.loading = message;
    this.error = null;
    emit(this, 'ae-progress', { task: 'dataset', message });
  }

  private show(source: Source): void {
    this.source = source;
    this.draw = 0;
    this.loading = '';
    this.error = null;
    this.resample();
    const sample = this.sample as ImageSet | null;
    emit(this, 'ae-done', {
      task: 'dataset',
      dataset: source.kind === 'bundled' ? source.name : source.imagesName,
      source: source.kind,
      shown: sample?.count ?? 0,
      total: this.sourceSet()?.count ?? 0,
    });
  }

  private fail(title: string, e: unknown): void {
    const error = asError(e);
    this.loading = '';
    this.error = { title, error };
    emit(this, 'ae-error', { task: 'dataset', error });
  }

  private sourceSet(): ImageSet | null {
    const s = this.source;
    return s ? (s.kind === 'bundled' ? s.dataset.train : s.set) : null;
  }

  private resample(): void {
    const set = this.sourceSet();
    if (!set) return;
    const n = Math.max(0, Math.min(Math.floor(this.count) || 0, set.count));
    this.sample = takeIndices(set, sampleIndices(set.count, n, this.drawSeed()));
  }

  private onFilesChosen(): void {
    const images = this.imagesInput?.files?.[0] ?? null;
    const labels = this.labelsInput?.files?.[0] ?? null;
    if (images) void this.loadFiles(images, labels);
  }

  private anotherSample(): void {
    // A message about an earlier file would now describe something no longer on screen.
    this.error = null;
    this.draw++;
  }

  private backToBundled(): void {
    if (this.imagesInput) this.imagesInput.value = '';
    if (this.labelsInput) this.labelsInput.value = '';
    void this.loadBundled();
  }

  protected override render() {
    const source = this.source;
    const title =
      source?.kind === 'file' ? `Your file: ${source.imagesName}` : (TITLES[this.datasetName] ?? this.datasetName);
    return html`<section part="base" aria-busy=${this.loading ? 'true' : 'false'}>
      <h2 part="title">${title}</h2>
      ${source ? this.renderSummary(source) : nothing}
      ${this.loading ? html`<p part="status" role="status">${this.loading}</p>` : nothing}
      ${
        !this.wanted && !source && !this.loading
          ? html`<p part="status" role="status">
            ${TITLES[this.datasetName] ?? this.datasetName} (about 55 MB) loads when this card comes into view…
            <button type="button" @click=${() => void this.loadBundled()}>Load now</button>
          </p>`
          : nothing
      }
      ${
        this.error
          ? html`<div part="error" role="alert">
            <strong>${this.error.title}.</strong>
            <p>${this.error.error.message}</p>
          </div>`
          : nothing
      }
      ${this.renderGrid()} ${this.renderControls()}
    </section>`;
  }

  private renderSummary(source: Source) {
    const set = source.kind === 'bundled' ? source.dataset.train : source.set;
    const shown = this.sample?.count ?? 0;
    const size = `${set.rows}×${set.cols}`;
    let counts: string;
    let bins: number[] | null = null;
    let names: readonly string[] | null = null;
    if (source.kind === 'bundled') {
      const { dataset } = source;
      counts = `${formatValue(dataset.train.count)} training and ${formatValue(dataset.test.count)} test images, ${size} pixels, ${dataset.classes} classes. Showing ${shown} random training images (seed ${this.drawSeed()}).`;
      bins = histogram(dataset.train.labels, dataset.classes);
      names = source.name === 'fashion-mnist' ? FASHION_MNIST_CLASSES : null;
    } else {
      const labelled = source.labelsName ? `labels from ${source.labelsName}` : 'no labels file';
      counts = `${formatValue(set.count)} images, ${size} pixels, ${labelled}. Showing ${shown} random images (seed ${this.drawSeed()}).`;
      if (set.labels) {
        let max = 0;
        for (const l of set.labels) if (l > max) max = l;
        bins = histogram(set.labels, max + 1);
      }
    }
    const where = source.kind === 'bundled' ? 'Training labels' : 'Labels';
    return html`<p class="counts">${counts}</p>
      ${
        bins
          ? html`<p part="histogram" aria-label=${`${where}, count per class`}>
            ${where}:
            ${bins.map((n, label) => html`<span class="bin">${labelText(label, names)} <b>${formatValue(n)}</b></span> `)}
          </p>`
          : nothing
      }`;
  }

  private renderGrid() {
    const sample = this.sample;
    if (!sample) return nothing;
    const names =
      this.source?.kind === 'bundled' && this.source.name === 'fashion-mnist' ? FASHION_MNIST_CLASSES : null;
    const labels = sample.labels ? Array.from(sample.labels, (l) => labelText(l, names)) : null;
    const what =
      this.source?.kind === 'file'
        ? `images from ${this.source.imagesName}`
        : `${TITLES[this.datasetName]} training images`;
    return html`<ae-image-grid
      part="grid"
      .images=${sample.images}
      .labels=${labels}
      .count=${sample.count}
      image-size=${sample.rows}
      cols=${this.cols}
      scale=${this.scale}
      gap="4"
      caption=${`${sample.count} random ${what}`}
    ></ae-image-grid>`;
  }

  private renderControls() {
    const busy = this.loading !== '';
    const isFile = this.source?.kind === 'file';
    return html`<div part="controls">
      <button type="button" ?disabled=${busy || !this.source} @click=${() => this.anotherSample()}>Show another sample</button>
      ${
        isFile
          ? html`<button type="button" ?disabled=${busy} @click=${() => this.backToBundled()}>Back to ${TITLES[this.datasetName]}</button>`
          : nothing
      }
    </div>
    <fieldset>
      <legend>Your own IDX files (uncompressed, 28×28 images)</legend>
      <label>Images file <input type="file" name="images" @change=${() => this.onFilesChosen()} /></label>
      <label>Labels file (optional) <input type="file" name="labels" @change=${() => this.onFilesChosen()} /></label>
    </fieldset>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ae-dataset-viewer': AeDatasetViewer;
  }
}
