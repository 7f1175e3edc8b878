import { runAction } from '../kit/run.js';
import { main, post } from './main.js';

runAction({ name: 'watch', main, post });
