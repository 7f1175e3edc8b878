// deploy-kit: shared chunk
export * from '../chunks/ea6965812b4a586fdd1d.js';
