// node-main.ts: the benchmark from Node on Dawn's bindings (the `webgpu` package), for machines with a
// GPU and no browser. The same suite as the bench page (bench/suite.ts): our engine gets the entry point
// from webgpu's create(); tfjs and jax-js find it as navigator.gpu, which they read themselves.
// Bundled by bench/node.mjs (`npm run bench:node`); the bundle runs on its own beside
// node_modules/webgpu. Datasets are read from the prepared files (public/data, or --data DIR).
// The cold first-step workload runs each of its measurements in a fresh `node` process of this same
// bundle (`--cold PEER` with this run's size, data folder and tuning), which prints its outcome as one
// marked JSON line on stdout.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create, globals } from 'webgpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as jax from '@jax-js/jax';
import { loadDataset } from '../src/data/datasets';
import { finishRun, parseBenchArgs, resultFile, tuningArg, usage, type BenchArgs } from './report.mjs';
import { runColdChild, runSuite } from './suite';
import type { ColdOutcome, ColdRunner, Tf } from './workloads/index';

/** Starts the stdout line that carries a cold child's reply ({ outcome } or { error }) as JSON. */
const COLD_MARK = 'bench-cold-reply ';

/** A fetch over a local folder: loadDataset asks for `<base>manifest.json` and the files it lists. */
function folderFetch(dir: string): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const name = String(input).replace(/^file:\/*data\//, '');
    try {
      return new Response(readFileSync(join(dir, name)));
    } catch (e) {
      return new Response(`cannot read ${join(dir, name)}: ${(e as Error).message}`, { status: 404 });
    }
  }) as typeof fetch;
}

/**
 * Runs each cold measurement as `node <this bundle> --cold PEER` with the run's size, data folder and
 * tuning; the child's stderr is forwarded line by line. Rejects with the child's error, or with its exit
 * status and last stderr lines when it printed no reply.
 */
function coldRunner(opts: BenchArgs, dataDir: string): ColdRunner {
  const script = fileURLToPath(import.meta.url);
  return (peer) =>
    new Promise<ColdOutcome>((resolveOutcome, reject) => {
      const args = [
        ...process.execArgv,
        script,
        '--cold',
        peer,
        '--data',
        dataDir,
        ...(opts.smoke ? ['--smoke'] : []),
        ...(opts.tuning ? ['--tuning', tuningArg(opts.tuning)] : []),
      ];
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let partial = '';
      const tail: string[] = [];
      const forward = (line: string) => {
        process.stderr.write(`[cold ${peer}] ${line}\n`);
        tail.push(line);
        if (tail.length > 20) tail.shift();
      };
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        const lines = (partial + d).split('\n');
        partial = lines.pop()!;
        lines.forEach(forward);
      });
      child.on('error', (e) =>
        reject(new Error(`could not start ${process.execPath} ${args.join(' ')}: ${e.message}`)),
      );
      child.on('close', (code, signal) => {
        if (partial) forward(partial);
        const line = stdout
          .split('\n')
          .reverse()
          .find((l) => l.startsWith(COLD_MARK));
        const reply = line
          ? (JSON.parse(line.slice(COLD_MARK.length)) as { outcome: ColdOutcome } | { error: string })
          : null;
        if (reply && 'error' in reply) reject(new Error(reply.error));
        else if (reply && code === 0) resolveOutcome(reply.outcome);
        else {
          reject(
            new Error(
              `node ${args.join(' ')} exited with ${signal ?? `code ${code}`} and no reply; its last stderr lines: ${tail.join(' | ') || '(none)'}`,
            ),
          );
        }
      });
    });
}

async function main(): Promise<number> {
  let opts: BenchArgs;
  try {
    opts = parseBenchArgs(process.argv.slice(2), { node: true });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${usage('bench:node')}\n`);
    return 0;
  }
  Object.assign(globalThis, globals);
  const gpuApi = create([]) as GPU;
  // tfjs and jax-js look for navigator.gpu; Node ≥ 21 has a navigator without it.
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpuApi, configurable: true });
  else
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu: gpuApi, userAgent: `node ${process.version}` },
      configurable: true,
    });

  // The WebGPU backend registers itself on load only if navigator.gpu is there, so it loads now.
  await import('@tensorflow/tfjs-backend-webgpu');

  const dataDir = resolve(opts.data ?? 'public/data');
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const loadFashion = () => loadDataset('fashion-mnist', { baseUrl: 'file:data/', fetch: folderFetch(dataDir) });
  if (opts.cold) {
    try {
      const outcome = await runColdChild({
        peer: opts.cold,
        size: opts.smoke ? 'smoke' : 'full',
        tuning: opts.tuning,
        log,
        tf: tf as unknown as Tf,
        jax,
        gpuApi,
        loadFashion,
      });
      process.stdout.write(`${COLD_MARK}${JSON.stringify({ outcome })}\n`);
      return 0;
    } catch (e) {
      log(`cold ${opts.cold} FAILED: ${e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e)}`);
      process.stdout.write(`${COLD_MARK}${JSON.stringify({ error: e instanceof Error ? e.message : String(e) })}\n`);
      return 1;
    }
  }
  const result = await runSuite({
    rounds: opts.rounds,
    size: opts.smoke ? 'smoke' : 'full',
    budget: opts.budget,
    only: opts.only
      ? opts.only
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : null,
    tuning: opts.tuning,
    host: `node ${process.version} (webgpu: Dawn bindings)`,
    log,
    tf: tf as unknown as Tf,
    jax,
    gpuApi,
    loadFashion,
    cold: coldRunner(opts, dataDir),
  });
  const write = (file: string, text: string) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  return finishRun(result, opts, opts.out ?? resultFile(result, 'node'), write, log);
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e)}\n`);
    process.exit(1);
  },
);
