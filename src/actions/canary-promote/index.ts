import { startAction } from '../kit/run.js';
import { main, post } from './main.js';

startAction({ name: 'canary-promote', main, post });
