// The reliability tests alone, for scripts/reliability.ts: the project's settings, with the JSON report
// written where the script reads it.
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

export default defineConfig({
  ...base,
  root: resolve(import.meta.dirname, '../..'),
  test: {
    ...base.test,
    include: ['__tests__/reliability/**/*.test.ts'],
    reporters: [
      'default',
      ['json', { outputFile: process.env.DEPLOY_KIT_RELIABILITY_RESULTS ?? '.tmp/reliability-results.json' }],
    ],
  },
});
