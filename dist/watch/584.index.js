// deploy-kit: shared chunk
export * from '../chunks/97d3b71cb5c7e00e9f99.js';
