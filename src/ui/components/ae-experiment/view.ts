// view.ts: the plain pieces of <ae-experiment>'s view — how a failure is explained, the progress
// line, the config summary. Imports lit, experiments types, util errors and the GPU advice of
// <ae-gpu-status>.
import { html } from 'lit';
import { runtimeFailure } from '../../../experiments/runtime';
import type { Progress } from '../../../experiments/types';
import { ConfigError, DeviceLostError, WebGPUUnavailableError } from '../../../util/errors';
import { formatValue } from '../ae-chart/ae-chart';
import { ADVICE } from '../ae-gpu-status/ae-gpu-status';
import { keyToAttribute } from './config-attributes';
import { formatDuration } from './results';

/** What went wrong, in words for a person: a headline, what to do, and the error itself. */
export interface Failure {
  headline: string;
  todo: string;
  error: Error;
  /** True for a bad config: nothing ran. */
  config: boolean;
}

/** The explanation for `error`: a bad config, a missing or lost GPU (with advice), or a failed run. */
export function explain(error: Error): Failure {
  if (error instanceof ConfigError) {
    return {
      headline: 'This configuration cannot run.',
      todo: 'Fix the setting named below; nothing has run.',
      error,
      config: true,
    };
  }
  if (error instanceof WebGPUUnavailableError || error instanceof DeviceLostError)
    return { ...ADVICE[runtimeFailure(error)], error, config: false };
  return {
    headline: 'The experiment failed.',
    todo: 'The message below names the cause; results of earlier runs are kept.',
    error,
    config: false,
  };
}

/** The failure box (role="alert"). */
export function renderFailure(f: Failure) {
  return html`<div part="error" role="alert">
    <strong>${f.headline}</strong>
    <p>${f.todo}</p>
    <p>${f.config ? f.error.message : html`Details: <code>${f.error.message}</code>`}</p>
  </div>`;
}

/** The progress line: stage message, epoch, loss, samples per second and time left. */
export function statusText(p: Progress | null, running: boolean): string {
  if (!p) return '';
  const parts = [p.message || p.stage];
  if (p.epoch !== undefined && p.epochs !== undefined && !/\bepoch\b/.test(p.message))
    parts.push(`epoch ${p.epoch}/${p.epochs}`);
  if (p.loss !== undefined && !/\bloss\b/.test(p.message)) parts.push(`loss ${formatValue(p.loss)}`);
  if (p.samplesPerSec !== undefined) parts.push(`${Math.round(p.samplesPerSec).toLocaleString('en-US')} samples/s`);
  if (p.etaSeconds !== undefined && running) parts.push(`about ${formatDuration(p.etaSeconds)} left in this stage`);
  return parts.join(' · ');
}

/** The effective config as attribute names and values, e.g. "scale small · latent 8 · train-size 2000". */
export function configText(scale: string, config: object): string {
  // null means "the optimizer's (or experiment's) default", e.g. lr.
  const show = (v: unknown): string =>
    v === null ? 'default' : Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const shown = Object.entries(config).filter(
    ([, v]) => !(v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0),
  );
  return [`scale ${scale}`, ...shown.map(([k, v]) => `${keyToAttribute(k)} ${show(v)}`)].join(' · ');
}

/** What Resume will do, given how many models the stopped run saved. */
export function resumeNote(saved: number): string {
  if (saved === 0)
    return 'No model finished before the stop, so Resume starts the experiment again from the beginning.';
  return `Resume runs it again and reuses the ${saved} model${saved === 1 ? '' : 's'} finished before the stop; the rest are trained from the beginning.`;
}
