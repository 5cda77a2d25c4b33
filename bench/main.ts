// main.ts: the bench page. Reads its options from the query string (rounds, smoke, only, budget,
// tuning), runs the suite (bench/suite.ts) on our engine, tfjs's WebGPU backend and jax-js's WebGPU
// device in this page, logs progress lines to the console (bench/run.mjs forwards them), and leaves the
// result object on `window.benchResult` (or the failure on `window.benchError`). The cold first-step
// measurements go through `window.benchCold`, which bench/run.mjs provides: it opens this page in a
// freshly launched Chromium with `?cold=PEER` (plus smoke / tuning), where the page runs only that one
// cold first step (runColdChild) and leaves `window.coldDone` resolving to its outcome or error.
// Imports tfjs (ES build, through Vite), jax-js, the data layer and the suite.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import * as jax from '@jax-js/jax';
import { loadDataset } from '../src/data/datasets';
import { runColdChild, runSuite, type BenchResult } from './suite';
import type { ColdOutcome, ColdRunner, Size, Tf } from './workloads/index';

/** What a cold page resolves to, and what window.benchCold answers. */
type ColdReply = { outcome: ColdOutcome } | { error: string };

declare global {
  interface Window {
    benchResult?: BenchResult;
    benchError?: string;
    /** Runs one cold first step of a peer in a fresh browser (provided by bench/run.mjs). */
    benchCold?: (peer: string) => Promise<ColdReply>;
    coldDone?: Promise<ColdReply>;
  }
}

const log = (line: string) => {
  console.log(`[bench] ${line}`);
  document.getElementById('log')!.textContent += `${line}\n`;
};

const errorText = (e: unknown) => (e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e));

const q = new URLSearchParams(location.search);
const size: Size = q.get('smoke') === '1' ? 'smoke' : 'full';
const tuning = q.get('tuning') ? JSON.parse(q.get('tuning')!) : null;
const loadFashion = () => loadDataset('fashion-mnist');
const coldPeer = q.get('cold');

if (coldPeer !== null) {
  window.coldDone = runColdChild({ peer: coldPeer, size, tuning, log, tf: tf as unknown as Tf, jax, loadFashion }).then(
    (outcome): ColdReply => ({ outcome }),
    (e: unknown): ColdReply => {
      log(`FAILED: ${errorText(e)}`);
      return { error: e instanceof Error ? e.message : String(e) };
    },
  );
} else {
  const benchCold = window.benchCold;
  const cold: ColdRunner | undefined =
    benchCold &&
    (async (peer) => {
      const reply = await benchCold(peer);
      if ('error' in reply) throw new Error(reply.error);
      return reply.outcome;
    });
  runSuite({
    rounds: Number(q.get('rounds') ?? 5),
    size,
    budget: Number(q.get('budget') ?? 0),
    only: q.get('only')
      ? q
          .get('only')!
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : null,
    tuning,
    host: 'chromium',
    log,
    tf: tf as unknown as Tf,
    jax,
    loadFashion,
    cold,
  }).then(
    (result) => {
      log('done');
      window.benchResult = result;
    },
    (e: unknown) => {
      const message = errorText(e);
      log(`FAILED: ${message}`);
      window.benchError = message;
    },
  );
}
