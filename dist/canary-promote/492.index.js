// deploy-kit: shared chunk
export * from '../chunks/91cc8c4b87dd1b17a161.js';
