// config-attributes.ts: how <ae-experiment>'s attributes become an experiment config. Every attribute
// that is not one of the element's own (or a global HTML attribute) is a config key: kebab-case
// becomes camelCase (`train-size` → trainSize). For an experiment with a schema the text is handed
// on as it is, and the schema's validator reads it by the key's type (as it reads the command line
// and the page address, so a bad value gets the same message everywhere); for one without, the text
// is read as the type of that key's default (a number, a list, a string, true/false, null), so
// `epochs="3"` gives 3 and `latents="3,5,10"` gives [3, 5, 10]. Imports nothing.

/** The element's own attributes, never passed to an experiment. */
export const ELEMENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'experiment',
  'scale',
  'autostart',
  'fresh',
  'data-base-url',
  'running',
  'status',
  'heading',
  'no-settings',
  'locked',
]);

const GLOBAL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'id',
  'class',
  'style',
  'hidden',
  'title',
  'lang',
  'dir',
  'slot',
  'part',
  'exportparts',
  'tabindex',
  'role',
  'inert',
  'draggable',
  'contenteditable',
  'spellcheck',
  'translate',
  'autofocus',
  'nonce',
  'is',
  'accesskey',
  'enterkeyhint',
  'inputmode',
  'popover',
  'autocapitalize',
  'itemprop',
  'itemscope',
  'itemtype',
  'itemid',
  'itemref',
]);

/** True for attributes that are config keys. */
export function isConfigAttribute(name: string): boolean {
  const n = name.toLowerCase();
  return (
    !ELEMENT_ATTRIBUTES.has(n) &&
    !GLOBAL_ATTRIBUTES.has(n) &&
    !n.startsWith('data-') &&
    !n.startsWith('aria-') &&
    !n.startsWith('on')
  );
}

/** `train-size` → `trainSize`. */
export function attributeToKey(name: string): string {
  return name.toLowerCase().replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `trainSize` → `train-size`. */
export function keyToAttribute(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** One item of free text: a number when it looks like one, else the trimmed text. */
function scalar(text: string): unknown {
  const t = text.trim();
  if (NUMBER.test(t)) return Number(t);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  return t;
}

const splitList = (text: string): unknown[] =>
  text.trim() === ''
    ? []
    : text
        .split(/[,\s]+/)
        .filter((s) => s !== '')
        .map(scalar);

/**
 * Reads attribute text as a value of the same kind as `example` (the key's default). With no
 * default to go by, JSON objects and lists are parsed, commas make a list, numbers become numbers.
 * Text that does not fit is passed on as it is, for the experiment's validate() to reject by name.
 */
export function parseAttributeValue(text: string, example?: unknown): unknown {
  const t = text.trim();
  if (Array.isArray(example)) return splitList(t.replace(/^\[|\]$/g, ''));
  if (typeof example === 'number') return NUMBER.test(t) ? Number(t) : t;
  if (typeof example === 'boolean') return t === '' || t === 'true' ? true : t === 'false' ? false : t;
  if (typeof example === 'string') return t;
  if (example !== null && typeof example === 'object') {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return t;
    }
  }
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return t;
    }
  }
  return t.includes(',') ? splitList(t) : scalar(t);
}

/**
 * The partial config given by `element`'s attributes, with `overrides` (the element's `config`
 * property) on top: the attribute text as it is when `defaults` is 'text' (the experiment's schema
 * reads it), else typed after `defaults` (the experiment's defaults at the chosen scale).
 */
export function configFromAttributes(
  element: Element,
  defaults: object | null | 'text',
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const base = (defaults === 'text' ? {} : (defaults ?? {})) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const attr of Array.from(element.attributes)) {
    if (!isConfigAttribute(attr.name)) continue;
    const key = attributeToKey(attr.name);
    out[key] = defaults === 'text' ? attr.value : parseAttributeValue(attr.value, base[key]);
  }
  return { ...out, ...overrides };
}
