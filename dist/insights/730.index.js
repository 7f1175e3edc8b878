// deploy-kit: shared chunk
export * from '../chunks/02113c015cfaee89221d.js';
