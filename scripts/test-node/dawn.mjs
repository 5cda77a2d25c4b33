// dawn.mjs: which adapter Dawn's Node bindings (the `webgpu` package) give this machine, and the
// environment that points Dawn's Vulkan backend at SwiftShader's driver on a machine without a GPU.
// Used by scripts/test-node.mjs and test/e2e/run.mjs. Imports node built-ins only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** SwiftShader's Vulkan driver description: SWIFTSHADER_ICD, or the one Debian's chromium package ships. */
export function swiftshaderIcd() {
  return process.env.SWIFTSHADER_ICD ?? '/usr/lib/chromium/vk_swiftshader_icd.json';
}

/**
 * The environment for a Node process that loads Dawn: this one's, and with `swiftshader`, Vulkan limited to
 * SwiftShader's driver (VK_ICD_FILENAMES) with the Vulkan loader that ships beside it on LD_LIBRARY_PATH.
 * Throws, saying how to get the driver, when its description file is missing.
 * @param {boolean} swiftshader
 * @returns {NodeJS.ProcessEnv}
 */
export function dawnEnvironment(swiftshader) {
  const env = { ...process.env };
  if (!swiftshader) return env;
  const icd = swiftshaderIcd();
  if (!existsSync(icd)) {
    throw new Error(
      `SwiftShader's Vulkan driver description ${icd} does not exist. Install Chromium, which ships it ` +
        '(sudo apt-get install -y chromium), or set SWIFTSHADER_ICD to a vk_swiftshader_icd.json.',
    );
  }
  const libs = dirname(icd);
  env.VK_ICD_FILENAMES = icd;
  env.LD_LIBRARY_PATH = env.LD_LIBRARY_PATH ? `${libs}:${env.LD_LIBRARY_PATH}` : libs;
  return env;
}

/**
 * @typedef {{ vendor: string, architecture: string, device: string, description: string, isFallback: boolean }} DawnAdapter
 */

/**
 * Asks Dawn for an adapter (navigator.gpu.requestAdapter(), Dawn options from WEBGPU_DAWN_OPTIONS) in a
 * fresh Node with `env`: the Vulkan loader reads its environment when the process starts.
 * @param {NodeJS.ProcessEnv} env
 * @returns {DawnAdapter | { error: string }}
 */
export function probeDawnAdapter(env) {
  const script = `
    import { create, globals } from 'webgpu';
    Object.assign(globalThis, globals);
    const options = (process.env.WEBGPU_DAWN_OPTIONS ?? '').split(/\\s+/).filter(Boolean);
    const a = await create(options).requestAdapter();
    const i = a?.info;
    process.stdout.write(JSON.stringify(a ? { vendor: i.vendor, architecture: i.architecture, device: i.device,
      description: i.description, isFallback: a.isFallbackAdapter === true } : null));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env, encoding: 'utf8' });
  const stderr = r.stderr.trim().split('\n');
  if (r.status !== 0) return { error: `the probe exited with ${r.status}: ${stderr.slice(-3).join(' | ')}` };
  /** @type {DawnAdapter | null} */
  const reply = JSON.parse(r.stdout || 'null');
  return reply ?? { error: `requestAdapter() returned null${stderr[0] ? ` (Dawn: ${stderr[0]})` : ''}` };
}

/**
 * A one-line name, e.g. "nvidia hopper NVIDIA H100 (NVIDIA: 580.1)".
 * @param {DawnAdapter} a
 */
export function dawnAdapterName(a) {
  const name = [a.vendor, a.architecture, a.device].filter((s) => s).join(' ') || 'unnamed adapter';
  return a.description ? `${name} (${a.description})` : name;
}

/**
 * The adapter Dawn finds; with `fallback` 'swiftshader-without-gpu', SwiftShader's when it finds none
 * otherwise (said on stdout), with 'swiftshader' always SwiftShader's. Throws when there is none.
 * @param {'none' | 'swiftshader' | 'swiftshader-without-gpu'} choice
 * @returns {{ adapter: DawnAdapter, env: NodeJS.ProcessEnv, swiftshader: boolean }}
 */
export function chooseDawnAdapter(choice) {
  let swiftshader = choice === 'swiftshader';
  let env = dawnEnvironment(swiftshader);
  let adapter = probeDawnAdapter(env);
  if ('error' in adapter && choice === 'swiftshader-without-gpu') {
    process.stdout.write(`Dawn finds no adapter (${adapter.error}); using SwiftShader's Vulkan driver\n`);
    swiftshader = true;
    env = dawnEnvironment(true);
    adapter = probeDawnAdapter(env);
  }
  if ('error' in adapter) {
    throw new Error(
      `Dawn finds no WebGPU adapter: ${adapter.error}.\n` +
        'With a GPU, Dawn needs its Vulkan driver (libvulkan.so.1 and the vendor ICD). ' +
        "Without one, use SwiftShader's: npm run test:node -- --swiftshader",
    );
  }
  return { adapter, env, swiftshader };
}
