// chromium-flags.mjs: the command-line flags of every headless Chromium this project starts (the test
// runner, `npm run experiment`, the benchmark), so WebGPU comes up the same way everywhere. Imports nothing.
export const CHROMIUM_FLAGS = [
  '--no-sandbox', // tests run as root in containers, where the sandbox cannot start
  '--headless=new', // full Chromium in new headless mode; the old headless shell has no WebGPU
  '--enable-unsafe-webgpu', // WebGPU on Linux is still behind this flag
  '--enable-features=Vulkan', // Dawn's Vulkan backend...
  '--use-vulkan=swiftshader', // ...on SwiftShader, the CPU Vulkan implementation
  '--use-webgpu-adapter=swiftshader', // offer the SwiftShader adapter to requestAdapter()
  '--use-angle=swiftshader', // keep ANGLE off any (absent) hardware GPU
  '--disable-background-networking', // the machine has no network: no update or
  '--disable-component-update', //   component fetches that would fail and
  '--disable-sync', //   slow the start
  '--no-first-run',
];

/** The Chromium binary: $CHROMIUM_PATH, else the system's. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
