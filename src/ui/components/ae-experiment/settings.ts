// settings.ts: the settings panel of a lab, generated from its experiment's config schema — a select
// for each choice, a number input for each integer or number (with a log-scale slider beside a
// learning rate), a checkbox for each boolean, a text input for lists, text and stopping conditions;
// each control's `name` is its config key, with the unit, the help text, the scale's default and the
// report's (the full scale's) beside it, and a bad value explained under its field with exactly the
// message the validator (and the command line) gives. Imports lit and the experiment kit.
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import {
  type ConfigSchema,
  type ConfigValue,
  type KeySpec,
  readValue,
  schemaKeys,
} from '../../../experiments/kit/index';
import type { Scale } from '../../../experiments/types';
import { ConfigError } from '../../../util/errors';
import { keyToAttribute } from './config-attributes';

/** The spec of `key` in a schema of any config. */
export const specOf = (schema: ConfigSchema<object>, key: string): KeySpec => (schema as Record<string, KeySpec>)[key]!;

/** A value as its control shows it: lists "3,5,10", objects as JSON, null as empty. */
export function fieldText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A default in words for the help line: null as what it means. */
const defaultText = (spec: KeySpec, v: ConfigValue): string =>
  v === null ? (spec.nullMeans ?? 'none') : fieldText(v) || '""';

/** The help text with the scale's default and the report's (said once when they agree). */
export function helpLine(spec: KeySpec, scale: Scale): string {
  const here = defaultText(spec, spec.default[scale]);
  const report = defaultText(spec, spec.default.full);
  return here === report
    ? `${spec.help}. Default (${scale}) and the report's: ${here}.`
    : `${spec.help}. Default (${scale}): ${here}; the report's: ${report}.`;
}

/** The keys named by a `locked` attribute ("lr,epochs" or "train-size train-size"), as config keys. */
export function lockedKeys(text: string): Set<string> {
  return new Set(
    text
      .split(/[\s,]+/)
      .filter((s) => s !== '')
      .map((s) => s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())),
  );
}

/**
 * The message under each field: the validator's own message for the value `texts[key]` holds, and a
 * message of the whole config (`configError`, e.g. "batch at most trainSize") under the key it names.
 * Keys without a problem are absent.
 */
export function fieldErrors(
  experiment: string,
  schema: ConfigSchema<object>,
  texts: Record<string, string>,
  configError: Error | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of schemaKeys(schema)) {
    if (!(key in texts)) continue;
    try {
      readValue(`${experiment}.${key}`, specOf(schema, key), texts[key]);
    } catch (e) {
      if (e instanceof ConfigError) out[key] = e.message;
      else throw e;
    }
  }
  if (configError instanceof ConfigError) {
    const named = schemaKeys(schema).find((k) =>
      new RegExp(`^${experiment.replace(/[-.]/g, '\\$&')}\\.${k}[:[]`).test(configError.message),
    );
    if (named && !out[named]) out[named] = configError.message;
  }
  return out;
}

export interface SettingsView {
  experiment: string;
  schema: ConfigSchema<object>;
  scale: Scale;
  /** What each control shows: the attribute's text when set, else the value in force. */
  texts: Record<string, string>;
  errors: Record<string, string>;
  locked: Set<string>;
  /** True while a run is going: every control is disabled. */
  running: boolean;
  /** A control changed: the key and its new text. */
  onChange(key: string, text: string): void;
  onReportSettings(): void;
  onScaleDefaults(): void;
}

/** The log-scale slider's range, in decades. */
const LOG_MIN = -6;
const LOG_MAX = 0;

/** 10^v to two significant digits (0.0031, 0.01, 0.5). */
export const fromDecades = (v: number): string => String(Number((10 ** v).toPrecision(2)));

function control(view: SettingsView, key: string, spec: KeySpec, id: string, described: string, disabled: boolean) {
  const text = view.texts[key] ?? '';
  const bad = key in view.errors;
  const change = (e: Event) => {
    const t = e.target as HTMLInputElement | HTMLSelectElement;
    view.onChange(key, t instanceof HTMLInputElement && t.type === 'checkbox' ? String(t.checked) : t.value);
  };
  switch (spec.type) {
    case 'choice':
      return html`<select id=${id} name=${key} aria-describedby=${described} aria-invalid=${bad ? 'true' : 'false'} ?disabled=${disabled} @change=${change}>
        ${spec.choices.map((c) => html`<option value=${c} ?selected=${c === text}>${c}</option>`)}
        ${spec.choices.includes(text) ? nothing : html`<option value=${text} selected>${text}</option>`}
      </select>`;
    case 'boolean':
      return html`<input type="checkbox" id=${id} name=${key} aria-describedby=${described} aria-invalid=${bad ? 'true' : 'false'} .checked=${live(text === 'true' || text === '')} ?disabled=${disabled} @change=${change} />`;
    case 'int':
    case 'number': {
      const nullable = spec.nullMeans !== undefined;
      const input = html`<input
        type=${nullable ? 'text' : 'number'}
        inputmode="decimal"
        id=${id}
        name=${key}
        min=${spec.min}
        max=${spec.max ?? nothing}
        step=${spec.type === 'int' ? 1 : 'any'}
        placeholder=${nullable ? 'default' : nothing}
        aria-describedby=${described}
        aria-invalid=${bad ? 'true' : 'false'}
        .value=${live(text)}
        ?disabled=${disabled}
        @change=${change}
      />`;
      if (spec.type !== 'number' || !spec.logScale) return input;
      const n = Number(text);
      const decades = text !== '' && Number.isFinite(n) && n > 0 ? Math.log10(n) : -3;
      return html`${input}<input
          type="range"
          class="log"
          min=${LOG_MIN}
          max=${LOG_MAX}
          step="0.1"
          aria-label=${`${key} on a log scale`}
          aria-valuetext=${text === '' ? 'default' : text}
          .value=${live(String(Math.min(LOG_MAX, Math.max(LOG_MIN, decades))))}
          ?disabled=${disabled}
          @input=${(e: Event) => view.onChange(key, fromDecades(Number((e.target as HTMLInputElement).value)))}
        />`;
    }
    default:
      return html`<input type="text" id=${id} name=${key} aria-describedby=${described} aria-invalid=${bad ? 'true' : 'false'} .value=${live(text)} ?disabled=${disabled} @change=${change} spellcheck="false" />`;
  }
}

/** The panel: one field per key of the schema, and the two resets. */
export function renderSettings(view: SettingsView): TemplateResult {
  const keys = schemaKeys(view.schema);
  return html`<form part="settings" class="settings" @submit=${(e: Event) => e.preventDefault()}>
    <fieldset ?disabled=${view.running}>
      <legend>Settings${view.running ? ' (locked while it runs)' : ''}</legend>
      <div class="fields">
        ${keys.map((key) => {
          const spec = specOf(view.schema, key);
          const id = `setting-${key}`;
          const locked = view.locked.has(key);
          const error = view.errors[key];
          const described = `${id}-help${error ? ` ${id}-error` : ''}`;
          return html`<div class="field" data-key=${key} ?data-locked=${locked}>
            <label for=${id}>${keyToAttribute(key)}${spec.unit && spec.unit !== keyToAttribute(key) ? html` <span class="unit">(${spec.unit})</span>` : nothing}${locked ? html` <span class="unit">locked</span>` : nothing}</label>
            <div class="control">${control(view, key, spec, id, described, locked || view.running)}</div>
            <small class="help" id=${`${id}-help`}>${helpLine(spec, view.scale)}</small>
            ${error ? html`<p class="field-error" id=${`${id}-error`} role="alert">${error}</p>` : nothing}
          </div>`;
        })}
      </div>
      <div class="resets">
        <button type="button" data-action="report-settings" @click=${view.onReportSettings}>The report's settings</button>
        <button type="button" data-action="scale-defaults" @click=${view.onScaleDefaults}>Defaults of scale ${view.scale}</button>
      </div>
    </fieldset>
  </form>`;
}
