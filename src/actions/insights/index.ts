import { runAction } from '../kit/run.js';
import { main } from './main.js';

runAction({ name: 'insights', main });
