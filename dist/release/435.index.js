// deploy-kit: shared chunk
export * from '../chunks/b44a9f07b475b83de4f5.js';
