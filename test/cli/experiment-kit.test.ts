// The experiment kit's config schema (src/experiments/kit): the validator on a hand-written schema
// (ranges, choices, numbers given as text, lists, null, unknown keys), the --help text of every
// registered experiment (every key with its defaults at each scale), and one message for a bad value
// whether it comes from the command line, an element attribute or a page address. No GPU work.
import { expect } from 'chai';
import { parseExperimentArgs } from '../../cli/experiment-args.mjs';
import { requestFromAddress, validateRequest } from '../../cli/run-experiment-core';
import { applyQuery, labsBySection } from '../../demo/url-state';
import {
  type ConfigSchema,
  defaultsText,
  defineExperiment,
  experimentHelp,
  experimentList,
  formatNumber,
  formatSignificant,
  kebabKey,
  type KeySpec,
  SCALES,
  schemaDefaults,
  schemaKeys,
  validateConfig,
} from '../../src/experiments/kit/index';
import { experiments, findExperiment } from '../../src/experiments/registry';
import '../../src/ui/index';
import { LAB_ELEMENTS } from '../../src/ui/index';
import { ConfigError } from '../../src/util/errors';
import { nextEvent } from '../ui/helpers';

interface Toy {
  count: number;
  rate: number | null;
  mode: string;
  sizes: number[];
  on: boolean;
  stop: object;
}

const TOY: ConfigSchema<Toy> = {
  count: { type: 'int', min: 1, max: 10, unit: 'things', help: 'how many', default: { tiny: 1, small: 2, full: 10 } },
  rate: {
    type: 'number',
    min: 0,
    minExclusive: true,
    logScale: true,
    help: 'a rate',
    nullMeans: 'the default rate',
    default: { tiny: null, small: 0.5, full: 0.5 },
  },
  mode: { type: 'choice', choices: ['a', 'b'], help: 'a mode', default: { tiny: 'a', small: 'a', full: 'b' } },
  sizes: { type: 'int-list', min: 2, max: 99, help: 'sizes', default: { tiny: [2], small: [2, 3], full: [2, 3, 4] } },
  on: { type: 'boolean', help: 'a switch', default: { tiny: false, small: false, full: true } },
  stop: { type: 'stop', help: 'stopping', default: { tiny: {}, small: {}, full: {} } },
};

/** The message of the ConfigError that `f` throws (fails when it throws nothing or something else). */
function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError, got none');
}

const toy = (user: Record<string, unknown>) => validateConfig('toy', TOY, user, 'small');

describe('kit: config validator', () => {
  it('fills the defaults of the named scale (small when none is named) and copies lists', () => {
    expect(validateConfig('toy', TOY, {}, 'full')).to.deep.equal(schemaDefaults(TOY, 'full'));
    expect(validateConfig('toy', TOY, {})).to.deep.equal({
      count: 2,
      rate: 0.5,
      mode: 'a',
      sizes: [2, 3],
      on: false,
      stop: {},
    });
    const a = schemaDefaults(TOY, 'small');
    a.sizes.push(7);
    expect(schemaDefaults(TOY, 'small').sizes).to.deep.equal([2, 3]);
    expect(schemaKeys(TOY)).to.deep.equal(['count', 'rate', 'mode', 'sizes', 'on', 'stop']);
  });

  it('reads numbers, lists, booleans, JSON and null given as text the same as typed values', () => {
    const fromText = toy({
      count: ' 7 ',
      rate: '1e-3',
      mode: 'b',
      sizes: '3, 5,10',
      on: 'true',
      stop: '{"maxSteps":"4"}',
    });
    const typed = toy({ count: 7, rate: 0.001, mode: 'b', sizes: [3, 5, 10], on: true, stop: { maxSteps: 4 } });
    expect(fromText).to.deep.equal(typed);
    expect(fromText).to.deep.equal({
      count: 7,
      rate: 0.001,
      mode: 'b',
      sizes: [3, 5, 10],
      on: true,
      stop: { maxSteps: 4 },
    });
    expect(toy({ sizes: '[4 6]' }).sizes).to.deep.equal([4, 6]);
    expect(toy({ sizes: '8,' }).sizes).to.deep.equal([8]);
    expect(toy({ sizes: 9 }).sizes).to.deep.equal([9]);
    expect(toy({ on: '' }).on).to.equal(true);
    for (const none of [null, 'null', 'default', '']) expect(toy({ rate: none }).rate).to.equal(null);
  });

  it('refuses a value outside the range, naming experiment, key, the value as given and the range', () => {
    expect(messageOf(() => toy({ count: 11 }))).to.equal('toy.count: bad value 11; expected an integer from 1 to 10.');
    expect(messageOf(() => toy({ count: '0' }))).to.equal(
      'toy.count: bad value "0"; expected an integer from 1 to 10.',
    );
    expect(messageOf(() => toy({ count: 2.5 }))).to.equal(
      'toy.count: bad value 2.5; expected an integer from 1 to 10.',
    );
    expect(messageOf(() => toy({ count: '0x3' }))).to.equal(
      'toy.count: bad value "0x3"; expected an integer from 1 to 10.',
    );
    expect(messageOf(() => toy({ rate: 0 }))).to.equal(
      'toy.rate: bad value 0; expected a finite number > 0, or null (the default rate).',
    );
    expect(messageOf(() => toy({ rate: 'Infinity' }))).to.match(/^toy\.rate: bad value "Infinity"; expected a finite/);
    expect(messageOf(() => toy({ sizes: '3,1' }))).to.equal(
      'toy.sizes[1]: bad value "1"; expected an integer from 2 to 99.',
    );
    expect(messageOf(() => toy({ sizes: '3,,4' }))).to.equal(
      'toy.sizes[1]: bad value ""; expected an integer from 2 to 99.',
    );
    expect(messageOf(() => toy({ sizes: [] }))).to.equal(
      'toy.sizes: bad value []; expected a non-empty list of distinct integers, each from 2 to 99.',
    );
    expect(messageOf(() => toy({ sizes: [5, 5] }))).to.equal(
      'toy.sizes: bad value [5, 5]; expected a non-empty list of distinct integers, each from 2 to 99. 5 appears twice; list each value once.',
    );
    expect(messageOf(() => toy({ on: 'yes' }))).to.equal('toy.on: bad value "yes"; expected true or false.');
  });

  it('refuses a value outside the choices, listing them', () => {
    expect(messageOf(() => toy({ mode: 'c' }))).to.equal('toy.mode: bad value "c"; expected one of: a, b.');
    expect(messageOf(() => toy({ mode: 1 }))).to.equal('toy.mode: bad value 1; expected one of: a, b.');
  });

  it('refuses stopping conditions it does not know or that are out of range', () => {
    expect(messageOf(() => toy({ stop: '{"patience":2}' }))).to.match(
      /^toy\.stop: bad value "\{\\"patience\\":2\}"; expected an object with some of maxSteps, .*"patience" is not a stopping condition/,
    );
    expect(messageOf(() => toy({ stop: { gradNorm: -1 } }))).to.match(
      /stop\.gradNorm: expected a positive number; got -1/,
    );
    expect(messageOf(() => toy({ stop: '{oops' }))).to.match(/^toy\.stop: bad value "\{oops"; expected an object/);
  });

  it('refuses unknown keys, listing the accepted ones, and a config that is not an object', () => {
    expect(messageOf(() => toy({ cuont: 3 }))).to.equal(
      'toy: unknown key "cuont"; expected one of: count, rate, mode, sizes, on, stop.',
    );
    expect(messageOf(() => validateConfig('toy', TOY, [] as unknown as Record<string, unknown>))).to.match(
      /^toy: bad config \[\]; expected an object of settings/,
    );
  });

  it('defineExperiment: defaults() and validate() from the schema, then the cross-key check', () => {
    const def = defineExperiment<Toy>({
      name: 'toy',
      title: 'Toy',
      description: 'A toy.',
      schema: TOY,
      check: (c) => {
        if (c.sizes.length > c.count) throw new ConfigError(`toy.sizes: ${c.sizes.length} sizes for count ${c.count}.`);
      },
      run: () => Promise.reject(new Error('not run here')),
    });
    for (const s of SCALES) expect(def.validate({}, s)).to.deep.equal(def.defaults(s));
    expect(def.validate({ count: '5' }).count).to.equal(5);
    expect(messageOf(() => def.validate({ count: 1, sizes: '4,5' }))).to.equal('toy.sizes: 2 sizes for count 1.');
  });
});

describe('kit: number formats', () => {
  it('formatNumber keeps trailing zeros (one decimal from 100 on); formatSignificant drops them', () => {
    expect([formatNumber(0.17), formatNumber(3397), formatNumber(0.012345, 3), formatNumber(undefined)]).to.deep.equal([
      '0.1700',
      '3397.0',
      '0.0123',
      'undefined',
    ]);
    expect([formatSignificant(0.17), formatSignificant(0.0123456), formatSignificant(312.4, 3)]).to.deep.equal([
      '0.17',
      '0.01235',
      '312',
    ]);
    expect([formatNumber(NaN), formatSignificant(Infinity)]).to.deep.equal(['NaN', 'Infinity']);
  });
});

describe('kit: --help of every experiment', () => {
  it('lists every registered experiment', () => {
    const list = experimentList(experiments());
    const lines = list.split('\n');
    expect(lines.length).to.equal(experiments().length);
    experiments().forEach((def, i) => expect(lines[i]!.split(/\s{2,}/).slice(1)).to.deep.equal([def.name, def.title]));
    expect(experiments().length).to.equal(9);
  });

  for (const def of experiments()) {
    it(`${def.name}: names every key of its schema with its type, range or choices, unit, help and defaults per scale`, () => {
      expect(def.schema, `${def.name} has a schema`).to.not.equal(undefined);
      const schema = def.schema as unknown as Record<string, KeySpec>;
      const text = experimentHelp(def);
      const lines = text.split('\n');
      for (const key of schemaKeys(schema)) {
        const spec = schema[key]!;
        const at = lines.findIndex((l) => l.startsWith(`  --${kebabKey(key)} <${spec.type}>`));
        expect(at, `${def.name}: --${kebabKey(key)}`).to.be.at.least(0);
        const block = lines.slice(at, at + 3).join('\n');
        expect(block).to.contain(spec.help);
        if (spec.unit) expect(block).to.contain(`[${spec.unit}]`);
        if (spec.type === 'choice') for (const c of spec.choices) expect(block).to.contain(c);
        if (spec.type === 'int' || spec.type === 'int-list') expect(block).to.contain(String(spec.min));
        expect(block).to.contain(`default: ${defaultsText(spec)}`);
        // Each scale's default is the experiment's own default at that scale.
        const perScale = SCALES.map((s) => JSON.stringify((def.defaults(s) as Record<string, unknown>)[key]));
        const fromSchema = SCALES.map((s) => JSON.stringify(spec.default[s]));
        expect(perScale).to.deep.equal(fromSchema);
      }
      expect(schemaKeys(schema).length).to.equal(Object.keys(def.defaults('small')).length);
    });
  }

  it('shows one default for a key that is the same at every scale, and each scale otherwise', () => {
    const fc = experimentHelp(findExperiment('fc-train'));
    expect(fc).to.contain('  --train-size <int> [images]: an integer from 1 to 60000');
    expect(fc).to.contain('default: tiny 256 · small 2000 · full 60000');
    expect(fc).to.contain('  --lr <number>: a finite number > 0, or null (');
    expect(fc).to.contain('log scale');
    expect(experimentHelp(findExperiment('conv-latent'))).to.contain(
      'default: tiny 3,15 · small 3,8,15,30 · full 3,5,8,10,15,20,30',
    );
  });
});

describe('one message for a bad value: command line, element attribute, page address', () => {
  afterEach(() => document.body.replaceChildren());

  const tagOf = (name: string) =>
    Object.entries(LAB_ELEMENTS).find(([, n]) => n === name)![0] as keyof typeof LAB_ELEMENTS;

  /** The message the command line gets (argument parsing, then the page's validation). */
  function fromCommandLine(name: string, attr: string, text: string): string {
    const request = parseExperimentArgs([name, `--${attr}`, text, '--scale', 'tiny', '--out', 'runs/x']);
    const checked = validateRequest(request as Parameters<typeof validateRequest>[0], findExperiment);
    expect(checked.status).to.equal('config-error');
    return (checked as { message: string }).message;
  }

  /** The message of the experiment page opened with the setting in its address. */
  function fromPageAddress(name: string, attr: string, text: string): string {
    const request = requestFromAddress(`#name=${name}&scale=tiny&${attr}=${encodeURIComponent(text)}`)!;
    const checked = validateRequest(request, findExperiment);
    expect(checked.status).to.equal('config-error');
    return (checked as { message: string }).message;
  }

  /** The message of a lab element given the setting as an attribute (or through the demo page's address). */
  async function fromElement(name: string, attr: string, text: string, viaAddress: boolean): Promise<string> {
    const tag = tagOf(name);
    const section = document.createElement('section');
    section.id = 'lab';
    const el = document.createElement(tag);
    el.setAttribute('scale', 'tiny');
    if (viaAddress) {
      section.append(el);
      applyQuery(labsBySection(section), `?lab.${attr}=${encodeURIComponent(text)}`);
    } else el.setAttribute(attr, text);
    section.append(el);
    const errored = nextEvent(el, 'ae-error', 5000);
    document.body.append(section);
    const message = (await errored).detail.message!;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="error"]')!.textContent).to.contain(message);
    return message;
  }

  const cases: [string, string, string, string][] = [
    ['fc-train', 'epochs', '-1', 'fc-train.epochs: bad value "-1"; expected an integer ≥ 0.'],
    [
      'fc-sweep',
      'optimizer',
      'lbfgs',
      'fc-sweep.optimizer: bad value "lbfgs"; expected one of: sgd, adam, adamw, adagrad, adadelta, rmsprop.',
    ],
    [
      'fc-compression',
      'latents',
      '2,300',
      'fc-compression.latents[1]: bad value "300"; expected an integer from 1 to 196.',
    ],
    [
      'conv-latent',
      'train-size',
      '1.5',
      'conv-latent.trainSize: bad value "1.5"; expected an integer from 1 to 60000.',
    ],
    [
      'conv-transfer',
      'pretrain-lr',
      'fast',
      'conv-transfer.pretrainLr: bad value "fast"; expected a finite number > 0.',
    ],
    [
      'conv-interpolate',
      'index-a',
      '-2',
      'conv-interpolate.indexA: bad value "-2"; expected an integer ≥ 0, or null (the first test image of a digit drawn with the seed).',
    ],
  ];
  for (const [name, attr, text, expected] of cases) {
    it(`${name} --${attr} ${text}`, async () => {
      expect(fromCommandLine(name, attr, text)).to.equal(expected);
      expect(fromPageAddress(name, attr, text)).to.equal(expected);
      expect(await fromElement(name, attr, text, false)).to.equal(expected);
      expect(await fromElement(name, attr, text, true)).to.equal(expected);
    });
  }

  it('a bad address parameter is refused by name', () => {
    expect(() => requestFromAddress('#name=fc-train&scale=huge')).to.throw(ConfigError, /unknown scale "huge"/);
    expect(() => requestFromAddress('#name=fc-train&config={oops')).to.throw(ConfigError, /config=\{oops is not JSON/);
    expect(requestFromAddress('#scale=tiny')).to.equal(null);
    expect(requestFromAddress('#name=conv-latent&train-size=64&latents=3,5')).to.deep.equal({
      name: 'conv-latent',
      config: { trainSize: '64', latents: '3,5' },
      scale: 'small',
    });
  });
});
