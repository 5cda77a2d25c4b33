// registry.ts: WGSL kernels reflected with wgsl_reflect; pipelines, bind-group layouts, uniform
// packing, workgroup sizes (for the grids of dispatch.ts) and override values all come from the
// reflection. The registry also holds the adapter's Tuning. Imports gpu and util.
//
// A dispatch binds resources BY NAME. A missing, extra or mistyped binding, or a uniform field that
// the shader does not declare, is a KernelBindingError naming the kernel and the binding, raised
// before anything reaches the GPU.
import { WgslReflect, ResourceType, type FunctionInfo, type VariableInfo } from 'wgsl_reflect';
import type { Gpu } from '../gpu/device';
import { isStorage, UNIFORM, type ManagedBuffer } from '../gpu/buffers';
import { KernelBindingError } from '../util/errors';
import { tuningFor, type Tuning } from './tuning';

export type BindingKind = 'uniform' | 'read' | 'read_write';

export interface BindingInfo {
  name: string;
  binding: number;
  kind: BindingKind;
}

export interface UniformField {
  name: string;
  offset: number;
  /** 'u32' | 'i32' | 'f32', the scalar type of the field (or of each vector component). */
  scalar: 'u32' | 'i32' | 'f32';
  /** Number of components (1 for scalars, 2–4 for vectors). */
  components: number;
}

/** What reflection tells us about one entry point. */
export interface EntryInfo {
  shader: string;
  entry: string;
  bindings: BindingInfo[];
  /** The uniform struct behind the `params` binding, if the entry uses one. */
  uniform: { name: string; byteSize: number; fields: UniformField[] } | null;
  /** Workgroup size attribute: numbers or override names. */
  workgroupSizeExpr: (number | string)[];
  /** Override names with their defaults (as declared; may be undefined). */
  overrides: Map<string, number | undefined>;
}

/** A shader source with its file stem (`matmul` for shaders/matmul.wgsl). */
export interface ShaderSource {
  name: string;
  source: string;
}

const reflectCache = new Map<string, Map<string, EntryInfo>>();

/** GPUShaderStage.COMPUTE, as a number (no DOM globals under Dawn's Node bindings). */
const COMPUTE_STAGE = 0x4;

function scalarOf(
  typeName: string,
  formatName: string | undefined,
): { scalar: UniformField['scalar']; components: number } | null {
  const scalars = ['u32', 'i32', 'f32'];
  if (scalars.includes(typeName)) return { scalar: typeName as UniformField['scalar'], components: 1 };
  const m = /^vec([234])(?:<(\w+)>)?$/.exec(typeName);
  if (m) {
    const inner = m[2] ?? formatName;
    if (inner && scalars.includes(inner)) return { scalar: inner as UniformField['scalar'], components: Number(m[1]) };
  }
  const short = /^vec([234])([uif])$/.exec(typeName);
  if (short) return { scalar: `${short[2]}32` as UniformField['scalar'], components: Number(short[1]) };
  return null;
}

function bindingKind(v: VariableInfo, where: string): BindingKind {
  if (v.resourceType === ResourceType.Uniform) return 'uniform';
  if (v.resourceType === ResourceType.Storage) return v.access === 'read_write' ? 'read_write' : 'read';
  throw new KernelBindingError(
    `${where}: binding "${v.name}" is a ${ResourceType[v.resourceType]}; only uniform and storage buffers are supported.`,
  );
}

/** Reflects a shader once; returns its compute entry points by name. */
export function reflectShader(shader: ShaderSource): Map<string, EntryInfo> {
  const cached = reflectCache.get(shader.name);
  if (cached) return cached;
  let reflect: WgslReflect;
  try {
    reflect = new WgslReflect(shader.source);
  } catch (e) {
    throw new KernelBindingError(`${shader.name}.wgsl: the shader does not parse: ${(e as Error).message}`);
  }
  const overrideDefaults = new Map<string, number | undefined>();
  for (const o of reflect.overrides) {
    const decl = new RegExp(`override\\s+${o.name}\\s*(?::\\s*\\w+)?\\s*=\\s*([-0-9.eE]+)`).exec(shader.source);
    overrideDefaults.set(o.name, decl ? Number(decl[1]) : undefined);
  }
  const entries = new Map<string, EntryInfo>();
  for (const f of reflect.entry.compute as FunctionInfo[]) {
    const where = `${shader.name}.wgsl#${f.name}`;
    const bindings: BindingInfo[] = [];
    let uniform: EntryInfo['uniform'] = null;
    for (const v of f.resources) {
      if (v.group !== 0)
        throw new KernelBindingError(`${where}: binding "${v.name}" is in group ${v.group}; expected group 0 only.`);
      const kind = bindingKind(v, where);
      bindings.push({ name: v.name, binding: v.binding, kind });
      if (kind === 'uniform') {
        if (uniform)
          throw new KernelBindingError(
            `${where}: more than one uniform binding ("${uniform.name}", "${v.name}"); expected one params struct.`,
          );
        const fields: UniformField[] = [];
        for (const m of v.members ?? []) {
          const s = scalarOf(m.type.name, m.format?.name);
          if (!s)
            throw new KernelBindingError(
              `${where}: uniform field "${m.name}" has type ${m.type.getTypeName()}; expected a 32-bit scalar or vector.`,
            );
          fields.push({ name: m.name, offset: m.offset, ...s });
        }
        uniform = { name: v.name, byteSize: Math.max(16, Math.ceil(v.size / 16) * 16), fields };
      }
    }
    bindings.sort((a, b) => a.binding - b.binding);
    const wgAttr = f.attributes?.find((a) => a.name === 'workgroup_size');
    const raw = wgAttr?.value;
    const exprs = (Array.isArray(raw) ? raw : [raw]).filter((x): x is string => typeof x === 'string');
    const workgroupSizeExpr = exprs.map((e) => {
      if (/^\d+u?$/.test(e)) return parseInt(e, 10);
      // A module-scope `const NAME = 256u;` resolves here; an `override` stays a name.
      const c = new RegExp(`(?:^|\\n)\\s*const\\s+${e}\\s*(?::\\s*\\w+)?\\s*=\\s*(\\d+)u?\\s*;`).exec(shader.source);
      return c ? parseInt(c[1]!, 10) : e;
    });
    const overrides = new Map<string, number | undefined>();
    // Overrides the entry uses, directly or through the functions it calls.
    const seen = new Set<FunctionInfo>();
    const visit = (fn: FunctionInfo) => {
      if (seen.has(fn)) return;
      seen.add(fn);
      for (const o of fn.overrides) overrides.set(o.name, overrideDefaults.get(o.name));
      fn.calls.forEach(visit);
    };
    visit(f);
    for (const e of workgroupSizeExpr) if (typeof e === 'string') overrides.set(e, overrideDefaults.get(e));
    entries.set(f.name, { shader: shader.name, entry: f.name, bindings, uniform, workgroupSizeExpr, overrides });
  }
  reflectCache.set(shader.name, entries);
  return entries;
}

export type ParamValue = number | readonly number[];
export type Params = Record<string, ParamValue>;

/**
 * A pipeline for one (shader, entry, constants), with its layout. The pipeline is built from its
 * descriptor synchronously when a dispatch first needs it, or in the background
 * (createComputePipelineAsync) when `ready()` is asked first.
 */
export class Kernel {
  readonly workgroupSize: [number, number, number];
  readonly label: string;
  /** The value of every override the entry uses: the constant given, else the shader's default. */
  private readonly values = new Map<string, number | undefined>();
  private made: GPUComputePipeline | null = null;
  private pending: Promise<void> | null = null;

  constructor(
    readonly info: EntryInfo,
    private readonly device: GPUDevice,
    private readonly descriptor: GPUComputePipelineDescriptor,
    readonly layout: GPUBindGroupLayout,
    constants: Record<string, number>,
  ) {
    const size = info.workgroupSizeExpr.map((e) => {
      if (typeof e === 'number') return e;
      const v = constants[e] ?? info.overrides.get(e);
      if (v === undefined)
        throw new KernelBindingError(
          `${info.shader}.wgsl#${info.entry}: workgroup size uses override "${e}" with no default and no constant given.`,
        );
      return v;
    });
    this.workgroupSize = [size[0] ?? 1, size[1] ?? 1, size[2] ?? 1];
    this.label = `${info.shader}.${info.entry}`;
    for (const [name, fallback] of info.overrides) this.values.set(name, constants[name] ?? fallback);
  }

  /** The value of an override this pipeline was built with (the constant given, else the shader's default). */
  override(name: string): number {
    const v = this.values.get(name);
    if (v === undefined) {
      const what = this.values.has(name) ? 'has no default and was given no constant' : 'is not an override it uses';
      throw new KernelBindingError(
        `${this.label}: override "${name}" ${what}; expected one of: ${[...this.values.keys()].join(', ') || 'none'}.`,
      );
    }
    return v;
  }

  /** The pipeline; if it is not compiled yet (or its background compilation has not finished), it is built now, synchronously. */
  get pipeline(): GPUComputePipeline {
    this.made ??= this.device.createComputePipeline(this.descriptor);
    return this.made;
  }

  /**
   * Compiles the pipeline in the background, once; resolves when that has finished, successfully or
   * not. A failed background build is not reported here: the synchronous build in `pipeline` then
   * raises the same validation error through the device's usual error path.
   */
  ready(): Promise<void> {
    if (this.made) return Promise.resolve();
    if (!this.pending) {
      this.pending = this.device.createComputePipelineAsync(this.descriptor).then(
        (p) => {
          this.made ??= p;
        },
        () => {},
      );
    }
    return this.pending;
  }

  /** Packs `params` into the uniform struct's bytes, by field name. */
  packParams(params: Params): ArrayBuffer {
    const u = this.info.uniform;
    const where = `${this.info.shader}.wgsl#${this.info.entry}`;
    if (!u) {
      if (Object.keys(params).length)
        throw new KernelBindingError(
          `${where}: params given (${Object.keys(params).join(', ')}) but the entry uses no uniform.`,
        );
      return new ArrayBuffer(0);
    }
    const bytes = new ArrayBuffer(u.byteSize);
    const view = new DataView(bytes);
    const declared = new Set(u.fields.map((f) => f.name));
    for (const key of Object.keys(params)) {
      if (!declared.has(key)) {
        throw new KernelBindingError(
          `${where}: uniform field "${key}" is not declared in ${u.name}; expected one of: ${[...declared].join(', ')}.`,
        );
      }
    }
    for (const field of u.fields) {
      const value = params[field.name];
      if (value === undefined) {
        throw new KernelBindingError(
          `${where}: uniform field "${field.name}" is declared in the shader but not given (given: ${Object.keys(params).join(', ') || 'none'}).`,
        );
      }
      const values = typeof value === 'number' ? [value] : value;
      if (values.length !== field.components) {
        throw new KernelBindingError(
          `${where}: uniform field "${field.name}" expects ${field.components} value(s); got ${values.length}.`,
        );
      }
      values.forEach((x, i) => {
        const at = field.offset + 4 * i;
        if (field.scalar === 'f32') view.setFloat32(at, x, true);
        else if (field.scalar === 'u32') {
          if (!Number.isInteger(x) || x < 0)
            throw new KernelBindingError(`${where}: uniform field "${field.name}" is u32; got ${x}.`);
          view.setUint32(at, x, true);
        } else view.setInt32(at, x, true);
      });
    }
    return bytes;
  }
}

/**
 * One call site of a kernel: its bind group and its own uniform buffer, made once and reused every
 * step. `setParams` rewrites the uniform; `encode` records the dispatch.
 */
export class BoundKernel {
  private uniform: ManagedBuffer | null = null;
  readonly bindGroup: GPUBindGroup;

  constructor(
    private readonly gpu: Gpu,
    readonly kernel: Kernel,
    resources: Record<string, ManagedBuffer>,
    params: Params,
  ) {
    const info = kernel.info;
    const where = `${info.shader}.wgsl#${info.entry}`;
    const storage = info.bindings.filter((b) => b.kind !== 'uniform');
    const expected = new Set(storage.map((b) => b.name));
    for (const name of Object.keys(resources)) {
      if (!expected.has(name)) {
        const uni = info.bindings.find((b) => b.kind === 'uniform' && b.name === name);
        const what = uni ? 'is the uniform (pass its fields as params instead)' : 'is not declared in the shader';
        throw new KernelBindingError(
          `${where}: binding "${name}" ${what}; expected bindings: ${[...expected].join(', ')}.`,
        );
      }
    }
    const entries: GPUBindGroupEntry[] = [];
    for (const b of storage) {
      const r = resources[b.name];
      if (!r)
        throw new KernelBindingError(
          `${where}: binding "${b.name}" is declared in the shader but not provided (provided: ${Object.keys(resources).join(', ') || 'none'}).`,
        );
      if (!isStorage(r.buffer.usage))
        throw new KernelBindingError(
          `${where}: binding "${b.name}" is a storage buffer but "${r.label}" lacks STORAGE usage.`,
        );
      if (r.isView) {
        const align = gpu.limits.minStorageBufferOffsetAlignment;
        if (r.offset % align !== 0)
          throw new KernelBindingError(
            `${where}: binding "${b.name}" is view "${r.label}" at byte ${r.offset}, not a multiple of the adapter's minStorageBufferOffsetAlignment (${align}); lay views out with arenaLayout.`,
          );
        entries.push({ binding: b.binding, resource: { buffer: r.gpuBuffer, offset: r.offset, size: r.byteSize } });
      } else entries.push({ binding: b.binding, resource: { buffer: r.gpuBuffer } });
    }
    const uniformBinding = info.bindings.find((b) => b.kind === 'uniform');
    if (uniformBinding && info.uniform) {
      const bytes = kernel.packParams(params);
      this.uniform = gpu.buffers.create(`${kernel.label}:${uniformBinding.name}`, bytes.byteLength, UNIFORM);
      gpu.device.queue.writeBuffer(this.uniform.buffer, 0, bytes);
      entries.push({ binding: uniformBinding.binding, resource: { buffer: this.uniform.buffer } });
    } else {
      kernel.packParams(params);
    }
    this.bindGroup = gpu.device.createBindGroup({ label: kernel.label, layout: kernel.layout, entries });
  }

  setParams(params: Params): void {
    if (!this.uniform) {
      this.kernel.packParams(params);
      return;
    }
    this.gpu.device.queue.writeBuffer(this.uniform.gpuBuffer, 0, this.kernel.packParams(params));
  }

  encode(pass: GPUComputePassEncoder, workgroups: readonly [number, number?, number?]): void {
    const [x, y = 1, z = 1] = workgroups;
    if (x === 0 || y === 0 || z === 0) return;
    const max = this.gpu.limits.maxComputeWorkgroupsPerDimension;
    if (x > max || y > max || z > max) {
      throw new KernelBindingError(
        `${this.kernel.label}: dispatch of [${x}, ${y}, ${z}] workgroups exceeds the adapter's limit of ${max} per dimension.`,
      );
    }
    pass.setPipeline(this.kernel.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(x, y, z);
  }

  dispose(): void {
    this.uniform?.dispose();
    this.uniform = null;
  }
}

/** Pipelines and layouts for one Gpu, cached by (shader, entry, constants). */
export class KernelRegistry {
  private pipelines = new Map<string, Kernel>();

  /** The kernel variants ops build with: chosen for the adapter, then `tuning` on top. */
  readonly tuning: Tuning;

  constructor(
    readonly gpu: Gpu,
    tuning: Partial<Tuning> = {},
  ) {
    this.tuning = tuningFor(gpu.adapter, tuning);
  }

  private key(shader: ShaderSource, entry: string, constants: Record<string, number>): string {
    const c = Object.keys(constants)
      .sort()
      .map((k) => `${k}=${constants[k]}`)
      .join(',');
    return `${shader.name}#${entry}(${c})`;
  }

  private describe(shader: ShaderSource, entry: string, constants: Record<string, number>) {
    const entries = reflectShader(shader);
    const info = entries.get(entry);
    if (!info) {
      throw new KernelBindingError(
        `${shader.name}.wgsl: no compute entry point "${entry}"; expected one of: ${[...entries.keys()].join(', ')}.`,
      );
    }
    for (const k of Object.keys(constants)) {
      if (!info.overrides.has(k)) {
        throw new KernelBindingError(
          `${shader.name}.wgsl#${entry}: constant "${k}" is not an override used by this entry; expected one of: ${[...info.overrides.keys()].join(', ') || 'none'}.`,
        );
      }
    }
    const layout = this.gpu.device.createBindGroupLayout({
      label: `${shader.name}.${entry}`,
      entries: info.bindings.map((b) => ({
        binding: b.binding,
        visibility: COMPUTE_STAGE,
        buffer: { type: b.kind === 'uniform' ? 'uniform' : b.kind === 'read' ? 'read-only-storage' : 'storage' },
      })),
    });
    const descriptor: GPUComputePipelineDescriptor = {
      label: `${shader.name}.${entry}`,
      layout: this.gpu.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module: this.module(shader), entryPoint: entry, constants },
    };
    return { info, layout, descriptor };
  }

  private modules = new Map<string, GPUShaderModule>();
  private module(shader: ShaderSource): GPUShaderModule {
    let m = this.modules.get(shader.name);
    if (!m) {
      m = this.gpu.device.createShaderModule({ label: `${shader.name}.wgsl`, code: shader.source });
      this.modules.set(shader.name, m);
    }
    return m;
  }

  /**
   * The kernel for an entry point. Its pipeline is built when a dispatch first needs it, or compiled in
   * the background for every kernel requested so far by `settled()` (several at once, before a step).
   */
  kernel(shader: ShaderSource, entry: string, constants: Record<string, number> = {}): Kernel {
    const key = this.key(shader, entry, constants);
    let k = this.pipelines.get(key);
    if (!k) {
      const { info, layout, descriptor } = this.describe(shader, entry, constants);
      k = new Kernel(info, this.gpu.device, descriptor, layout, constants);
      this.pipelines.set(key, k);
    }
    return k;
  }

  /** Compiles every pipeline requested so far in the background, all at once; resolves when they are done. */
  async settled(): Promise<void> {
    await Promise.all([...this.pipelines.values()].map((k) => k.ready()));
  }

  /** Binds resources and params by name for one call site. The caller owns the result (dispose()). */
  bind(kernel: Kernel, resources: Record<string, ManagedBuffer>, params: Params = {}): BoundKernel {
    return new BoundKernel(this.gpu, kernel, resources, params);
  }

  get pipelineCount(): number {
    return this.pipelines.size;
  }
}
