// page-api.d.ts: what cli/run-experiment.html puts on `window` for the command line (experiment.mjs,
// reproduce.mjs) to call through the browser. Answers are JSON text where they carry results.
export {};

type PageScale = 'tiny' | 'small' | 'full';

declare global {
  interface Window {
    /** Runs one experiment: JSON text of a PageOutcome (run-experiment-core.ts). */
    __runExperiment?: (
      name: string,
      config?: Record<string, unknown>,
      options?: {
        scale?: PageScale;
        weights?: Record<string, string>;
        /** Resume from these checkpoint files (base64 by name); new ones go to __saveCheckpoint. */
        checkpoints?: { files: Record<string, string>; policy: { seconds?: number; steps?: number } };
        /** Train each model for a short measured burst; the answer carries `plan`. */
        plan?: boolean;
      },
    ) => Promise<string>;
    /** Set by the CLI (page.exposeFunction): writes one checkpoint file into the run's folder. */
    __saveCheckpoint?: (file: string, base64: string) => Promise<boolean>;
    /** The adapter's one-line name and whether it is a CPU implementation. */
    __describeAdapter?: () => Promise<{ name: string; isFallback: boolean }>;
    /** Validates a config: JSON text of { status: 'ok', name, title, config } or a refusal. */
    __validateExperiment?: (name: string, config?: Record<string, unknown>, scale?: PageScale) => string;
    __listExperiments?: () => { name: string; title: string; description: string }[];
    /** The --help text: of one experiment (from its schema), or the list of experiments. */
    __experimentHelp?: (name?: string | null) => string;
    __abortExperiment?: () => void;
    __experimentPageReady?: boolean;
  }
}
