// deploy-kit: shared chunk
export * from '../chunks/744439c218ddf28b0b10.js';
