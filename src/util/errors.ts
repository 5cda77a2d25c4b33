// errors.ts: every error the engine throws. Imports nothing.
// Messages follow one form: `<where>: <what went wrong>; expected <x>, got <y>. <what to try>`.

/** Base class so callers can tell engine errors from anything else. */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export type WebGPUUnavailableReason = 'no-api' | 'no-adapter' | 'device-failed';

/** No usable WebGPU: the API is missing, no adapter was offered, or the device request failed. */
export class WebGPUUnavailableError extends EngineError {
  constructor(
    readonly reason: WebGPUUnavailableReason,
    detail: string,
  ) {
    super(`WebGPU unavailable (${reason}): ${detail}`);
  }
}

/** The GPU device was lost (destroyed, driver reset, ...). */
export class DeviceLostError extends EngineError {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(`GPU device lost (reason: ${reason}): ${detail}`);
  }
}

/** A tensor shape does not fit an op; thrown when the graph is built. */
export class ShapeError extends EngineError {}

/** A kernel was dispatched with a missing, extra or mistyped binding or uniform field. */
export class KernelBindingError extends EngineError {}

/** A dataset or weights file is malformed. */
export class DatasetFormatError extends EngineError {}

/** A buffer or tensor was used after dispose(). */
export class DisposedError extends EngineError {}

/** A configuration value is out of range or of the wrong kind. */
export class ConfigError extends EngineError {}

/** A dataset file could not be fetched (missing, HTTP error, network failure). */
export class DatasetUnavailableError extends EngineError {}
