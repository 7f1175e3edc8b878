// deploy-kit: shared chunk
export * from '../chunks/b31311f33618bdd664ba.js';
