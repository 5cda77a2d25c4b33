// <ae-gpu-status>: shows the adapter in use, as navigator.gpu names it; with a failing provider, a readable message.
import { expect } from 'chai';
import '../../src/ui/index';
import { getRuntime } from '../../src/experiments/runtime';
import { WebGPUUnavailableError } from '../../src/util/errors';
import { platformAdapter } from '../helpers/gpu';
import { mount, nextEvent, part } from './helpers';

describe('<ae-gpu-status>', () => {
  afterEach(() => document.body.replaceChildren());

  it('shows the adapter in use and fires ae-done', async () => {
    const platform = await platformAdapter();
    const el = document.createElement('ae-gpu-status');
    const done = nextEvent(el, 'ae-done');
    document.body.append(el);
    const event = await done;
    await el.updateComplete;
    expect(el.status).to.equal('ready');
    expect(el.getAttribute('status')).to.equal('ready');
    expect(part(el, '[part="adapter"]').textContent).to.contain(platform.name);
    expect(event.detail.task).to.equal('gpu');
    if (event.detail.task === 'gpu') {
      // isFallback: a CPU implementation, flagged by the platform or named SwiftShader in its info.
      expect(event.detail.adapter.isFallback).to.equal(platform.flaggedFallback || platform.namesSwiftShader);
      expect(event.detail.adapter.limits.maxStorageBufferBindingSize).to.be.greaterThan(0);
    }
    expect(el.shadowRoot!.querySelector('[part="error"]')).to.equal(null);
  });

  it('explains a missing adapter in part="error" (role="alert") and fires ae-error', async () => {
    const failure = new WebGPUUnavailableError(
      'no-adapter',
      'navigator.gpu exists but requestAdapter() returned null.',
    );
    const el = document.createElement('ae-gpu-status');
    el.gpuProvider = () => Promise.reject(failure);
    const errored = nextEvent(el, 'ae-error', 5000);
    document.body.append(el);
    const event = await errored;
    await el.updateComplete;
    expect(event.detail.error).to.equal(failure);
    expect(el.status).to.equal('error');
    const box = part(el, '[part="error"]');
    expect(box.getAttribute('role')).to.equal('alert');
    const text = box.textContent!.replace(/\s+/g, ' ');
    expect(text).to.contain('no GPU adapter is available');
    expect(text).to.contain('Chrome or Edge 113');
    expect(text).to.contain('chrome://gpu');
    expect(text).to.contain('requestAdapter() returned null');
  });

  it('names a missing WebGPU API, and uses a replaced provider at once', async () => {
    const el = await mount('ae-gpu-status', (e) => {
      e.gpuProvider = () => Promise.reject(new WebGPUUnavailableError('no-api', 'navigator.gpu is undefined.'));
    });
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(part(el, '[part="error"]').textContent).to.contain('does not offer WebGPU');

    el.gpuProvider = getRuntime;
    const done = nextEvent(el, 'ae-done');
    await el.updateComplete;
    await done;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="error"]')).to.equal(null);
    expect(part(el, '[part="adapter"]').textContent).to.contain((await platformAdapter()).name);
  });

  it('"Try again" asks the provider again', async () => {
    let calls = 0;
    const el = await mount('ae-gpu-status', (e) => {
      e.gpuProvider = () => {
        calls++;
        return calls === 1 ? Promise.reject(new Error('first attempt fails')) : getRuntime();
      };
    });
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(part(el, '[part="error"]').textContent).to.contain('first attempt fails');
    const done = nextEvent(el, 'ae-done');
    (part(el, '[part="error"] button') as HTMLButtonElement).click();
    await done;
    expect(calls).to.equal(2);
    expect(el.status).to.equal('ready');
  });
});
