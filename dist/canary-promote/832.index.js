// deploy-kit: shared chunk
export * from '../chunks/aa3b7ac7c39f50912cbc.js';
