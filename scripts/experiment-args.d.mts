// Types of experiment-args.mjs, for the TypeScript tests that import it.
export declare const SCALES: readonly ['tiny', 'small', 'full'];
export declare const USAGE: string;
export declare class UsageError extends Error {}
export type ConfigValue = number | boolean | string | (number | boolean | string)[];
export interface ExperimentRequest {
  name: string | null;
  config: Record<string, ConfigValue>;
  scale: 'tiny' | 'small' | 'full';
  out: string | null;
  seed: number | undefined;
  /** Raw --weights arguments (FILE, KEY=FILE or a folder), resolved by the CLI. */
  weights: string[];
  list: boolean;
  help: boolean;
}
export declare function camelCase(kebab: string): string;
export declare function parseValue(text: string, key?: string): ConfigValue;
export declare function parseExperimentArgs(argv: readonly string[]): ExperimentRequest;
export declare function splitWeightsArg(
  text: string,
  exists: (path: string) => boolean,
): { key: string | null; path: string };
export declare function safetensorsMetadata(bytes: Uint8Array, fileName: string): Record<string, string>;
export declare function weightsKey(bytes: Uint8Array, fileName: string): string;
