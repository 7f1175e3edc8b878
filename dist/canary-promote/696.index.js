// deploy-kit: shared chunk
export * from '../chunks/80a28de32bd1d5731a4c.js';
