export * from './allocation.js';
export * from './explain.js';
