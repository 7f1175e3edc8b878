import { startAction } from '../kit/run.js';
import { main } from './main.js';

startAction({ name: 'insights', main });
