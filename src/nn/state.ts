// state.ts: a Module's weights to and from safetensors, checked name by name and shape by shape.
// Imports util and nn.
import { DatasetFormatError } from '../util/errors';
import type { Module } from './module';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors';

export async function stateDict(model: Module): Promise<NamedTensor[]> {
  const out: NamedTensor[] = [];
  for (const [name, p] of model.namedParameters()) out.push({ name, shape: [...p.shape], data: await p.read() });
  return out;
}

export async function saveSafetensors(model: Module, metadata: Record<string, string> = {}): Promise<Uint8Array> {
  return encodeSafetensors(await stateDict(model), metadata);
}

/**
 * Loads weights into `model`. Every parameter must be present with its exact shape, and the file may
 * hold no other tensors; nothing is written unless the whole file matches.
 */
export function loadSafetensors(
  model: Module,
  bytes: Uint8Array,
  fileName = 'weights.safetensors',
): Record<string, string> {
  const { tensors, metadata } = decodeSafetensors(bytes, fileName);
  const params = model.namedParameters();
  const expected = new Set(params.map(([n]) => n));
  for (const name of tensors.keys()) {
    if (!expected.has(name)) {
      throw new DatasetFormatError(
        `${fileName}: tensor "${name}" is not a parameter of this model; expected names: ${[...expected].join(', ')}.`,
      );
    }
  }
  for (const [name, p] of params) {
    const t = tensors.get(name);
    if (!t)
      throw new DatasetFormatError(
        `${fileName}: tensor "${name}" is missing; expected shape [${p.shape.join(',')}]. Was the file saved from a model with the same configuration?`,
      );
    if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
      throw new DatasetFormatError(
        `${fileName}: tensor "${name}" has shape [${t.shape.join(',')}]; expected [${p.shape.join(',')}].`,
      );
    }
  }
  for (const [name, p] of params) p.write(tensors.get(name)!.data);
  return metadata;
}
