import { startAction } from '../kit/run.js';
import { main, post } from './main.js';

startAction({ name: 'preflight-gates', main, post });
