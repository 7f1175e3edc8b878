// deploy-kit: shared chunk
export * from '../chunks/7db44f320ab2106378a3.js';
