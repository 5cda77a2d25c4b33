// optim: optimizers that update parameters in place on the GPU (one dispatch per parameter buffer per
// step: one for a whole parameter arena).
// May import graph, ops, kernels (shader table and dispatch geometry), gpu (buffers, readback) and util.
export * from './optimizer';
export { Sgd } from './sgd';
export { Adam, AdamW } from './adam';
export { Adagrad } from './adagrad';
export { Adadelta } from './adadelta';
export { Rmsprop } from './rmsprop';
