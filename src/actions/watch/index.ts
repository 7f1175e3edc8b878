import { startAction } from '../kit/run.js';
import { main, post } from './main.js';

startAction({ name: 'watch', main, post });
