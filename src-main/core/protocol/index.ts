export * from './errors.js';
export * from './frames.js';
export * from './entities.js';
export * from './methods.js';
export * from './events.js';
export * from './bridge.js';
export * from './kernel-entities.js';
export * from './memory-entities.js';
