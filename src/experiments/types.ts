// types.ts: what every experiment takes and returns. Plain data: the UI renders it, the CLI writes it
// to result.json and PNGs, the report puts it beside the reports' figures. Imports nothing at run time.
import type { ImageSet } from '../data/types';
import type { ConfigSchema } from './kit/schema';
import type { Runtime } from './runtime';
import type { TrainStore } from './train';

/** Progress during long work: which stage, epoch, loss, speed and an ETA. */
export interface Progress {
  experiment: string;
  /** e.g. "train latent=8", "invert decoder", "evaluate". */
  stage: string;
  epoch?: number;
  epochs?: number;
  step?: number;
  steps?: number;
  loss?: number;
  samplesPerSec?: number;
  etaSeconds?: number;
  /** A point to append to a live curve: series name and value at x (epoch). */
  point?: { chart: string; series: string; x: number; y: number };
  message: string;
}

export interface ExperimentContext {
  runtime: Runtime;
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Where the prepared datasets are served; default '/data/'. */
  dataBaseUrl?: string;
  /**
   * Recovery from a lost GPU device during training (e.g. recoverRuntime): with it, training
   * checkpoints and resumes on a new device; without it, a lost device ends the run with its reason.
   */
  recover?: (runtime: Runtime) => Promise<Runtime>;
  /** Trained weights handed in (safetensors bytes by key, e.g. "latent=8"), to reuse instead of retraining. */
  weights?: ReadonlyMap<string, Uint8Array>;
  /** Checkpoints kept across processes (the command line's --out folder): each model resumes from its own. */
  checkpoints?: TrainStore;
  /**
   * Images supplied by the learner (e.g. an uploaded IDX file), trained and tested on instead of the
   * experiment's bundled dataset: split into train and test images by the config's seed.
   */
  data?: UserDataset;
}

/** A set of 28×28 images from outside the bundled datasets, with a name that says where it came from. */
export interface UserDataset {
  /** e.g. "my-digits-idx3-ubyte"; shown in the result's config as `data`. */
  name: string;
  images: ImageSet;
}

export interface Series {
  name: string;
  x: number[];
  y: number[];
  /**
   * Over several seeds: y is the mean and sd the sample standard deviation at each point (NaN where
   * it is not known), drawn as a band ±1 sd around a line and as error bars on a bar.
   */
  sd?: number[];
}

/** A line chart. */
export interface Chart {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** 'log' for a logarithmic y axis. */
  yScale?: 'linear' | 'log';
  kind?: 'line' | 'bar';
}

/** A grid of 28×28 grayscale images in [0, 1], row-major, `count` of them, `cols` per row. */
export interface ImageGrid {
  id: string;
  title: string;
  images: Float32Array;
  count: number;
  cols: number;
  labels?: string[];
}

export interface Table {
  id: string;
  title: string;
  columns: string[];
  rows: (string | number)[][];
  /** Over several seeds: the sample standard deviation of each cell (null where none: text, labels, one seed). */
  sd?: (number | null)[][];
}

/** A square matrix shown as a heat map (e.g. a correlation matrix). */
export interface HeatMap {
  id: string;
  title: string;
  size: number;
  values: Float32Array;
  min: number;
  max: number;
}

export type MetricValue = number | number[] | Record<string, number | number[]>;

export interface ExperimentResult {
  experiment: string;
  config: Record<string, unknown>;
  metrics: Record<string, MetricValue>;
  charts: Chart[];
  grids: ImageGrid[];
  tables: Table[];
  heatmaps: HeatMap[];
  /** Trained weights as safetensors, by key (e.g. "latent=8"). */
  weights: { key: string; bytes: Uint8Array }[];
  /** Why training stopped, per run (e.g. "max epochs", "gradient norm below 1e-4"). */
  stopReasons: Record<string, string>;
  adapter: string;
  elapsedMs: number;
  /** Plain-language notes, e.g. where a measurement disagrees with a report's claim. */
  notes: string[];
  /** Over several seeds: the seeds run, in order (absent for a single run). */
  seeds?: number[];
  /** Over several seeds: the sample standard deviation of every metric, in the metrics' shape (NaN where unknown). */
  metricsSd?: Record<string, MetricValue>;
  /** Over several seeds: each seed's own figures. */
  perSeed?: SeedRun[];
  /** Over several seeds: which runs were trained together and which one after another. */
  grouping?: RunGroup[];
}

/** Runs of one experiment trained as a group: together in the same steps, or one after another. */
export interface RunGroup {
  /** The runs, e.g. ["seed=0", "seed=1"]. */
  runs: string[];
  together: boolean;
  /** How, in words: "trained one after another". */
  how: string;
}

/** One seed's own figures within a result over several seeds. */
export interface SeedRun {
  seed: number;
  metrics: Record<string, MetricValue>;
  tables: Table[];
  charts: Chart[];
  stopReasons: Record<string, string>;
  notes: string[];
  elapsedMs: number;
}

/** One experiment: defaults per scale, validation of a user config, and the run itself. */
export interface ExperimentDef<C extends object> {
  name: string;
  title: string;
  description: string;
  /** Default configuration for a scale: 'tiny' (seconds, CI), 'small' (minutes on a CPU adapter), 'full' (the reports'). */
  defaults(scale: Scale): C;
  /**
   * Checks a partial user config (values may be text) merged over the defaults at `scale` (default
   * 'small'); throws ConfigError naming the key, the bad value and what is accepted.
   */
  validate(config: Record<string, unknown>, scale?: Scale): C;
  /** Every key with its type, range or choices, unit, defaults per scale and help (kit/schema.ts). */
  schema?: ConfigSchema<C>;
  run(ctx: ExperimentContext, config: C): Promise<ExperimentResult>;
}

export type Scale = 'tiny' | 'small' | 'full';
