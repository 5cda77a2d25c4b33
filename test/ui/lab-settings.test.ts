// The settings panel of every lab: generated from the experiment's schema (one real form control per
// key, named by it), a bad value explained under its field with validateConfig's own message and Start
// disabled until fixed, the panel locked while a run goes, in step with the attributes, keys locked by
// the `locked` attribute or set from script, no panel with `no-settings`, and "Copy link" giving the
// address that restores the settings. A stand-in experiment defined with the kit makes runs instant.
import { expect } from 'chai';
import '../../src/ui/index';
import { defineExperiment, type IntKey, newResult, validateConfig } from '../../src/experiments/kit/index';
import { experiments } from '../../src/experiments/registry';
import type { ExperimentContext, ExperimentDef, Scale } from '../../src/experiments/types';
import { ConfigError } from '../../src/util/errors';
import { applyQuery, labsBySection, linkTo } from '../../src/ui/components/ae-experiment/address';
import { keyToAttribute } from '../../src/ui/components/ae-experiment/config-attributes';
import { fromDecades, lockedKeys } from '../../src/ui/components/ae-experiment/settings';
import { type AeExperiment, LAB_ELEMENTS } from '../../src/ui/index';
import { mount, part } from './helpers';
import { fakeRuntime } from './lab-helpers';

const SCALE: Scale = 'tiny';

/** A kit experiment with every kind of key whose run waits on `gate` and returns its config. */
interface KitConfig {
  latent: number;
  optimizer: string;
  lr: number | null;
  shuffle: boolean;
  latents: number[];
  trainSize: number;
  batch: number;
}

function kitDef(gate: Promise<void> = Promise.resolve()) {
  const latent: IntKey = {
    type: 'int',
    min: 1,
    max: 64,
    unit: 'dimensions',
    help: 'code size',
    default: { tiny: 4, small: 8, full: 8 },
  };
  return defineExperiment<KitConfig>({
    name: 'kit-fake',
    title: 'Kit fake',
    description: 'Returns its config.',
    schema: {
      latent,
      optimizer: {
        type: 'choice',
        choices: ['adam', 'sgd'],
        help: 'optimizer',
        default: { tiny: 'adam', small: 'adam', full: 'adam' },
      },
      lr: {
        type: 'number',
        min: 0,
        minExclusive: true,
        logScale: true,
        nullMeans: 'the default',
        help: 'learning rate',
        default: { tiny: null, small: null, full: 0.001 },
      },
      shuffle: { type: 'boolean', help: 'shuffle', default: { tiny: true, small: true, full: true } },
      latents: {
        type: 'int-list',
        min: 1,
        max: 64,
        help: 'sizes',
        default: { tiny: [3, 5], small: [3, 5], full: [3, 5, 10] },
      },
      trainSize: {
        type: 'int',
        min: 1,
        max: 1000,
        unit: 'images',
        help: 'training images',
        default: { tiny: 16, small: 100, full: 1000 },
      },
      batch: { type: 'int', min: 1, unit: 'images', help: 'batch', default: { tiny: 8, small: 32, full: 1000 } },
    },
    check(c) {
      if (c.batch > c.trainSize)
        throw new ConfigError(`kit-fake.batch: bad value ${c.batch}; expected at most trainSize = ${c.trainSize}.`);
    },
    async run(ctx: ExperimentContext, c) {
      await gate;
      const result = newResult(ctx, 'kit-fake', c);
      result.metrics.loss = c.latent / 100;
      result.charts.push({
        id: 'loss',
        title: 'Loss',
        xLabel: 'epoch',
        yLabel: 'loss',
        series: [{ name: 'train', x: [1, 2], y: [c.latent, c.latent / 2] }],
      });
      return result;
    },
  });
}

async function lab(setup: (el: AeExperiment) => void = () => {}): Promise<AeExperiment> {
  return mount('ae-experiment', (el) => {
    el.definition = kitDef() as unknown as ExperimentDef<object>;
    el.scale = SCALE;
    el.store = null;
    el.runtimeProvider = fakeRuntime;
    setup(el);
  });
}

const controls = (el: Element) =>
  Array.from(el.shadowRoot!.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[part="settings"] [name]'));
const control = <T extends HTMLElement = HTMLInputElement>(el: Element, key: string) =>
  part(el, `[part="settings"] [name="${key}"]`) as unknown as T;
const fieldError = (el: Element, key: string) =>
  el.shadowRoot!.querySelector(`.field[data-key="${key}"] .field-error`)?.textContent?.trim() ?? null;
const startDisabled = (el: Element) => (part(el, '[data-action="start"]') as HTMLButtonElement).disabled;

async function setControl(el: AeExperiment, key: string, value: string): Promise<void> {
  const c = control<HTMLInputElement | HTMLSelectElement>(el, key);
  if (c instanceof HTMLInputElement && c.type === 'checkbox') c.checked = value === 'true';
  else c.value = value;
  c.dispatchEvent(new Event('change', { bubbles: true }));
  await el.updateComplete;
  await new Promise((r) => setTimeout(r, 0));
  await el.updateComplete;
}

afterEach(() => {
  for (const el of document.querySelectorAll('ae-experiment, section.lab-test')) el.remove();
});

describe('lab settings panel', () => {
  it('has one named form control per schema key for every registered experiment, of the kind its type asks', async () => {
    for (const def of experiments()) {
      const el = await mount('ae-experiment', (e) => {
        e.experiment = def.name;
        e.scale = SCALE;
        e.store = null;
      });
      const schema = def.schema!;
      const names = controls(el).map((c) => c.name);
      expect(names, def.name).to.deep.equal(Object.keys(schema));
      for (const [key, spec] of Object.entries(schema)) {
        const c = control<HTMLInputElement | HTMLSelectElement>(el, key);
        const want =
          spec.type === 'choice'
            ? 'select'
            : spec.type === 'boolean'
              ? 'checkbox'
              : (spec.type === 'int' || spec.type === 'number') && spec.nullMeans === undefined
                ? 'number'
                : 'text';
        const got = c instanceof HTMLSelectElement ? 'select' : c.type;
        expect(got, `${def.name}.${key}`).to.equal(want);
        if (spec.type === 'choice')
          expect([...(c as HTMLSelectElement).options].map((o) => o.value)).to.deep.equal([...spec.choices]);
        // The label names the attribute, the help line the unit's key help and both defaults.
        const field = part(el, `.field[data-key="${key}"]`);
        expect(field.querySelector('label')!.textContent).to.contain(keyToAttribute(key));
        expect(field.querySelector('.help')!.textContent).to.contain(spec.help).and.contain(`Default (${SCALE})`);
        const words = (v: unknown) =>
          v === null
            ? spec.nullMeans!
            : Array.isArray(v)
              ? v.join(',')
              : typeof v === 'object'
                ? JSON.stringify(v)
                : String(v);
        expect(field.querySelector('.help')!.textContent).to.contain(words(spec.default[SCALE]));
        if (words(spec.default.full) !== words(spec.default[SCALE]))
          expect(field.querySelector('.help')!.textContent).to.contain(`the report's: ${words(spec.default.full)}`);
      }
      // Learning rates get a log-scale slider too.
      const logKeys = Object.entries(schema).filter(([, s]) => s.type === 'number' && s.logScale).length;
      expect(el.shadowRoot!.querySelectorAll('input.log').length, def.name).to.equal(logKeys);
      el.remove();
    }
  });

  it('shows the scale default in each control, and a change becomes the attribute and the config', async () => {
    const el = await lab();
    expect(control(el, 'latent').value).to.equal('4');
    expect(control(el, 'latents').value).to.equal('3,5');
    expect(control(el, 'lr').value).to.equal('');
    await setControl(el, 'optimizer', 'sgd');
    await setControl(el, 'latent', '12');
    await setControl(el, 'shuffle', 'false');
    expect(el.getAttribute('optimizer')).to.equal('sgd');
    expect(el.getAttribute('latent')).to.equal('12');
    expect(el.getAttribute('shuffle')).to.equal('false');
    expect(el.effectiveConfig).to.include({ optimizer: 'sgd', latent: 12, shuffle: false });
    // Back to the scale's default: the attribute goes away.
    await setControl(el, 'latent', '4');
    expect(el.hasAttribute('latent')).to.equal(false);
    // Attribute → panel.
    el.setAttribute('train-size', '200');
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(control(el, 'trainSize').value).to.equal('200');
    // The log slider writes the learning rate as 10^v.
    const slider = part(el, 'input.log') as HTMLInputElement;
    slider.value = '-2.5';
    slider.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(el.getAttribute('lr')).to.equal(fromDecades(-2.5)).and.equal('0.0032');
  });

  it("explains a bad value under its field with exactly validateConfig's message, and Start stays disabled until fixed", async () => {
    const el = await lab();
    const schema = kitDef().schema;
    expect(startDisabled(el)).to.equal(false);
    for (const [key, bad] of [
      ['lr', '-1'],
      ['latent', '0'],
      ['latents', '3,3'],
      ['optimizer', 'adamw'],
    ] as const) {
      el.setAttribute(keyToAttribute(key), bad);
      await new Promise((r) => setTimeout(r, 0));
      await el.updateComplete;
      let expected = '';
      try {
        validateConfig('kit-fake', schema, { [key]: bad }, SCALE);
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected, key).to.match(new RegExp(`^kit-fake\\.${key}`));
      expect(fieldError(el, key), key).to.equal(expected);
      expect(control(el, key).getAttribute('aria-invalid')).to.equal('true');
      expect(control(el, key).getAttribute('aria-describedby')).to.contain(`setting-${key}-error`);
      expect(startDisabled(el), key).to.equal(true);
      el.removeAttribute(keyToAttribute(key));
      await new Promise((r) => setTimeout(r, 0));
      await el.updateComplete;
      expect(fieldError(el, key)).to.equal(null);
      expect(startDisabled(el)).to.equal(false);
    }
    // A rule between keys lands under the key it names.
    await setControl(el, 'batch', '64');
    expect(fieldError(el, 'batch')).to.equal('kit-fake.batch: bad value 64; expected at most trainSize = 16.');
    expect(startDisabled(el)).to.equal(true);
  });

  it('locks every control while a run goes, and unlocks it after', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const el = await lab((e) => (e.definition = kitDef(gate) as unknown as ExperimentDef<object>));
    const run = el.start();
    await el.updateComplete;
    expect((part(el, '[part="settings"] fieldset') as HTMLFieldSetElement).disabled).to.equal(true);
    expect(controls(el).every((c) => c.matches(':disabled'))).to.equal(true);
    await setControl(el, 'latent', '9');
    expect(el.hasAttribute('latent')).to.equal(false);
    open();
    await run;
    await el.updateComplete;
    expect(controls(el).some((c) => c.matches(':disabled'))).to.equal(false);
  });

  it('locks the keys named by `locked` and those set from script; `no-settings` hides the panel', async () => {
    expect([...lockedKeys('lr, train-size epochs')]).to.deep.equal(['lr', 'trainSize', 'epochs']);
    const el = await lab((e) => {
      e.setAttribute('locked', 'lr,train-size');
      e.config = { batch: 4 };
    });
    expect(control(el, 'lr').disabled).to.equal(true);
    expect(control(el, 'trainSize').disabled).to.equal(true);
    expect(control(el, 'batch').disabled).to.equal(true);
    expect(control(el, 'batch').value).to.equal('4');
    expect(control(el, 'latent').disabled).to.equal(false);
    // The report's settings change only what is not locked.
    (part(el, '[data-action="report-settings"]') as HTMLButtonElement).click();
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(el.getAttribute('latent')).to.equal('8');
    expect(el.getAttribute('latents')).to.equal('3,5,10');
    expect(el.hasAttribute('lr')).to.equal(false);
    expect(el.hasAttribute('train-size')).to.equal(false);
    (part(el, '[data-action="scale-defaults"]') as HTMLButtonElement).click();
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(el.hasAttribute('latent')).to.equal(false);
    el.noSettings = true;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="settings"]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[data-action="copy-link"]')).to.equal(null);
  });

  it('"Copy link" gives the address that, applied to a fresh page, restores the settings', async () => {
    const section = document.createElement('section');
    section.id = 'kit-lab';
    section.className = 'lab-test';
    document.body.append(section);
    const el = document.createElement('ae-fc-train-lab');
    el.setAttribute('scale', SCALE);
    el.store = null;
    section.append(el);
    await el.updateComplete;
    await setControl(el, 'optimizer', 'rmsprop');
    await setControl(el, 'latent', '5');
    await setControl(el, 'lr', '0.002');
    const link = linkTo(el)!;
    (part(el, '[data-action="copy-link"]') as HTMLButtonElement).click();
    await new Promise((r) => setTimeout(r, 50));
    await el.updateComplete;
    expect((part(el, '[part="link"]') as HTMLInputElement).value).to.equal(link);
    const url = new URL(link);
    expect(url.hash).to.equal('#kit-lab');
    // A fresh page with the same section gets the same attributes, hence the same config.
    const other = document.createElement('div');
    other.innerHTML = '<section id="kit-lab"><ae-fc-train-lab></ae-fc-train-lab></section>';
    const copy = other.querySelector('ae-fc-train-lab')!;
    copy.store = null;
    applyQuery(labsBySection(other), url.search);
    section.className = 'lab-test';
    document.body.append(other);
    other.className = 'lab-test';
    await copy.updateComplete;
    expect(copy.effectiveConfig).to.deep.equal(el.effectiveConfig);
    expect(copy.effectiveConfig).to.include({ optimizer: 'rmsprop', latent: 5, lr: 0.002 });
    other.remove();
  });

  it('defines a panel on each lab element', async () => {
    for (const tag of Object.keys(LAB_ELEMENTS) as (keyof typeof LAB_ELEMENTS)[]) {
      const el = await mount(tag, (e) => {
        e.scale = SCALE;
        e.store = null;
      });
      expect(controls(el).length, tag).to.be.greaterThan(3);
      el.remove();
    }
  });
});
