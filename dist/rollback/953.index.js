// deploy-kit: shared chunk
export * from '../chunks/ac2139ca6f6bb94fee76.js';
