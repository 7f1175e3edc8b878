// deploy-kit: shared chunk
export * from '../chunks/bb88dd0df2b2a28536c1.js';
