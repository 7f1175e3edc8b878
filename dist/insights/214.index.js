// deploy-kit: shared chunk
export * from '../chunks/73eb561c1256dbb5ca0b.js';
