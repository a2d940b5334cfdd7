export * from './suppression.js';
export * from './literacy.js';
