// gray.ts: one 28×28 grayscale image onto a canvas (one canvas pixel per image pixel; CSS enlarges it
// without smoothing), and the failure text of the latent-space elements. Imports experiments/runtime
// and the GPU advice of <ae-gpu-status>.
import { runtimeFailure } from '../../../experiments/runtime';
import { ADVICE } from '../ae-gpu-status/ae-gpu-status';

export const SIDE = 28;

/** A value in [0, 1] as a byte: clamped, rounded; NaN gives 0. */
export const toByte = (v: number): number => (Number.isNaN(v) ? 0 : Math.round(Math.min(1, Math.max(0, v)) * 255));

/** Draws `pixels` (784 values in [0, 1], row-major; white on black) onto a 28×28 canvas. */
export function paintGray(canvas: HTMLCanvasElement, pixels: ArrayLike<number>): void {
  canvas.width = SIDE;
  canvas.height = SIDE;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(SIDE, SIDE);
  for (let p = 0; p < SIDE * SIDE; p++) {
    const b = toByte(pixels[p] ?? 0);
    img.data[4 * p] = b;
    img.data[4 * p + 1] = b;
    img.data[4 * p + 2] = b;
    img.data[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** What to tell a person about `error`: a headline, what to do, and the details. */
export function describeFailure(error: Error): { headline: string; todo: string; detail: string } {
  const kind = runtimeFailure(error);
  if (kind !== 'other') return { ...ADVICE[kind], detail: error.message };
  if (error.name === 'ConfigError')
    return {
      headline: 'This setting cannot be used.',
      todo: 'Change the attribute named below.',
      detail: error.message,
    };
  return { headline: 'The model could not be opened.', todo: 'Reload the page to try again.', detail: error.message };
}
