// deploy-kit: shared chunk
export * from '../chunks/a069b337ff6f06c7f83d.js';
