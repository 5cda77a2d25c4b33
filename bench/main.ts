// main.ts: the bench page. Reads its options from the query string (rounds, smoke, only, budget), runs
// the suite (bench/suite.ts) on our engine, tfjs's WebGPU backend and jax-js's WebGPU device in this
// page, logs progress lines to the console (bench/run.mjs forwards them), and leaves the result object on
// `window.benchResult` (or the failure on `window.benchError`). Imports tfjs (ES build, through Vite),
// jax-js, the data layer and the suite.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import * as jax from '@jax-js/jax';
import { loadDataset } from '../src/data/datasets';
import { runSuite, type BenchResult } from './suite';
import type { Size, Tf } from './workloads/index';

declare global {
  interface Window {
    benchResult?: BenchResult;
    benchError?: string;
  }
}

const log = (line: string) => {
  console.log(`[bench] ${line}`);
  document.getElementById('log')!.textContent += `${line}\n`;
};

const q = new URLSearchParams(location.search);
const size: Size = q.get('smoke') === '1' ? 'smoke' : 'full';
runSuite({
  rounds: Number(q.get('rounds') ?? 5),
  size,
  budget: Number(q.get('budget') ?? 0),
  only: q.get('only') ? q.get('only')!.split(',').map((s) => s.trim()).filter(Boolean) : null,
  tuning: q.get('tuning') ? JSON.parse(q.get('tuning')!) : null,
  host: 'chromium',
  log,
  tf: tf as unknown as Tf,
  jax,
  loadFashion: () => loadDataset('fashion-mnist'),
}).then(
  (result) => {
    log('done');
    window.benchResult = result;
  },
  (e: unknown) => {
    const message = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    log(`FAILED: ${message}`);
    window.benchError = message;
  },
);
