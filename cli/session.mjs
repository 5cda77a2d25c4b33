// session.mjs: where the command line runs experiments. `--runner browser` opens cli/run-experiment.html
// in headless Chromium (WebGPU on SwiftShader); `--runner node` imports the Node runner's bundle
// (cli/node/main.ts on Dawn's bindings, the `webgpu` package) into this process; `auto` picks the
// browser where Chromium is installed, else node. Both answer through one interface, so
// experiment.mjs and reproduce.mjs print the same lines and write the same files either way.
// nodeGpuEnvironment() chooses the Vulkan driver for the Node runner: the system's where one is
// installed, else SwiftShader's from Chromium (AE_SWIFTSHADER=1 asks for it); the process re-runs
// itself once with that environment, since the library path is read only at start.
// Imports ../scripts/browser.mjs and ./node/build.mjs.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CHROMIUM_PATH, openRepoPage } from '../scripts/browser.mjs';
import { buildNodeRunner } from './node/build.mjs';
import { UsageError } from './experiment-args.mjs';

const PAGE = 'cli/run-experiment.html';

/** @typedef {'auto' | 'browser' | 'node'} RunnerChoice */
/** @typedef {{ seconds?: number, steps?: number }} CheckpointPolicy */
/** @typedef {{ name: string, steps: number, epochs: number, batchSize: number, samples: number, secondsPerStep: number }} PlannedModel */
/**
 * @typedef {{ status: 'ok', resultJson: string, files: { name: string, base64: string }[], lines: number }
 *   | { status: 'config-error', message: string } | { status: 'failed', message: string, deviceLost: boolean }} Outcome
 * @typedef {{ status: 'ok', name: string, title: string, config: Record<string, unknown> }
 *   | { status: 'config-error' | 'failed', message: string, deviceLost?: boolean }} Checked
 * @typedef {{ scale: import('./experiment-args.mjs').Scale, weights?: Record<string, string>, checkpointDir?: string,
 *   policy?: CheckpointPolicy, plan?: boolean }} RunOptions
 * @typedef {object} Session
 * @property {'browser' | 'node'} runner
 * @property {() => Promise<{ name: string, title: string, description: string }[]>} list
 * @property {(name: string | null) => Promise<string>} help
 * @property {(name: string, config: Record<string, unknown>, scale: string) => Promise<Checked>} validate
 * @property {(name: string, config: Record<string, unknown>, options: RunOptions) => Promise<{ outcome: Outcome, plan: PlannedModel[] | null }>} run
 * @property {() => Promise<{ name: string, isFallback: boolean }>} adapter
 * @property {() => Promise<void>} close
 */

/** The runners --runner accepts. */
export const RUNNERS = /** @type {const} */ (['auto', 'browser', 'node']);

/**
 * The runner to use: `auto` means the browser where Chromium is installed, else node.
 * @param {string} choice
 * @returns {'browser' | 'node'}
 */
export function resolveRunner(choice) {
  if (choice === 'browser' || choice === 'node') return choice;
  if (choice !== 'auto') throw new UsageError(`--runner: unknown runner "${choice}"; expected auto, browser or node.`);
  return existsSync(CHROMIUM_PATH) ? 'browser' : 'node';
}

const ICD_DIRS = ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
const LIB_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/lib64',
  '/lib',
];

/** True when a Vulkan loader and at least one driver (ICD) of the system can be found. */
function systemVulkan() {
  const env = process.env;
  const libs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LIB_DIRS];
  const loader = libs.some((d) => existsSync(join(d, 'libvulkan.so.1')));
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return loader;
  const dirs = [...ICD_DIRS, join(env.XDG_DATA_HOME ?? join(homedir(), '.local/share'), 'vulkan/icd.d')];
  const icd = dirs.some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
  return loader && icd;
}

/**
 * Makes sure the Node runner finds a Vulkan driver: where the system has none (or AE_SWIFTSHADER=1),
 * re-runs this process with SwiftShader's driver from Chromium's folder (AE_SWIFTSHADER_DIR, else the
 * folder of Chromium's libraries) and exits with its status. Returns the driver in use otherwise.
 * The child ends itself when this process dies (its stdin is a pipe from here).
 * @returns {Promise<string>}
 */
export async function nodeGpuEnvironment() {
  if (process.env.AE_NODE_RUNNER_CHILD === '1') {
    process.stdin.on('end', () => process.exit(137)).on('error', () => process.exit(137));
    process.stdin.resume();
    return process.env.AE_NODE_DRIVER ?? 'system';
  }
  const forced = process.env.AE_SWIFTSHADER === '1';
  if (!forced && systemVulkan()) return 'system';
  const candidates = [process.env.AE_SWIFTSHADER_DIR, '/usr/lib/chromium', dirname(CHROMIUM_PATH)].filter(
    (d) => typeof d === 'string' && d !== '',
  );
  const dir = candidates.find((d) => existsSync(join(/** @type {string} */ (d), 'vk_swiftshader_icd.json')));
  if (!dir)
    throw new UsageError(
      `--runner node: no Vulkan driver found (no libvulkan.so.1 with an ICD in ${ICD_DIRS.join(', ')}) and no SwiftShader (vk_swiftshader_icd.json in ${candidates.join(', ')}); expected a GPU driver, or Chromium's SwiftShader (set AE_SWIFTSHADER_DIR to its folder).`,
    );
  process.stderr.write(
    `[runner] node: ${forced ? 'AE_SWIFTSHADER=1' : 'no GPU driver (Vulkan) on this machine'}; using SwiftShader's Vulkan driver (CPU) from ${dir}\n`,
  );
  const env = {
    ...process.env,
    AE_NODE_RUNNER_CHILD: '1',
    AE_NODE_DRIVER: 'swiftshader',
    LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    VK_ICD_FILENAMES: join(dir, 'vk_swiftshader_icd.json'),
  };
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    env,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']))
    process.on(signal, () => child.kill(signal));
  const code = await new Promise((resolve) => child.on('close', (c, s) => resolve(c ?? (s === 'SIGINT' ? 130 : 143))));
  process.exit(code);
}

/**
 * Opens a session on the chosen runner. `log` receives progress lines.
 * @param {'browser' | 'node'} runner
 * @param {(line: string) => void} log
 * @returns {Promise<Session>}
 */
export async function openSession(runner, log) {
  return runner === 'node' ? openNodeSession(log) : openBrowserSession(log);
}

/**
 * @param {(line: string) => void} log
 * @returns {Promise<Session>}
 */
async function openNodeSession(log) {
  const driver = await nodeGpuEnvironment();
  const bundle = await buildNodeRunner();
  /** @type {typeof import('./node/main')} */
  const m = await import(bundle);
  m.serveDataFolder(resolve(process.env.AE_DATA_DIR ?? join(dirname(dirname(bundle)), '..', 'public', 'data')));
  let said = false;
  const adapter = async () => {
    const a = await m.adapter();
    if (!said) {
      said = true;
      log(
        `[runner] node: adapter ${a.name}${a.isFallback ? ` — a CPU implementation, not a GPU${driver === 'swiftshader' ? '' : ' (no GPU adapter was offered)'}` : ''}`,
      );
    }
    return a;
  };
  return {
    runner: 'node',
    list: async () => m.listExperiments(),
    help: async (name) => m.helpText(name),
    validate: async (name, config, scale) => JSON.parse(m.validate(name, config, /** @type {never} */ (scale))),
    async run(name, config, options) {
      await adapter();
      const r = await m.run(name, config, { ...options, onLine: log });
      return { outcome: /** @type {Outcome} */ (r.outcome), plan: r.plan };
    },
    adapter,
    close: async () => {},
  };
}

/**
 * @param {(line: string) => void} log
 * @returns {Promise<Session>}
 */
async function openBrowserSession(log) {
  const session = await openRepoPage(`/${PAGE}`, { entries: [PAGE], console: log });
  const { page } = session;
  await page.waitForFunction(() => window.__experimentPageReady === true, { timeout: 120_000, polling: 100 });
  /** @type {string | null} */
  let checkpointDir = null;
  const { mkdirSync, readFileSync, readdirSync: list } = await import('node:fs');
  const { writeAtomic } = await import('../scripts/write-atomic.mjs');
  await page.exposeFunction('__saveCheckpoint', (/** @type {string} */ file, /** @type {string} */ base64) => {
    if (checkpointDir === null || !/^[A-Za-z0-9][A-Za-z0-9._=+-]*$/.test(file))
      throw new Error(`the page asked to save a checkpoint "${file}" with no checkpoint folder`);
    mkdirSync(checkpointDir, { recursive: true });
    const path = join(checkpointDir, file);
    writeAtomic(path, Buffer.from(base64, 'base64'));
    return true;
  });
  return {
    runner: 'browser',
    list: () =>
      page.evaluate(() => /** @type {NonNullable<Window['__listExperiments']>} */ (window.__listExperiments)()),
    help: (name) =>
      page.evaluate((n) => /** @type {NonNullable<Window['__experimentHelp']>} */ (window.__experimentHelp)(n), name),
    validate: async (name, config, scale) =>
      JSON.parse(
        await page.evaluate(
          (n, c, s) =>
            /** @type {NonNullable<Window['__validateExperiment']>} */ (window.__validateExperiment)(
              n,
              c,
              /** @type {never} */ (s),
            ),
          name,
          config,
          scale,
        ),
      ),
    async run(name, config, options) {
      checkpointDir = options.checkpointDir ?? null;
      /** @type {Record<string, string>} */
      const checkpoints = {};
      if (checkpointDir && existsSync(checkpointDir))
        for (const f of list(checkpointDir).filter((x) => x.endsWith('.ckpt.safetensors')))
          checkpoints[f] = readFileSync(join(checkpointDir, f)).toString('base64');
      /** @type {Promise<never>} */
      const died = new Promise((_, reject) => {
        page.once('error', reject);
        session.browser.once('disconnected', () => reject(new Error('the browser disconnected')));
      });
      died.catch(() => {});
      /** @type {string} */
      let raw;
      try {
        raw = await Promise.race([
          page.evaluate(
            (n, c, o) => /** @type {NonNullable<Window['__runExperiment']>} */ (window.__runExperiment)(n, c, o),
            name,
            config,
            {
              scale: options.scale,
              weights: options.weights ?? {},
              checkpoints: checkpointDir ? { files: checkpoints, policy: options.policy ?? {} } : undefined,
              plan: options.plan === true,
            },
          ),
          died,
        ]);
      } catch (e) {
        return {
          outcome: {
            status: 'failed',
            message: `the browser page stopped answering (${e instanceof Error ? e.message : String(e)}); expected a result. The renderer may have crashed or run out of memory; try --scale tiny or a smaller config.`,
            deviceLost: false,
          },
          plan: null,
        };
      }
      const parsed = JSON.parse(raw);
      const { plan = null, ...outcome } = parsed;
      return { outcome, plan };
    },
    adapter: () =>
      page.evaluate(() => /** @type {NonNullable<Window['__describeAdapter']>} */ (window.__describeAdapter)()),
    close: () => session.close(),
  };
}
