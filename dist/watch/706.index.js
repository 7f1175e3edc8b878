// deploy-kit: shared chunk
export * from '../chunks/7e6a9aa73466711d6eaa.js';
