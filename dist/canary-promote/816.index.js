// deploy-kit: shared chunk
export * from '../chunks/0190774a3a47af2d0a97.js';
