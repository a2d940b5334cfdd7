export * from './allocation.js';
export * from './explain.js';
export * from './completion.js';
export * from './widening.js';
