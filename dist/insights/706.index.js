// deploy-kit: shared chunk
export * from '../chunks/18323663e7a7a203b959.js';
