export * from './suppression.js';
export * from './literacy.js';
export * from './scope.js';
export * from './facts.js';
export * from './trend.js';
export * from './targets.js';
