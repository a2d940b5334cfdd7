export * from './age-band.js';
export * from './csv.js';
export * from './esr-extract.js';
export * from './plan-import.js';
export * from './reference-data.js';
export * from './search.js';
export * from './decode.js';
