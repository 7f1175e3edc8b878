// deploy-kit: shared chunk
export * from '../chunks/d870746248c09e1846c5.js';
