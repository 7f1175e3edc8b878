// deploy-kit: shared chunk
export * from '../chunks/ec9526727176f7efc356.js';
