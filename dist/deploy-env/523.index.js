// deploy-kit: shared chunk
export * from '../chunks/14b5b130b133328f8acd.js';
