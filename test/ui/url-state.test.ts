// demo/url-state.ts and src/ui/data-base-url.ts: the address ↔ lab attributes mapping of the demo
// page, and the order in which a data folder is chosen. No GPU work.
import { expect } from 'chai';
import { applyQuery, labsBySection, queryFor } from '../../demo/url-state';
import { resolveDataBaseUrl, setDataBaseUrl, setModuleDataBaseUrl } from '../../src/ui/data-base-url';

function page(): HTMLElement {
  const root = document.createElement('div');
  // Plain elements stand in for the labs: only their attributes matter here.
  root.innerHTML = `<section id="fc-train"><ae-fc-train-lab></ae-fc-train-lab></section>
    <section id="conv-latent"><ae-conv-latent-lab epochs="2"></ae-conv-latent-lab></section>
    <section id="other"><p></p></section>`;
  return root;
}

describe('demo address ↔ lab attributes', () => {
  it('finds one lab per section id', () => {
    const labs = labsBySection(page());
    expect([...labs.keys()]).to.deep.equal(['fc-train', 'conv-latent']);
  });

  it('applies <section>.<attribute> keys, kebab-casing camelCase and skipping non-settings', () => {
    const labs = labsBySection(page());
    applyQuery(
      labs,
      '?fc-train.latent=16&fc-train.trainSize=64&fc-train.scale=tiny&fc-train.onclick=x&fc-train.id=y&fc-train.data-base-url=/z/&nope.latent=3&conv-latent.latents=3,15',
    );
    const fc = labs.get('fc-train')!;
    expect(fc.getAttribute('latent')).to.equal('16');
    expect(fc.getAttribute('train-size')).to.equal('64');
    expect(fc.getAttribute('scale')).to.equal('tiny');
    expect(fc.hasAttribute('onclick') || fc.hasAttribute('id') || fc.hasAttribute('data-base-url')).to.equal(false);
    expect(labs.get('conv-latent')!.getAttribute('latents')).to.equal('3,15');
  });

  it("writes the labs' settings back, keeping parameters of no section", () => {
    const labs = labsBySection(page());
    labs.get('fc-train')!.setAttribute('latent', '4');
    labs.get('fc-train')!.setAttribute('class', 'x');
    const q = new URLSearchParams(queryFor(labs, '?debug=1&fc-train.latent=99'));
    expect(q.get('debug')).to.equal('1');
    expect(q.getAll('fc-train.latent')).to.deep.equal(['4']);
    expect(q.get('conv-latent.epochs')).to.equal('2');
    expect(q.has('fc-train.class')).to.equal(false);
  });
});

describe('data base URL precedence', () => {
  afterEach(() => {
    setDataBaseUrl(null);
    setModuleDataBaseUrl('/data/');
    document.querySelector('meta[name="ae-data-base-url"]')?.remove();
  });

  it('element attribute, then setDataBaseUrl, then <meta>, then the module default', () => {
    setModuleDataBaseUrl('/module/data/');
    expect(resolveDataBaseUrl('')).to.equal('/module/data/');
    const meta = document.createElement('meta');
    meta.name = 'ae-data-base-url';
    meta.content = '/meta/data/';
    document.head.append(meta);
    expect(resolveDataBaseUrl('')).to.equal('/meta/data/');
    setDataBaseUrl('/page/data/');
    expect(resolveDataBaseUrl(null)).to.equal('/page/data/');
    expect(resolveDataBaseUrl('/own/')).to.equal('/own/');
  });
});
