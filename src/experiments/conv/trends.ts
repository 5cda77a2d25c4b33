// trends.ts: the sentences of the second report's notes that list measured values along a sweep and
// say whether they fall. Imports the kit's number format.
import { formatSignificant } from '../kit/index';

/** "a (3), b (5), ..." from values keyed by a sweep variable. */
export function listBy(keys: readonly number[], values: readonly number[], label = ''): string {
  return keys.map((k, i) => `${formatSignificant(values[i]!)} (${label}${k})`).join(', ');
}

/** Whether values strictly fall along the list; otherwise the first pair where they do not. */
export function fallsAlong(
  keys: readonly number[],
  values: readonly number[],
): { falls: boolean; at?: [number, number] } {
  for (let i = 1; i < values.length; i++)
    if (!(values[i]! < values[i - 1]!)) return { falls: false, at: [keys[i - 1]!, keys[i]!] };
  return { falls: true };
}
