// run-experiment.ts: the page behind `npm run experiment` (tools/run-experiment.html). Exposes
// window.__runExperiment(name, config, {scale, weights}) → JSON text of a PageOutcome, and
// window.__validateExperiment(name, config, scale) and window.__listExperiments(); progress lines go to the console (the CLI streams it to stderr).
// Opened by hand with #name=…&scale=…&key=value, it runs that and shows the lines and the PNGs.
// Imports experiments (registry, runtime), ./run-experiment-core and scripts/experiment-args.mjs.
import { camelCase, parseValue } from '../scripts/experiment-args.mjs';
import { experiments, findExperiment } from '../src/experiments/registry';
import { getRuntime } from '../src/experiments/runtime';
import type { Scale } from '../src/experiments/types';
import { ConfigError } from '../src/util/errors';
import { runExperimentRequest, validateRequest, type PageOutcome } from './run-experiment-core';

interface RunOptions {
  scale?: Scale;
  weights?: Record<string, string>;
}

declare global {
  interface Window {
    __runExperiment?: (name: string, config?: Record<string, unknown>, options?: RunOptions) => Promise<string>;
    __validateExperiment?: (name: string, config?: Record<string, unknown>, scale?: Scale) => string;
    __listExperiments?: () => { name: string; title: string; description: string }[];
    __abortExperiment?: () => void;
    __experimentPageReady?: boolean;
  }
}

const logEl = document.getElementById('log');
const statusEl = document.getElementById('status');

function show(line: string): void {
  console.info(line);
  if (logEl) logEl.textContent += `${line}\n`;
}

/** findExperiment, with a clearer refusal while nothing is registered. */
function find(name: string) {
  if (experiments().length === 0)
    throw new ConfigError(
      `experiment: no experiments are registered; expected src/experiments/registry.ts to list at least one. Nothing to run for "${name}".`,
    );
  return findExperiment(name);
}

let controller: AbortController | null = null;

async function run(name: string, config: Record<string, unknown> = {}, options: RunOptions = {}): Promise<PageOutcome> {
  controller?.abort();
  controller = new AbortController();
  return runExperimentRequest(
    { name, config, scale: options.scale ?? 'small', weights: options.weights },
    { find, runtime: getRuntime, onLine: show, signal: controller.signal },
  );
}

window.__runExperiment = async (name, config, options) => JSON.stringify(await run(name, config, options));
window.__validateExperiment = (name, config = {}, scale = 'small') => {
  const checked = validateRequest({ name, config, scale }, find);
  return JSON.stringify(
    checked.status === 'ok'
      ? { status: 'ok', name: checked.def.name, title: checked.def.title, config: checked.config }
      : checked,
  );
};
window.__listExperiments = () =>
  experiments().map((e) => ({ name: e.name, title: e.title, description: e.description }));
window.__abortExperiment = () => controller?.abort();

/** #name=fc-train&scale=tiny&train-size=600 (or config={"trainSize":600}) → a request. */
function requestFromHash(hash: string): { name: string; config: Record<string, unknown>; scale: Scale } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const name = params.get('name');
  if (!name) return null;
  const config: Record<string, unknown> = params.has('config')
    ? (JSON.parse(params.get('config')!) as Record<string, unknown>)
    : {};
  for (const [k, v] of params) if (!['name', 'scale', 'config'].includes(k)) config[camelCase(k)] = parseValue(v, k);
  return { name, config, scale: (params.get('scale') as Scale | null) ?? 'small' };
}

async function runFromHash(): Promise<void> {
  let request: ReturnType<typeof requestFromHash>;
  try {
    request = requestFromHash(location.hash);
  } catch (e) {
    if (statusEl) statusEl.textContent = `Bad address: ${e instanceof Error ? e.message : String(e)}`;
    return;
  }
  if (!request) {
    if (statusEl)
      statusEl.textContent = `Ready. Experiments: ${
        experiments()
          .map((e) => e.name)
          .join(', ') || 'none registered'
      }.`;
    return;
  }
  if (statusEl) statusEl.textContent = `Running ${request.name} (${request.scale})…`;
  const outcome = await run(request.name, request.config, { scale: request.scale });
  if (outcome.status !== 'ok') {
    if (statusEl)
      statusEl.textContent = `${outcome.status === 'config-error' ? 'Refused' : 'Failed'}: ${outcome.message}`;
    return;
  }
  if (statusEl) statusEl.textContent = `Done: ${outcome.files.length} files.`;
  const files = document.getElementById('files');
  for (const f of outcome.files.filter((x) => x.name.endsWith('.png'))) {
    const img = document.createElement('img');
    img.alt = f.name;
    img.src = `data:image/png;base64,${f.base64}`;
    files?.append(img);
  }
  const pre = document.createElement('pre');
  pre.textContent = outcome.resultJson;
  files?.append(pre);
}

window.__experimentPageReady = true;
void runFromHash();
