// deploy-kit: shared chunk
export * from '../chunks/923c1d2513e3681dc629.js';
