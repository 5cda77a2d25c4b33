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
      options?: { scale?: PageScale; weights?: Record<string, string> },
    ) => Promise<string>;
    /** Validates a config: JSON text of { status: 'ok', name, title, config } or a refusal. */
    __validateExperiment?: (name: string, config?: Record<string, unknown>, scale?: PageScale) => string;
    __listExperiments?: () => { name: string; title: string; description: string }[];
    /** The --help text: of one experiment (from its schema), or the list of experiments. */
    __experimentHelp?: (name?: string | null) => string;
    __abortExperiment?: () => void;
    __experimentPageReady?: boolean;
  }
}
