// deploy-kit: shared chunk
export * from '../chunks/9c4ff8f4ee676faebbb4.js';
