// events.ts: the typed events of the ae-* components and the one helper that dispatches them.
// Every event bubbles and crosses shadow roots (composed), so a page can listen on any ancestor.
// Imports experiments types only.
import type { AdapterDescription } from '../experiments/runtime';
import type { ExperimentResult } from '../experiments/types';

/** Something long-running moved on: a dataset download, a training step. */
export interface AeProgressDetail {
  /** What is running, e.g. 'dataset' or 'training'. */
  task: string;
  /** A short human-readable stage, e.g. "Loading MNIST…". */
  message: string;
  /** Steps done so far and in total, when known. */
  step?: number;
  total?: number;
  epoch?: number;
  loss?: number;
  metrics?: Readonly<Record<string, number>>;
  /** Experiment runs: its name, the stage, the epoch count, speed and time left. */
  experiment?: string;
  stage?: string;
  epochs?: number;
  samplesPerSec?: number;
  etaSeconds?: number;
}

/** A task finished; `task` tells which shape the rest of the detail has. */
export type AeDoneDetail =
  | { task: 'gpu'; adapter: AdapterDescription }
  | { task: 'dataset'; dataset: string; source: 'bundled' | 'file'; shown: number; total: number }
  | { task: 'experiment'; experiment: string; result: ExperimentResult; stopped: boolean };

/** A task failed. The component also shows `error.message` in its `part="error"`. */
export interface AeErrorDetail {
  task: string;
  error: Error;
  /** The text shown to the person, when it differs from `error.message`. */
  message?: string;
}

export type AeProgressEvent = CustomEvent<AeProgressDetail>;
export type AeDoneEvent = CustomEvent<AeDoneDetail>;
export type AeErrorEvent = CustomEvent<AeErrorDetail>;

/** Event name → detail type, for emit(). */
export interface AeEventDetails {
  'ae-progress': AeProgressDetail;
  'ae-done': AeDoneDetail;
  'ae-error': AeErrorDetail;
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ae-progress': AeProgressEvent;
    'ae-done': AeDoneEvent;
    'ae-error': AeErrorEvent;
  }
}

/** Dispatches `type` from `target` with bubbles and composed set. Returns the event. */
export function emit<K extends keyof AeEventDetails>(
  target: EventTarget,
  type: K,
  detail: AeEventDetails[K],
): CustomEvent<AeEventDetails[K]> {
  const event = new CustomEvent<AeEventDetails[K]>(type, { detail, bubbles: true, composed: true });
  target.dispatchEvent(event);
  return event;
}

/** Any thrown value as an Error (non-Error throws are wrapped, keeping their text). */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
