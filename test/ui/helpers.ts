// Helpers for the UI tests: plain-DOM mounting (no fixture library) and event waiting.

/** Creates `tag`, lets `setup` set properties before it connects, appends it to the body. */
export async function mount<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  setup?: (el: HTMLElementTagNameMap[K]) => void,
): Promise<HTMLElementTagNameMap[K]> {
  const el = document.createElement(tag);
  setup?.(el);
  document.body.append(el);
  await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  return el;
}

/** Resolves with the next `type` event on `target`; rejects after `timeoutMs`. */
export function nextEvent<K extends keyof GlobalEventHandlersEventMap>(
  target: EventTarget,
  type: K,
  timeoutMs = 60000,
): Promise<GlobalEventHandlersEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, on);
      reject(new Error(`no ${type} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (e: Event) => {
      clearTimeout(timer);
      target.removeEventListener(type, on);
      resolve(e as GlobalEventHandlersEventMap[K]);
    };
    target.addEventListener(type, on);
  });
}

/** The shadow-root element matching `selector`, failing the test when absent. */
export function part(el: Element, selector: string): HTMLElement {
  const found = el.shadowRoot?.querySelector<HTMLElement>(selector);
  if (!found) throw new Error(`${el.localName}: nothing matches ${selector} in the shadow root`);
  return found;
}

/** An uncompressed IDX file: magic, big-endian dims, then `data`. */
export function idxBytes(dims: number[], data: ArrayLike<number>): Uint8Array<ArrayBuffer> {
  const header = 4 + 4 * dims.length;
  const out = new Uint8Array(header + data.length);
  const view = new DataView(out.buffer);
  view.setUint8(2, 0x08);
  view.setUint8(3, dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, header);
  return out;
}
