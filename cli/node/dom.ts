// dom.ts: just enough of a browser page for the PNG painters of src/ui/render to run in Node:
// `document.createElement('canvas')` gives a @napi-rs/canvas canvas (Canvas 2D, PNG through toBlob),
// any other tag an inert element that keeps its children, classes and styles (uPlot builds its
// chart inside one and draws on its canvas, which render/chart.ts copies out). Imported first by
// the Node runner, before uPlot reads `window` and `document` at load. Imports @napi-rs/canvas.
import { createCanvas, Path2D } from '@napi-rs/canvas';

type Listener = (...args: unknown[]) => void;

/** An element that records its tree, attributes, classes and styles, and never lays anything out. */
class InertElement {
  readonly children: InertElement[] = [];
  parentNode: InertElement | null = null;
  readonly style: Record<string, string> = {};
  readonly attributes = new Map<string, string>();
  textContent = '';
  private readonly classes = new Set<string>();
  readonly classList = {
    add: (...names: string[]) => names.forEach((n) => this.classes.add(n)),
    remove: (...names: string[]) => names.forEach((n) => this.classes.delete(n)),
    contains: (name: string) => this.classes.has(name),
    toggle: (name: string, on?: boolean) => {
      const want = on ?? !this.classes.has(name);
      if (want) this.classes.add(name);
      else this.classes.delete(name);
      return want;
    },
  };

  constructor(readonly tagName: string) {}

  get className(): string {
    return [...this.classes].join(' ');
  }
  set className(value: string) {
    this.classes.clear();
    for (const c of value.split(/\s+/)) if (c) this.classes.add(c);
  }
  get firstChild(): InertElement | null {
    return this.children[0] ?? null;
  }
  appendChild<T extends InertElement>(child: T): T {
    return this.insertBefore(child, null);
  }
  insertBefore<T extends InertElement>(child: T, before: InertElement | null | undefined): T {
    child.parentNode?.removeChild(child);
    const at = before ? this.children.indexOf(before) : -1;
    if (at < 0) this.children.push(child);
    else this.children.splice(at, 0, child);
    child.parentNode = this;
    return child;
  }
  removeChild<T extends InertElement>(child: T): T {
    const at = this.children.indexOf(child);
    if (at >= 0) this.children.splice(at, 1);
    child.parentNode = null;
    return child;
  }
  remove(): void {
    this.parentNode?.removeChild(this);
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, String(value));
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  addEventListener(_type: string, _listener: Listener): void {}
  removeEventListener(_type: string, _listener: Listener): void {}
  dispatchEvent(): boolean {
    return true;
  }
  getBoundingClientRect() {
    return { left: 0, top: 0, right: 0, bottom: 0, width: 0, height: 0, x: 0, y: 0 };
  }
  querySelector(): null {
    return null;
  }
}

/** A canvas element as the painters use it: width, height, getContext('2d'), toBlob, style. */
function canvasElement(): unknown {
  const canvas = createCanvas(300, 150) as unknown as Record<string, unknown>;
  const extra = new InertElement('canvas');
  for (const key of [
    'style',
    'classList',
    'parentNode',
    'remove',
    'addEventListener',
    'removeEventListener',
    'setAttribute',
  ])
    if (!(key in canvas)) {
      const v = (extra as unknown as Record<string, unknown>)[key];
      canvas[key] = typeof v === 'function' ? v.bind(extra) : v;
    }
  return canvas;
}

/** Installs the shim on globalThis where no real DOM is present. Returns false when there was one. */
export function installNodeDom(): boolean {
  const g = globalThis as Record<string, unknown>;
  if (typeof g.document !== 'undefined') return false;
  const body = new InertElement('body');
  const document = {
    body,
    documentElement: new InertElement('html'),
    createElement: (tag: string) => (tag.toLowerCase() === 'canvas' ? canvasElement() : new InertElement(tag)),
    createTextNode: (text: string) => Object.assign(new InertElement('#text'), { textContent: text }),
    addEventListener: () => {},
    removeEventListener: () => {},
  };
  const media = {
    matches: true,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
  };
  g.document = document;
  g.window = globalThis;
  g.devicePixelRatio = 1;
  g.matchMedia = () => media;
  g.addEventListener ??= () => {};
  g.removeEventListener ??= () => {};
  g.dispatchEvent ??= () => true;
  g.Path2D ??= Path2D;
  g.HTMLElement ??= InertElement;
  g.getComputedStyle ??= () => ({ getPropertyValue: () => '' });
  g.requestAnimationFrame ??= (cb: (t: number) => void) => setTimeout(() => cb(performance.now()), 0);
  g.CustomEvent ??= class extends Event {};
  return true;
}

installNodeDom();
