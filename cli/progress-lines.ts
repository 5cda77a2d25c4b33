// progress-lines.ts: an experiment's stream of Progress (one per few training steps) boiled down to
// one line per finished epoch, one when a stage starts or says something new, and a heartbeat line
// during long stretches, e.g. `[fc-train] train latent=8 · epoch 2/5 loss 0.0213 (test 0.0209) ·
// 1,840 samples/s · ETA 0:42`. Imports experiments types and the report's clock format.
import type { Progress } from '../src/experiments/types';
import { formatClock } from '../scripts/report-html.mjs';

/** Seconds as m:ss, or h:mm:ss from an hour on (the report's clock format). */
export const formatEta: (seconds: number) => string = formatClock;

/** A rate rounded to a whole number with thousands separators ("1,840"); one decimal below 10. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '?';
  if (perSecond < 10) return perSecond.toFixed(1);
  return Math.round(perSecond).toLocaleString('en-US');
}

/** A loss to 3 significant digits (0.0213, 1.27, 312). */
export function formatLoss(loss: number): string {
  return Number.isFinite(loss) ? String(Number(loss.toPrecision(3))) : String(loss);
}

interface PendingEpoch {
  stage: string;
  epoch: number;
  head: string;
  loss: number | undefined;
  test: number | undefined;
  tail: string;
}

export class ProgressLines {
  private lastStage: string | null = null;
  private lastMessage: string | null = null;
  private lastAt = -Infinity;
  private rate: number | undefined;
  private eta: number | undefined;
  private pending: PendingEpoch | null = null;
  private readonly heartbeatMs: number;
  private readonly now: () => number;

  /**
   * `prefix` is shown in brackets (the experiment's name); `emit` receives each finished line.
   * A line for an ordinary training step is printed only when `heartbeatMs` passed since the last line.
   */
  constructor(
    private readonly prefix: string,
    private readonly emit: (line: string) => void,
    options: { heartbeatMs?: number; now?: () => number } = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 20_000;
    this.now = options.now ?? (() => performance.now());
  }

  push(p: Progress): void {
    // trainModel follows an epoch's line with a message-less point for the test loss: fold it in.
    if (p.message === '' && p.point) {
      if (this.pending && this.pending.stage === p.stage && this.pending.epoch === p.epoch)
        this.pending.test = p.point.y;
      this.flush();
      return;
    }
    this.flush();
    const stageChanged = p.stage !== this.lastStage;
    if (stageChanged) {
      this.lastStage = p.stage;
      this.lastMessage = null;
      this.rate = undefined;
      this.eta = undefined;
    }
    if (p.samplesPerSec !== undefined) this.rate = p.samplesPerSec;
    if (p.etaSeconds !== undefined) this.eta = p.etaSeconds;
    const epochDone = p.point !== undefined && p.epoch !== undefined && p.step === undefined;
    if (epochDone) {
      this.pending = {
        stage: p.stage,
        epoch: p.epoch!,
        head: `${this.head(p.stage)} · ${this.epochText(p)}`,
        loss: p.loss,
        test: undefined,
        tail: this.speedText(),
      };
      return;
    }
    const isStep = p.step !== undefined;
    const newMessage = !isStep && p.message !== this.lastMessage;
    if (stageChanged || newMessage || this.now() - this.lastAt >= this.heartbeatMs) this.print(this.stepLine(p));
    this.lastMessage = p.message;
  }

  /** Prints an epoch line still waiting for its test loss. Call once the run ends. */
  flush(): void {
    const e = this.pending;
    if (!e) return;
    this.pending = null;
    let loss = e.loss !== undefined ? ` loss ${formatLoss(e.loss)}` : '';
    if (e.test !== undefined)
      loss += e.loss !== undefined ? ` (test ${formatLoss(e.test)})` : ` test loss ${formatLoss(e.test)}`;
    this.print(`${e.head}${loss}${e.tail}`);
  }

  private print(line: string): void {
    this.lastAt = this.now();
    this.emit(line);
  }

  private head(stage: string): string {
    return stage ? `[${this.prefix}] ${stage}` : `[${this.prefix}]`;
  }

  private epochText(p: Progress): string {
    return p.epochs !== undefined ? `epoch ${p.epoch}/${p.epochs}` : `epoch ${p.epoch}`;
  }

  private speedText(): string {
    let s = '';
    if (this.rate !== undefined) s += ` · ${formatRate(this.rate)} samples/s`;
    if (this.eta !== undefined) s += ` · ETA ${formatEta(this.eta)}`;
    return s;
  }

  private stepLine(p: Progress): string {
    const parts: string[] = [];
    if (p.epoch !== undefined) parts.push(this.epochText(p));
    if (p.step !== undefined) parts.push(p.steps !== undefined ? `step ${p.step}/${p.steps}` : `step ${p.step}`);
    if (p.loss !== undefined) parts.push(`loss ${formatLoss(p.loss)}`);
    if (!parts.length)
      return p.message && p.message !== p.stage
        ? `${this.head(p.stage)}: ${p.message}`
        : this.head(p.stage || p.message);
    return `${this.head(p.stage)} · ${parts.join(' · ')}${this.speedText()}`;
  }
}
