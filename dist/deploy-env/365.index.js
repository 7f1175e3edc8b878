// deploy-kit: shared chunk
export * from '../chunks/8e7cbdf5724e205bc5c3.js';
