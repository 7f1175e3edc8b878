// deploy-kit: shared chunk
export * from '../chunks/9781df1659b8eaff09f0.js';
