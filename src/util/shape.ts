// shape.ts: shape helpers. Imports nothing from src/ but errors.
import { ShapeError } from './errors';

/** A tensor shape, row-major; the layout is stated where it matters ([N, C, H, W], [rows, cols]). */
export type Shape = readonly number[];

export const numel = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

export const fmt = (shape: Shape): string => `[${shape.join(',')}]`;

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function checkShape(shape: Shape, where: string): void {
  if (!shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError(`${where}: every dimension must be a positive integer; got ${fmt(shape)}.`);
  }
}
