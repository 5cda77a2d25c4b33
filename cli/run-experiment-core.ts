// run-experiment-core.ts: what cli/run-experiment.html does with one request, as plain functions the
// browser tests can drive with a fake experiment: read a request from the page address, look the
// experiment up, validate the config, run it on the shared GPU runtime while turning Progress into
// one line per epoch or stage, then draw every chart, grid and heat map to PNG and return
// result.json's text and the files, base64, for the CLI.
// Imports experiments (kit, types, runtime types), nn/safetensors, util errors, ui/render and
// ./experiment-args.mjs.
import { DEFAULT_SCALE, SCALES } from '../src/experiments/kit/index';
import { recoverRuntime, type Runtime } from '../src/experiments/runtime';
import type { TrainStore } from '../src/experiments/train';
import type { ExperimentDef, ExperimentResult, Scale } from '../src/experiments/types';
import { decodeSafetensors, encodeSafetensors } from '../src/nn/safetensors';
import {
  base64ToBytes,
  bytesToBase64,
  canvasToPng,
  renderChart,
  renderGrid,
  renderHeatmap,
} from '../src/ui/render/index';
import { ConfigError, DeviceLostError } from '../src/util/errors';
import { camelCase } from './experiment-args.mjs';
import { ProgressLines } from './progress-lines';

export { ProgressLines, formatEta, formatRate } from './progress-lines';

export interface PageRequest {
  name: string;
  /** The user's partial config; validate() merges it over the scale's defaults. */
  config: Record<string, unknown>;
  scale: Scale;
  /** Weights handed in: safetensors bytes, base64, by key. */
  weights?: Record<string, string>;
}

/** A file for the output folder: a plain file name (no folders) and its bytes, base64. */
export interface OutputFile {
  name: string;
  base64: string;
}

export type PageOutcome =
  | { status: 'ok'; resultJson: string; files: OutputFile[]; lines: number }
  /** The request was refused before any work: unknown name or a bad config value. */
  | { status: 'config-error'; message: string }
  | { status: 'failed'; message: string; deviceLost: boolean };

export interface RunDeps {
  find(name: string): ExperimentDef<object>;
  runtime(): Promise<Runtime>;
  onLine?(line: string): void;
  signal?: AbortSignal;
  /** Checkpoints kept across processes (resumable runs) or a plan's measuring store. */
  checkpoints?: TrainStore;
  /** Where the prepared datasets are served (default '/data/'). */
  dataBaseUrl?: string;
}

const RESULT_FILE = 'result.json';

/** A file name made of letters, digits and . _ = + - only (others become _), unique within `used`. */
export function outputFileName(stem: string, extension: string, used: Set<string>): string {
  let base =
    stem
      .replace(/[^A-Za-z0-9._=+-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 120) || 'unnamed';
  if (base.toLowerCase().endsWith(extension.toLowerCase())) base = base.slice(0, -extension.length) || 'unnamed';
  let name = `${base}${extension}`;
  for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}-${n}${extension}`;
  used.add(name.toLowerCase());
  return name;
}

/** The safetensors bytes with `key` in their __metadata__ (unchanged when it is already there). */
export function withKeyMetadata(bytes: Uint8Array, key: string): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(bytes, `${key}.safetensors`);
  if (metadata.key === key) return bytes;
  return encodeSafetensors([...tensors.values()], { ...metadata, key });
}

/** JSON for result.json: typed arrays as arrays, NaN and ±Infinity as null (JSON has neither). */
function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    2,
  );
}

function isDeviceLoss(e: unknown, runtime: Runtime | null): boolean {
  return e instanceof DeviceLostError || (runtime?.gpu.lostError ?? null) !== null;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The files of a finished run: result.json, one PNG per chart, grid and heat map (named by id), and
 * one .safetensors per weights entry (named by key, the key written into its metadata). Drawing
 * failures are reported through `onLine` and listed in result.json's renderErrors, not thrown.
 */
export async function resultFiles(
  result: ExperimentResult,
  request: { scale: Scale; config: object; title?: string },
  onLine: (line: string) => void = () => {},
): Promise<{ resultJson: string; files: OutputFile[] }> {
  const used = new Set<string>([RESULT_FILE]);
  const files: OutputFile[] = [];
  const renderErrors: string[] = [];
  const png = async (kind: string, id: string, draw: () => HTMLCanvasElement): Promise<string | null> => {
    try {
      const name = outputFileName(id, '.png', used);
      files.push({ name, base64: bytesToBase64(await canvasToPng(draw())) });
      return name;
    } catch (e) {
      const line = `could not draw ${kind} "${id}": ${messageOf(e)}`;
      renderErrors.push(line);
      onLine(line);
      return null;
    }
  };
  const charts = [];
  for (const c of result.charts) charts.push({ ...c, file: await png('chart', c.id, () => renderChart(c)) });
  const grids = [];
  for (const g of result.grids)
    grids.push({
      id: g.id,
      title: g.title,
      count: g.count,
      cols: g.cols,
      labels: g.labels,
      file: await png('grid', g.id, () => renderGrid(g)),
    });
  const heatmaps = [];
  for (const h of result.heatmaps) {
    const rows = Array.from({ length: h.size }, (_, r) => Array.from(h.values.subarray(r * h.size, (r + 1) * h.size)));
    heatmaps.push({
      id: h.id,
      title: h.title,
      size: h.size,
      min: h.min,
      max: h.max,
      values: rows,
      file: await png('heat map', h.id, () => renderHeatmap(h)),
    });
  }
  const weights = [];
  for (const w of result.weights) {
    let bytes = w.bytes;
    try {
      bytes = withKeyMetadata(w.bytes, w.key);
    } catch (e) {
      const line = `weights "${w.key}" written as given; its key could not be added to the metadata: ${messageOf(e)}`;
      renderErrors.push(line);
      onLine(line);
    }
    const name = outputFileName(w.key, '.safetensors', used);
    files.push({ name, base64: bytesToBase64(bytes) });
    weights.push({ key: w.key, file: name, bytes: bytes.length });
  }
  const config = result.config ?? request.config;
  const seed = (config as { seed?: unknown }).seed;
  const json = {
    experiment: result.experiment,
    title: request.title,
    scale: request.scale,
    seed: typeof seed === 'number' ? seed : null,
    config,
    adapter: result.adapter,
    elapsedMs: result.elapsedMs,
    finishedAt: new Date().toISOString(),
    metrics: result.metrics,
    ...(result.seeds ? { seeds: result.seeds, metricsSd: result.metricsSd } : {}),
    ...(result.grouping ? { grouping: result.grouping } : {}),
    stopReasons: result.stopReasons,
    notes: result.notes,
    tables: result.tables,
    charts,
    grids,
    heatmaps,
    weights,
    ...(result.perSeed ? { perSeed: result.perSeed } : {}),
    ...(renderErrors.length ? { renderErrors } : {}),
  };
  return { resultJson: `${toJson(json)}\n`, files };
}

/** The user's config with a single value given for a list-valued key (by the defaults) made a one-item list. */
export function listsFromScalars(config: Record<string, unknown>, defaults: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const [k, v] of Object.entries(config)) {
    if (
      Array.isArray((defaults as Record<string, unknown>)[k]) &&
      !Array.isArray(v) &&
      v !== null &&
      typeof v !== 'object'
    )
      out[k] = [v];
  }
  return out;
}

/**
 * Looks the experiment up and validates the config: the full config, or why the request is refused.
 * An experiment with a schema reads every value itself (text included); for one without, a single
 * value for a list-valued key counts as a one-item list.
 */
export function validateRequest(
  request: Pick<PageRequest, 'name' | 'config' | 'scale'>,
  find: RunDeps['find'],
): { status: 'ok'; def: ExperimentDef<object>; config: object } | Exclude<PageOutcome, { status: 'ok' }> {
  try {
    const def = find(request.name);
    return {
      status: 'ok',
      def,
      config: def.validate(
        def.schema ? request.config : listsFromScalars(request.config, def.defaults(request.scale)),
        request.scale,
      ),
    };
  } catch (e) {
    if (e instanceof ConfigError) return { status: 'config-error', message: e.message };
    return {
      status: 'failed',
      message: `${request.name}: validate() threw ${e instanceof Error ? e.name : 'a non-error'}: ${messageOf(e)}`,
      deviceLost: false,
    };
  }
}

/**
 * The request in a page address, `#name=fc-train&scale=tiny&train-size=600` (or `config=` with JSON):
 * kebab-case keys become camelCase config keys and their values stay text, for the schema to read
 * as it reads the command line and attributes. Null when the address names no experiment.
 */
export function requestFromAddress(hash: string): Pick<PageRequest, 'name' | 'config' | 'scale'> | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const name = params.get('name');
  if (!name) return null;
  const json = params.get('config');
  let config: Record<string, unknown> = {};
  if (json !== null) {
    try {
      config = JSON.parse(json) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError(
        `address: config=${json} is not JSON (${messageOf(e)}); expected e.g. config={"epochs":2}.`,
      );
    }
  }
  for (const [k, v] of params) if (!['name', 'scale', 'config'].includes(k)) config[camelCase(k)] = v;
  const scale = params.get('scale') ?? DEFAULT_SCALE;
  if (!(SCALES as readonly string[]).includes(scale))
    throw new ConfigError(`address: unknown scale "${scale}"; expected one of: ${SCALES.join(', ')}.`);
  return { name, config, scale: scale as Scale };
}

/**
 * Runs one request end to end. Never throws: an unknown name or a ConfigError from validate() gives
 * 'config-error' (nothing was run); anything thrown later gives 'failed', with deviceLost set when
 * the GPU device was lost.
 */
export async function runExperimentRequest(request: PageRequest, deps: RunDeps): Promise<PageOutcome> {
  const checked = validateRequest(request, deps.find);
  if (checked.status !== 'ok') return checked;
  const { def, config } = checked;
  let runtime: Runtime | null = null;
  let count = 0;
  const onLine = (line: string) => {
    count++;
    deps.onLine?.(line);
  };
  const lines = new ProgressLines(def.name, onLine);
  try {
    const weights = new Map(Object.entries(request.weights ?? {}).map(([k, b64]) => [k, base64ToBytes(b64)] as const));
    runtime = await deps.runtime();
    const result = await def.run(
      {
        runtime,
        signal: deps.signal,
        onProgress: (p) => lines.push(p),
        dataBaseUrl: deps.dataBaseUrl ?? '/data/',
        weights,
        recover: recoverRuntime,
        checkpoints: deps.checkpoints,
      },
      config,
    );
    lines.flush();
    const { resultJson, files } = await resultFiles(result, { scale: request.scale, config, title: def.title }, (l) =>
      onLine(`[${def.name}] ${l}`),
    );
    return { status: 'ok', resultJson, files, lines: count };
  } catch (e) {
    lines.flush();
    if (e instanceof ConfigError) return { status: 'config-error', message: e.message };
    const lost = isDeviceLoss(e, runtime);
    const detail = messageOf(e);
    const message =
      lost && !(e instanceof DeviceLostError)
        ? `GPU device lost during ${def.name}: ${runtime?.gpu.lostError?.message ?? ''} (then: ${detail})`
        : detail;
    return { status: 'failed', message, deviceLost: lost };
  }
}
