// deploy-kit: shared chunk
export * from '../chunks/b49832b09cf3fddf36fb.js';
