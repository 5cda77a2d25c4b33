// What test/e2e/page-tools.mjs instrument() records in every page, for the type check of the e2e scripts.

/** One ae-* event as recorded in the page. */
interface RecordedAeEvent {
  type: string;
  task: string | undefined;
  id: string;
  stage: string | undefined;
  stopped: boolean | undefined;
  message: string;
  errorName: string;
}

interface Window {
  /** CSP violations seen by the page. */
  __csp: string[];
  /** ae-progress / ae-done / ae-error events, in order. */
  __events: RecordedAeEvent[];
}
