// deploy-kit: shared chunk
export * from '../chunks/b74ab03b9b550c17054b.js';
