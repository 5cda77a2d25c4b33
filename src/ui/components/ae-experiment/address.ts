// address.ts: a page's lab settings in its address, so a link reproduces a configuration. Each
// section (an element with an id holding one ae-*-lab element) owns the query keys
// `<section id>.<attribute>`, e.g. `?fc-train.latent=16&fc-train.scale=tiny`. syncLabsWithAddress()
// puts those keys on the labs as attributes (call it before the elements are defined, so their first
// render already uses them) and from then on rewrites the query with history.replaceState whenever a
// config attribute or `scale` changes; linkTo() is the address that opens the page with one lab's
// settings (its "Copy link"). Imports ./config-attributes.
import { isConfigAttribute } from './config-attributes';

const ATTRIBUTE_NAME = /^[a-z][a-z0-9-]*$/;

/** `trainSize` or `train-size` → `train-size`; null for names that are not a setting. */
export function settingAttribute(name: string): string | null {
  const attr = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  if (!ATTRIBUTE_NAME.test(attr)) return null;
  return attr === 'scale' || isConfigAttribute(attr) ? attr : null;
}

/** Every lab element of the page with the id of the section around it. */
export function labsBySection(root: ParentNode = document): Map<string, Element> {
  const out = new Map<string, Element>();
  for (const el of Array.from(root.querySelectorAll('[id] > *'))) {
    const section = el.parentElement;
    if (section?.id && /^ae-.*-lab$/.test(el.localName) && !out.has(section.id)) out.set(section.id, el);
  }
  return out;
}

/** Sets the attributes named by `search` (`?<section>.<attribute>=<value>`) on the labs. */
export function applyQuery(labs: Map<string, Element>, search: string): void {
  for (const [key, value] of new URLSearchParams(search)) {
    const dot = key.indexOf('.');
    if (dot < 1) continue;
    const el = labs.get(key.slice(0, dot));
    const attr = settingAttribute(key.slice(dot + 1));
    if (el && attr) el.setAttribute(attr, value);
  }
}

/** The query for the labs' current settings, keeping parameters that belong to no section. */
export function queryFor(labs: Map<string, Element>, search: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of new URLSearchParams(search)) {
    const dot = key.indexOf('.');
    if (dot < 1 || !labs.has(key.slice(0, dot))) params.append(key, value);
  }
  for (const [section, el] of labs) {
    for (const attr of Array.from(el.attributes)) {
      if (settingAttribute(attr.name) === attr.name) params.append(`${section}.${attr.name}`, attr.value);
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The address that opens this page with `lab`'s current settings (and every other lab's), scrolled
 * to its section; null when `lab` is not the child of an element with an id.
 */
export function linkTo(lab: Element, root: ParentNode = document): string | null {
  const section = lab.parentElement;
  if (!section?.id) return null;
  const labs = labsBySection(root);
  if (labs.get(section.id) !== lab) labs.set(section.id, lab);
  const url = new URL(location.href);
  url.search = queryFor(labs, location.search);
  url.hash = `#${encodeURIComponent(section.id)}`;
  return url.href;
}

/** Applies the address to the labs, then keeps the address in step with their attributes. */
export function syncLabsWithAddress(root: ParentNode = document): MutationObserver {
  const labs = labsBySection(root);
  applyQuery(labs, location.search);
  const write = () => {
    const search = queryFor(labs, location.search);
    if (search !== location.search)
      history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
  };
  const observer = new MutationObserver((records) => {
    if (records.some((r) => r.attributeName && settingAttribute(r.attributeName) === r.attributeName)) write();
  });
  for (const el of labs.values()) observer.observe(el, { attributes: true });
  write();
  return observer;
}
