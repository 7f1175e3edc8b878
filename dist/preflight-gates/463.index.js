// deploy-kit: shared chunk
export * from '../chunks/27a044b5d110f035af75.js';
