// deploy-kit: shared chunk
export * from '../chunks/6dc9ef96d5bda6e9562a.js';
