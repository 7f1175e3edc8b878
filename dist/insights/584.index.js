// deploy-kit: shared chunk
export * from '../chunks/a6b4dfaaf165ab9f5052.js';
