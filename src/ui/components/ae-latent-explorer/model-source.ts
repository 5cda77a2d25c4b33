// model-source.ts: where <ae-latent-explorer> and <ae-drawing-pad> get their trained autoencoder —
// the model store's weights (a named key, or the best stored model of the asked kind and latent
// size), else a quick training run at the labs' settings of a scale, saved to the store so the labs
// and a reload reuse it. Elements asking for the same model on one page share one copy (and one
// training run); the last one to let go disposes it. Imports experiments (latent-codes, runtime,
// types) and ../../model-store.
import {
  defaultSpec,
  LatentModel,
  loadLatentData,
  quickBudget,
  specFromKey,
  type LatentModelKind,
} from '../../../experiments/latent-codes';
import type { Runtime } from '../../../experiments/runtime';
import type { Progress, Scale } from '../../../experiments/types';
import { ConfigError } from '../../../util/errors';
import type { ModelStore, StoredModelInfo } from '../../model-store';

export interface ModelRequest {
  kind: LatentModelKind;
  /** Latent size; 0 takes any stored one (and 8 when one must be trained). */
  latent: number;
  /** A model-store key to use and nothing else; '' chooses. */
  weights: string;
  /** The labs' scale whose settings a quick training run uses (and whose stored models come first). */
  scale: Scale;
  dataBaseUrl?: string;
}

export interface OpenedModel {
  model: LatentModel;
  /** 'store': weights read from the model store; 'trained': trained just now. */
  source: 'store' | 'trained';
}

interface Entry {
  promise: Promise<OpenedModel>;
  refs: number;
  abort: AbortController;
  listeners: Set<(p: Progress) => void>;
}

const DEFAULT_LATENT = 8;
const open = new WeakMap<Runtime, Map<string, Entry>>();

const signature = (r: ModelRequest, store: ModelStore | null) =>
  [r.kind, r.latent, r.weights, r.scale, r.dataBaseUrl ?? '', store?.dbName ?? '-'].join('|');

/** The stored model to use for `r`: the named key, or the best match (same scale, complete, newest). */
function choose(r: ModelRequest, stored: StoredModelInfo[]): StoredModelInfo | null {
  if (r.weights) {
    const hit = stored.find((i) => i.key === r.weights);
    if (!hit) {
      const have = stored.map((i) => i.key).join(', ') || 'none';
      throw new ConfigError(
        `weights: "${r.weights}" is not stored in this browser; expected one of: ${have}. Train it in a lab first, or remove the weights attribute.`,
      );
    }
    return hit;
  }
  const fits = stored.filter((i) => {
    try {
      const spec = specFromKey(i.key);
      return spec.kind === r.kind && (r.latent === 0 || spec.latent === r.latent);
    } catch {
      return false;
    }
  });
  const rank = (i: StoredModelInfo) => (i.scale === r.scale ? 2 : 0) + (i.complete ? 1 : 0);
  fits.sort((a, b) => rank(b) - rank(a) || b.savedAt - a.savedAt);
  return fits[0] ?? null;
}

async function obtain(
  runtime: Runtime,
  store: ModelStore | null,
  r: ModelRequest,
  signal: AbortSignal,
  progress: (p: Progress) => void,
): Promise<OpenedModel> {
  if (r.weights) specFromKey(r.weights);
  const say = (stage: string, message: string, extra: Partial<Progress> = {}) =>
    progress({ experiment: 'latent-model', stage, message, ...extra });
  say('store', 'Looking for a trained model in this browser…');
  const stored = store ? await store.list() : [];
  const pick = choose(r, stored);
  if (pick && store) {
    const bytes = await store.load(pick.key);
    if (!bytes)
      throw new ConfigError(`weights: the bytes of "${pick.key}" were not found in the model store; train it again.`);
    const model = new LatentModel(runtime, specFromKey(pick.key));
    try {
      model.load(bytes);
    } catch (e) {
      model.dispose();
      throw e;
    }
    say('loaded', `Using the stored model "${pick.key}".`);
    return { model, source: 'store' };
  }
  const spec = defaultSpec(r.kind, r.latent || DEFAULT_LATENT, r.scale);
  const budget = quickBudget(r.kind, r.scale);
  say('data', `No stored model: loading ${budget.trainSize} training images to train one…`);
  const data = await loadLatentData(
    r.kind,
    { trainSize: budget.trainSize, testSize: budget.testSize, seed: spec.seed },
    r.dataBaseUrl,
  );
  const model = new LatentModel(runtime, spec);
  try {
    const run = await model.train(data, budget, { signal, onProgress: progress, experiment: 'latent-model' });
    if (signal.aborted) throw new DOMException('training stopped', 'AbortError');
    if (run.failed) throw new Error(`Training the quick model failed: ${run.stopReason}.`);
    if (store) {
      const bytes = await model.save({ epochs: String(run.epochs.length), steps: String(run.steps) });
      // The settings are the labs' at this scale, so the labs may reuse the model; a store that
      // cannot be written leaves it usable on this page.
      await store
        .save(model.key, bytes, { experiment: 'latent-explorer', scale: r.scale, complete: true })
        .catch(() => {
          say('store', 'The trained model could not be stored in this browser; it is used on this page only.');
        });
    }
    say('trained', `Trained "${model.key}" (${run.epochs.length} epochs, ${run.steps} steps).`);
    return { model, source: 'trained' };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * The model for `r`, shared with every other element of the page asking the same. `onProgress`
 * hears the loading or training. Call the returned release() once the element no longer needs it.
 */
export function acquireModel(
  runtime: Runtime,
  store: ModelStore | null,
  r: ModelRequest,
  onProgress: (p: Progress) => void,
): { opened: Promise<OpenedModel>; release: () => void } {
  let entries = open.get(runtime);
  if (!entries) {
    entries = new Map();
    open.set(runtime, entries);
  }
  const key = signature(r, store);
  let entry = entries.get(key);
  if (!entry) {
    const abort = new AbortController();
    const listeners = new Set<(p: Progress) => void>();
    const made: Entry = {
      abort,
      listeners,
      refs: 0,
      promise: obtain(runtime, store, r, abort.signal, (p) => listeners.forEach((l) => l(p))),
    };
    made.promise.catch(() => entries.get(key) === made && entries.delete(key));
    entries.set(key, made);
    entry = made;
  }
  const e = entry;
  e.refs++;
  e.listeners.add(onProgress);
  let released = false;
  return {
    opened: e.promise,
    release: () => {
      if (released) return;
      released = true;
      e.listeners.delete(onProgress);
      if (--e.refs > 0) return;
      if (entries.get(key) === e) entries.delete(key);
      e.abort.abort();
      e.promise.then(
        (o) => o.model.dispose(),
        () => undefined,
      );
    },
  };
}
