// The experiment kit: one config schema and validator, one result builder, progress emitter,
// train-or-reuse, number formatter and image helpers, shared by every experiment of both reports.
export * from './define';
export * from './format';
export * from './help';
export * from './models';
export * from './result';
export * from './schema';
export * from './seeds';
export * from './keys';
