// stopping.ts: the stopping conditions of the second report's theory answers. Imports util.
// A run stops at the first condition that holds; the reason is reported in the result.
import { ConfigError } from '../util/errors';

export interface StopConditions {
  /** Maximum number of epochs (always set). */
  maxEpochs: number;
  /** Maximum number of optimizer steps. */
  maxSteps?: number;
  /** Stop when ‖∇θ‖ < gradNorm (measured on steps whose loss is read). */
  gradNorm?: number;
  /** Stop when ‖θₙ₊₁ − θₙ‖ < paramChange. */
  paramChange?: number;
  /** Stop when the training loss reaches this value. */
  targetLoss?: number;
  /** Stop after this many seconds of wall-clock time. */
  timeLimitSeconds?: number;
}

export interface StopState {
  epoch: number;
  step: number;
  loss?: number;
  gradNorm?: number;
  paramChange?: number;
  elapsedSeconds: number;
}

export function validateStop(stop: StopConditions): StopConditions {
  const positive = (key: keyof StopConditions, integer: boolean) => {
    const v = stop[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw new ConfigError(
        `stop.${key}: expected a ${integer ? 'positive integer' : 'positive number'}; got ${String(v)}.`,
      );
    }
  };
  positive('maxEpochs', true);
  positive('maxSteps', true);
  positive('gradNorm', false);
  positive('paramChange', false);
  positive('timeLimitSeconds', false);
  if (stop.targetLoss !== undefined && !Number.isFinite(stop.targetLoss))
    throw new ConfigError(`stop.targetLoss: expected a finite number; got ${stop.targetLoss}.`);
  return stop;
}

/** The reason to stop now, or null to go on. Checked after each step whose loss is read and after each epoch. */
export function stopReason(stop: StopConditions, s: StopState): string | null {
  if (stop.maxSteps !== undefined && s.step >= stop.maxSteps) return `max steps (${stop.maxSteps}) reached`;
  if (stop.targetLoss !== undefined && s.loss !== undefined && s.loss <= stop.targetLoss)
    return `target loss ${stop.targetLoss} reached (loss ${s.loss.toPrecision(4)})`;
  if (stop.gradNorm !== undefined && s.gradNorm !== undefined && s.gradNorm < stop.gradNorm)
    return `gradient norm ${s.gradNorm.toExponential(2)} below ${stop.gradNorm}`;
  if (stop.paramChange !== undefined && s.paramChange !== undefined && s.paramChange < stop.paramChange)
    return `parameter change ${s.paramChange.toExponential(2)} below ${stop.paramChange}`;
  if (stop.timeLimitSeconds !== undefined && s.elapsedSeconds >= stop.timeLimitSeconds)
    return `time limit ${stop.timeLimitSeconds} s reached`;
  if (s.epoch >= stop.maxEpochs) return `max epochs (${stop.maxEpochs}) reached`;
  return null;
}
