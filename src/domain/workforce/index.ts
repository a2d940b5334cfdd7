export * from './random.js';
export * from './scenario.js';
export * from './engine.js';
export * from './monte-carlo.js';
export * from './staff-baseline.js';
export * from './goal.js';
export * from './difference.js';
export * from './trainee-pool.js';
