// run-experiment.ts: the page behind `npm run experiment` (cli/run-experiment.html). Exposes
// window.__runExperiment(name, config, {scale, weights}) → JSON text of a PageOutcome,
// window.__validateExperiment(name, config, scale), window.__listExperiments() and
// window.__experimentHelp(name?) (the --help text from the experiment's schema); progress lines go to
// the console (the CLI streams it to stderr).
// Opened by hand with #name=…&scale=…&key=value, it runs that and shows the lines and the PNGs.
// Imports experiments (kit, registry, runtime) and ./run-experiment-core.
import { DEFAULT_SCALE, experimentHelp, experimentList } from '../src/experiments/kit/index';
import { experiments, findExperiment } from '../src/experiments/registry';
import { describeAdapter, getRuntime } from '../src/experiments/runtime';
import type { Scale } from '../src/experiments/types';
import { ConfigError } from '../src/util/errors';
import { base64ToBytes, bytesToBase64 } from '../src/ui/render/index';
import { checkpointStore, type PlannedModel, planStore } from './checkpoint-store';
import { type PageOutcome, requestFromAddress, runExperimentRequest, validateRequest } from './run-experiment-core';

interface RunOptions {
  scale?: Scale;
  weights?: Record<string, string>;
  checkpoints?: { files: Record<string, string>; policy: { seconds?: number; steps?: number } };
  plan?: boolean;
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

async function run(
  name: string,
  config: Record<string, unknown> = {},
  options: RunOptions = {},
): Promise<PageOutcome & { plan?: PlannedModel[] }> {
  controller?.abort();
  controller = new AbortController();
  const planning = options.plan ? planStore() : null;
  const kept = options.checkpoints;
  const checkpoints =
    planning ??
    (kept
      ? checkpointStore(
          {
            load: (file) => (kept.files[file] === undefined ? null : base64ToBytes(kept.files[file])),
            async save(file, bytes) {
              const save = window.__saveCheckpoint;
              if (!save) throw new Error('checkpoints: the page has no __saveCheckpoint to hand them to.');
              await save(file, bytesToBase64(bytes));
            },
          },
          kept.policy,
        )
      : undefined);
  const outcome = await runExperimentRequest(
    { name, config, scale: options.scale ?? DEFAULT_SCALE, weights: options.weights },
    { find, runtime: getRuntime, onLine: show, signal: controller.signal, checkpoints },
  );
  return planning ? { ...outcome, plan: planning.models } : outcome;
}

window.__runExperiment = async (name, config, options) => JSON.stringify(await run(name, config, options));
window.__describeAdapter = async () => {
  const d = describeAdapter(await getRuntime());
  return { name: d.name, isFallback: d.isFallback || /swiftshader|llvmpipe|lavapipe/i.test(d.name) };
};
window.__validateExperiment = (name, config = {}, scale = DEFAULT_SCALE) => {
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
window.__experimentHelp = (name) =>
  name
    ? experimentHelp(find(name))
    : `experiments (npm run experiment -- <name> --help for its settings):\n${experimentList(experiments())}`;

async function runFromHash(): Promise<void> {
  let request: ReturnType<typeof requestFromAddress>;
  try {
    request = requestFromAddress(location.hash);
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
