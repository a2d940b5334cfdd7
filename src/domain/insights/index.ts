export * from './suppression.js';
export * from './literacy.js';
export * from './scope.js';
