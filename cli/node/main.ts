// main.ts: the experiment engine in Node (the Node runner of `npm run experiment` / `npm run
// reproduce -- --runner node`): the same run-experiment-core as the page, on Dawn's bindings, with
// datasets read from a folder (public/data) and PNGs painted by src/ui/render on @napi-rs/canvas.
// Bundled by cli/node/build.mjs into cli/dist-node/runner.mjs, which the CLI imports; its exports
// answer as the page's window functions do (cli/page-api.d.ts). Imports ./gpu and ./dom first (they
// set up globals the engine and uPlot read at load), then experiments and ../run-experiment-core.
import './gpu';
import './dom';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCALE, experimentHelp, experimentList } from '../../src/experiments/kit/index';
import { experiments, findExperiment } from '../../src/experiments/registry';
import { describeAdapter, getRuntime } from '../../src/experiments/runtime';
import type { Scale } from '../../src/experiments/types';
import { ConfigError } from '../../src/util/errors';
import { type CheckpointPolicy, checkpointStore, type PlannedModel, planStore } from '../checkpoint-store';
import { type PageOutcome, runExperimentRequest, validateRequest } from '../run-experiment-core';

/** Serves `<base>NAME` requests from files of `dir`; anything else goes to the real fetch. */
export function serveDataFolder(dir: string, base = '/data/'): void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(base)) return realFetch(input, init);
    const file = join(dir, decodeURIComponent(url.slice(base.length)));
    try {
      return new Response(readFileSync(file));
    } catch (e) {
      return new Response(`cannot read ${file}: ${(e as Error).message}`, { status: 404, statusText: 'Not Found' });
    }
  }) as typeof fetch;
}

function find(name: string) {
  if (experiments().length === 0)
    throw new ConfigError(`experiment: no experiments are registered; nothing to run for "${name}".`);
  return findExperiment(name);
}

export function listExperiments(): { name: string; title: string; description: string }[] {
  return experiments().map((e) => ({ name: e.name, title: e.title, description: e.description }));
}

export function helpText(name: string | null): string {
  return name
    ? experimentHelp(find(name))
    : `experiments (npm run experiment -- <name> --help for its settings):\n${experimentList(experiments())}`;
}

export function validate(name: string, config: Record<string, unknown>, scale: Scale = DEFAULT_SCALE): string {
  const checked = validateRequest({ name, config, scale }, find);
  return JSON.stringify(
    checked.status === 'ok'
      ? { status: 'ok', name: checked.def.name, title: checked.def.title, config: checked.config }
      : checked,
  );
}

/** The adapter's one-line name and whether it is a CPU implementation (SwiftShader). */
export async function adapter(): Promise<{ name: string; isFallback: boolean }> {
  const d = describeAdapter(await getRuntime());
  return { name: d.name, isFallback: d.isFallback || /swiftshader|llvmpipe|lavapipe/i.test(d.name) };
}

export interface NodeRunOptions {
  scale: Scale;
  weights?: Record<string, string>;
  /** Keep and resume checkpoints in this folder, saved by `policy` and at each finished model. */
  checkpointDir?: string;
  policy?: CheckpointPolicy;
  /** Train each model for a short measured burst only; the answer carries the models seen. */
  plan?: boolean;
  onLine(line: string): void;
}

/** Runs one experiment: JSON text of a PageOutcome, plus `plan` (the models seen) when asked for. */
export async function run(
  name: string,
  config: Record<string, unknown>,
  options: NodeRunOptions,
): Promise<{ outcome: PageOutcome; plan: PlannedModel[] | null }> {
  const planning = options.plan ? planStore() : null;
  const dir = options.checkpointDir;
  const checkpoints =
    planning ??
    (dir
      ? checkpointStore(
          {
            load(file) {
              try {
                const b = readFileSync(join(dir, file));
                return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
              } catch (e) {
                if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
                throw e;
              }
            },
            async save(file, bytes) {
              mkdirSync(dir, { recursive: true });
              const path = join(dir, file);
              const temp = `${path}.tmp-${process.pid}`;
              try {
                writeFileSync(temp, bytes);
                renameSync(temp, path);
              } catch (e) {
                rmSync(temp, { force: true });
                throw e;
              }
            },
          },
          options.policy ?? {},
        )
      : undefined);
  const outcome = await runExperimentRequest(
    { name, config, scale: options.scale, weights: options.weights },
    { find, runtime: getRuntime, onLine: options.onLine, checkpoints },
  );
  return { outcome, plan: planning ? planning.models : null };
}
