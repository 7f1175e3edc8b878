// deploy-kit: shared chunk
export * from '../chunks/676c0ed9a1f3f1153e71.js';
