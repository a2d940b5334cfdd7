export * from './content-schema.js';
export * from './check-content.js';
export * from './assessment.js';
export * from './credential.js';
export * from './competency-framework.js';
export * from './requirements.js';
export * from './module-versions.js';
export * from './catalogue.js';
